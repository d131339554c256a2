"""Shipped eAccounting orders that originated in Exact → goods deliveries on the originating Exact sales order.

eAccounting keeps one delivered quantity per row (``Rows[n].DeliveredQuantity``; Status 3 Shipped means every row in
full) and no shipment history. Each sync therefore delivers in Exact what eAccounting shows as delivered beyond what
Exact has delivered already (``QuantityDelivered`` of the order lines): never twice, partial when only some rows or
quantities shipped. Exact's order status is read-only; it follows from the deliveries.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ledgerbridge_mappings.eaccounting_to_exact.lookups import ExactLookups, ExactOrderLine, ExactSalesOrder
from ledgerbridge_mappings.eaccounting_to_exact.reconciliation import reconcile_delivery
from ledgerbridge_mappings.eaccounting_to_exact.rules.flow import ExactRules
from ledgerbridge_mappings.eaccounting_to_exact.source_refs import source_ref
from ledgerbridge_mappings.plan import Action, PlannedWrite, RecordPlan, RecordRejected
from ledgerbridge_mappings.shared import paths
from ledgerbridge_mappings.shared.amounts import round_half_up, to_number
from ledgerbridge_mappings.shared.match_keys import code_key
from ledgerbridge_mappings.shared.references import parse_document_reference
from ledgerbridge_mappings.shared.rules.statuses import EAccountingOrderStatus, ExactOrderStatus
from ledgerbridge_mappings.shared.text import clean, iso_date

GOODS_DELIVERIES = "salesorder/GoodsDeliveries"
APPROVAL_AWAITED = 0
_EPSILON = 1e-9
_DECIMALS = 4  # quantities travel with four decimals


class GoodsDeliveryPlanner:
    """Plans goods deliveries for eAccounting orders. Build one per sync; ``today`` dates deliveries of orders that
    have no ShippedDateTime (partly delivered, still ongoing)."""

    def __init__(self, rules: ExactRules, lookups: ExactLookups, today: date) -> None:
        self.rules = rules.shipments
        self.lookups = lookups
        self.today = today
        self._method_map = {
            m.eaccounting_method.strip().casefold(): m.exact_method for m in self.rules.shipping_method_map
        }
        self._ignored = {code_key(n) for n in self.rules.ignored_article_numbers}
        self._reference_path = paths.parse_path(self.rules.reference.order_field)
        self._tracking_path = (
            paths.parse_path(self.rules.tracking_number_field) if self.rules.tracking_number_field else None
        )
        self._planned: dict[str, float] = {}  # order line ID → quantity delivered by writes planned in this sync

    def plan_order(self, record: Mapping[str, Any], stream: str = "orders") -> RecordPlan:
        return RecordPlan.built(source_ref(stream, record, "Number"), lambda plan: self._plan(record, plan))

    def _skip(self, plan: RecordPlan, reason: str, target_id: str | None = None) -> None:
        plan.writes.append(
            PlannedWrite(GOODS_DELIVERIES, Action.SKIP, {}, plan.source_ref, reason, target_id=target_id)
        )

    def _plan(self, record: Mapping[str, Any], plan: RecordPlan) -> None:
        if not self.rules.enabled:
            self._skip(plan, "shipment sync is off")
            return
        reference_field = self.rules.reference.order_field
        prefix = self.rules.reference.prefix
        reference = parse_document_reference(prefix, paths.read_one(record, self._reference_path))
        if reference is None or reference.kind != "SO":
            self._skip(plan, f"not an order from Exact ({reference_field} has no '{prefix} SO <number>')")
            return
        status = record.get("Status")
        if status == EAccountingOrderStatus.DRAFT:
            self._skip(plan, "draft order")
            return
        order = self.lookups.sales_orders.get(reference.number)
        if order is None:
            raise RecordRejected(reference_field, f"{reference.text(prefix)} is not among the Exact sales orders read")
        if order.status == ExactOrderStatus.CANCELLED:
            self._skip(plan, f"{reference.text(prefix)} is cancelled in Exact", order.id)
            return
        shipped = self._shipped_per_article(record, order, plan, fully=status in (3, 4))
        lines = self._delivery_lines(shipped, order, plan)
        if not lines:
            anything = any(q > _EPSILON for q, _ in shipped.values())
            self._skip(plan, "already delivered in Exact" if anything else "nothing shipped yet", order.id)
            return
        if order.approval_status == APPROVAL_AWAITED:
            raise RecordRejected(
                reference_field, f"{reference.text(prefix)} awaits approval in Exact and cannot be delivered yet"
            )
        cancelled = frozenset(line.id for line in order.lines if self._cancelled(line))
        reconcile_delivery(lines, shipped, order, self._planned, cancelled, _DECIMALS)
        for line in lines:
            self._planned[line["SalesOrderLineID"]] = (
                self._planned.get(line["SalesOrderLineID"], 0.0) + line["QuantityDelivered"]
            )
        body: dict[str, Any] = {
            "DeliveryDate": iso_date(record.get("ShippedDateTime"), "ShippedDateTime") or self.today.isoformat(),
            "Description": reference.text(prefix),
            "GoodsDeliveryLines": lines,
        }
        method = self._shipping_method(record)
        if method is not None:
            body["ShippingMethod"] = method
        tracking = self._tracking_number(record)
        if tracking is not None:
            body["TrackingNumber"] = tracking
        complete = all(self._remaining(line) <= _EPSILON for line in order.lines if not self._cancelled(line))
        delivered = sum(line["QuantityDelivered"] for line in lines)
        plan.writes.append(
            PlannedWrite(
                GOODS_DELIVERIES,
                Action.CREATE,
                body,
                plan.source_ref,
                f"{'complete' if complete else 'partial'} delivery of {delivered:g} on {reference.text(prefix)}",
                key=f"{GOODS_DELIVERIES}/{order.id}/"
                + ",".join(f"{line['SalesOrderLineID']}:{line['QuantityDelivered']:g}" for line in lines),
                target_id=order.id,
            )
        )

    # ------------------------------------------------------------------------------------------------ quantities

    def _shipped_per_article(
        self, record: Mapping[str, Any], order: ExactSalesOrder, plan: RecordPlan, *, fully: bool
    ) -> dict[str, tuple[float, str]]:
        """Article code → (quantity eAccounting shows delivered, the field that says so)."""
        rows = record.get("Rows") or []
        if not isinstance(rows, list):
            raise RecordRejected("Rows", "expected a list of order rows")
        on_order = {line.item_code for line in order.lines}
        shipped: dict[str, tuple[float, str]] = {}
        for index, row in enumerate(rows):
            if not isinstance(row, Mapping) or row.get("IsTextRow"):
                continue
            number = code_key(row.get("ArticleNumber"))
            if number is None or number in self._ignored:
                continue
            prefix = f"Rows[{index}]"
            quantity = to_number(row.get("Quantity") or 0, f"{prefix}.Quantity")
            raw = row.get("DeliveredQuantity")
            delivered = to_number(raw, f"{prefix}.DeliveredQuantity") if raw not in (None, "") else 0.0
            if fully and delivered < quantity:
                delivered = quantity  # Shipped/Invoiced: every row went out in full
            if delivered < 0:
                raise RecordRejected(f"{prefix}.DeliveredQuantity", f"negative delivered quantity {delivered:g}")
            if number not in on_order:
                if delivered > _EPSILON:
                    plan.warnings.append(
                        f"{prefix}: article {number} is not on the Exact sales order; its delivery of {delivered:g} "
                        "cannot be represented there"
                    )
                continue
            total, _ = shipped.get(number, (0.0, ""))
            shipped[number] = (total + delivered, f"{prefix}.DeliveredQuantity")
        return shipped

    def _delivery_lines(
        self, shipped: dict[str, tuple[float, str]], order: ExactSalesOrder, plan: RecordPlan
    ) -> list[dict[str, Any]]:
        lines: list[dict[str, Any]] = []
        for number, (quantity, field_name) in shipped.items():
            order_lines = [line for line in order.lines if line.item_code == number and not self._cancelled(line)]
            ordered = sum(line.quantity for line in order_lines)
            if quantity > ordered + _EPSILON:
                raise RecordRejected(
                    field_name,
                    f"{quantity:g} of {number} delivered in eAccounting, but the Exact order has {ordered:g}",
                )
            already = sum(line.quantity_delivered + self._planned.get(line.id, 0.0) for line in order_lines)
            outstanding = quantity - already
            if outstanding < -_EPSILON:
                plan.warnings.append(
                    f"{number}: eAccounting shows {quantity:g} delivered but Exact {already:g}; a return cannot be "
                    "represented as a goods delivery"
                )
                continue
            # One eAccounting quantity may cover several Exact lines of the same item: fill them in line order.
            for line in order_lines:
                if outstanding <= _EPSILON:
                    break
                take = min(self._remaining(line), outstanding)
                if take > _EPSILON:
                    lines.append({"SalesOrderLineID": line.id, "QuantityDelivered": round_half_up(take, _DECIMALS)})
                    outstanding -= take
        return lines

    def _remaining(self, line: ExactOrderLine) -> float:
        return max(line.remaining - self._planned.get(line.id, 0.0), 0.0)

    @staticmethod
    def _cancelled(line: ExactOrderLine) -> bool:
        return line.delivery_status == ExactOrderStatus.CANCELLED

    # ------------------------------------------------------------------------------------------------ header

    def _shipping_method(self, record: Mapping[str, Any]) -> str | None:
        wanted = None
        for name in ("DeliveryMethodCode", "DeliveryMethodName"):
            text = clean(record.get(name))
            if text and text.casefold() in self._method_map:
                wanted, setting = self._method_map[text.casefold()], "shipments.shipping_method_map"
                break
        if wanted is None:
            wanted, setting = self.rules.default_shipping_method, "shipments.default_shipping_method"
        if wanted is None:
            return None
        method = self.lookups.shipping_methods.resolve(wanted)
        if method is None:
            raise RecordRejected(
                "DeliveryMethodCode", f"Exact shipping method {wanted!r} from {setting} does not exist"
            )
        return str(method["ID"])

    def _tracking_number(self, record: Mapping[str, Any]) -> str | None:
        if self._tracking_path is not None:
            value = clean(paths.read_one(record, self._tracking_path))
            if value:
                return value
        prefix = self.rules.tracking_text_prefix
        if prefix:
            for row in record.get("Rows") or []:
                text = clean(row.get("Text")) if isinstance(row, Mapping) and row.get("IsTextRow") else None
                if text and text.casefold().startswith(prefix.casefold()):
                    return clean(text[len(prefix) :])
        return None
