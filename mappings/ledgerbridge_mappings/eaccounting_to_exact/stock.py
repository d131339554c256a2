"""eAccounting stock balances → one Exact stock count per sync, holding a line for every stock item whose quantity
differs from Exact's current stock, posted with Status 21 so Exact processes it on creation.

Stock counts set the new quantity (``QuantityNew``) rather than a difference, so a count that is sent twice does not
move stock twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ledgerbridge_mappings.eaccounting_to_exact.items import ItemPlanner, filtered_out
from ledgerbridge_mappings.eaccounting_to_exact.lookups import ExactLookups
from ledgerbridge_mappings.eaccounting_to_exact.reconciliation import reconcile_stock
from ledgerbridge_mappings.eaccounting_to_exact.rules.flow import ExactRules
from ledgerbridge_mappings.eaccounting_to_exact.rules.stock import NegativeStock, StockCalculation
from ledgerbridge_mappings.eaccounting_to_exact.source_refs import source_ref
from ledgerbridge_mappings.plan import Action, PlannedWrite, RecordPlan, RecordRejected, SourceRef
from ledgerbridge_mappings.shared.amounts import round_half_up, to_number
from ledgerbridge_mappings.shared.match_keys import code_key

STOCK_COUNTS = "inventory/StockCounts"
PROCESSED = 21
_DECIMALS = 4


def stock_quantity(calculation: StockCalculation, record: Mapping[str, Any]) -> float:
    """The eAccounting quantity Exact's stock should equal, named by its ArticleApi fields."""
    if calculation is StockCalculation.AVAILABLE:
        return _required(record, "StockBalanceAvailable")
    balance = _required(record, "StockBalance")
    if calculation is StockCalculation.BALANCE:
        return balance
    reserved = record.get("StockBalanceReserved")
    return balance - (to_number(reserved, "StockBalanceReserved") if reserved not in (None, "") else 0.0)


def _required(record: Mapping[str, Any], name: str) -> float:
    value = record.get(name)
    if value is None or value == "":
        raise RecordRejected(name, "missing")
    return to_number(value, name)


@dataclass(slots=True)
class StockCountBatch:
    """The one stock-count write of a sync and the article records whose quantity it carries."""

    write: PlannedWrite
    sources: list[SourceRef] = field(default_factory=list)


@dataclass(slots=True)
class _Line:
    item_id: str | None
    item_key: str | None
    quantity: float
    source: SourceRef


class StockCountPlanner:
    """Collects stock lines article by article; ``stock_count()`` returns the single batched write.

    Pass the sync's ``ItemPlanner`` so items created in the same sync get their stock through a link to the new ID.
    """

    def __init__(
        self, rules: ExactRules, lookups: ExactLookups, count_date: date, items: ItemPlanner | None = None
    ) -> None:
        self.rules = rules.stock
        self._filter = rules.items.filter
        self.lookups = lookups
        self.count_date = count_date
        self._items = items
        self._lines: dict[str, _Line] = {}

    def add_article(self, record: Mapping[str, Any], stream: str = "articles") -> RecordPlan:
        """Plan one article's stock. The plan has no writes when its line joins the batch, a skip with the reason
        when Exact already holds the quantity or the article is not a stock item, or an error naming the field."""
        return RecordPlan.built(source_ref(stream, record, "Number"), lambda plan: self._add(record, plan))

    def _add(self, record: Mapping[str, Any], plan: RecordPlan) -> None:
        ref = plan.source_ref
        if not self.rules.enabled:
            plan.writes.append(PlannedWrite(STOCK_COUNTS, Action.SKIP, {}, ref, "stock sync is off"))
            return
        number = code_key(record.get("Number"))
        if number is None:
            raise RecordRejected("Number", "missing (the article number is the Exact item code)")
        reason = filtered_out(self._filter, record, number)
        if reason is None and not record.get("IsStock"):
            reason = "not a stock article in eAccounting"
        if reason is not None:
            plan.writes.append(PlannedWrite(STOCK_COUNTS, Action.SKIP, {}, ref, reason))
            return
        item_id, item_key = self._item(number)
        if item_id is None and item_key is None:
            plan.writes.append(
                PlannedWrite(STOCK_COUNTS, Action.SKIP, {}, ref, f"Exact item {number} is no stock item")
            )
            return
        warehouse = self._warehouse()
        source_quantity = stock_quantity(self.rules.calculation, record)
        quantity = round_half_up(source_quantity, _DECIMALS)
        explained = False
        if quantity < 0:
            if self.rules.negative is NegativeStock.ERROR:
                raise RecordRejected(self._quantity_field(), f"negative stock {quantity:g}")
            if self.rules.negative is NegativeStock.ZERO:
                plan.warnings.append(f"negative stock {quantity:g} counted as 0")
                quantity, explained = 0.0, True  # the rule 'negative: zero' made the difference
        if not explained:
            reconcile_stock(quantity, self._quantity_field(), source_quantity, _DECIMALS)
        current = 0.0 if item_id is None else self.lookups.stock_positions.current(warehouse, number)
        if abs(quantity - round_half_up(current, _DECIMALS)) < 1e-9:
            self._lines.pop(number, None)  # a later record of the same article wins
            plan.writes.append(
                PlannedWrite(
                    STOCK_COUNTS, Action.SKIP, {}, ref, f"unchanged: Exact holds {current:g}", target_id=item_id
                )
            )
            return
        self._lines[number] = _Line(item_id, item_key, quantity, ref)

    def _item(self, number: str) -> tuple[str | None, str | None]:
        """(existing item ID, None) or (None, key of the item created in this sync); (None, None) for non-stock."""
        existing = self.lookups.items.get(number)
        if existing is not None:
            return (str(existing["ID"]), None) if existing.get("IsStockItem") else (None, None)
        planned = self._items.planned.get(number) if self._items is not None else None
        if planned is not None:
            return (None, planned.key) if planned.is_stock_item else (None, None)
        raise RecordRejected("Number", f"no Exact item {number} (and none is created in this sync)")

    def _warehouse(self) -> str:
        warehouse = self.lookups.warehouses.resolve(self.rules.warehouse)
        if warehouse is None:
            shown = repr(self.rules.warehouse) if self.rules.warehouse else "a main warehouse"
            raise RecordRejected("stock.warehouse", f"Exact has no {shown}")
        return warehouse

    def _quantity_field(self) -> str:
        return {
            StockCalculation.AVAILABLE: "StockBalanceAvailable",
            StockCalculation.BALANCE: "StockBalance",
        }.get(self.rules.calculation, "StockBalance")

    def stock_count(self) -> StockCountBatch | None:
        """One processed stock count with a line per changed quantity, or ``None`` when nothing changed."""
        if not self._lines:
            return None
        warehouse = self._warehouse()
        lines: list[dict[str, Any]] = []
        links: dict[str, str] = {}
        ordered = [line for _, line in sorted(self._lines.items())]
        for index, line in enumerate(ordered):
            lines.append({"Item": line.item_id, "QuantityNew": line.quantity})
            if line.item_key is not None:
                links[f"StockCountLines[{index}].Item"] = line.item_key
        day = self.count_date.isoformat()
        body = {
            "StockCountDate": day,
            "Warehouse": warehouse,
            "Description": f"{self.rules.description} {day}",
            "Status": PROCESSED,
            "StockCountLines": lines,
        }
        sources = [line.source for line in ordered]
        ref = SourceRef("articles", None, f"stock count {day}")
        write = PlannedWrite(
            STOCK_COUNTS,
            Action.CREATE,
            body,
            ref,
            f"{len(lines)} changed quantities",
            key=f"{STOCK_COUNTS}/{warehouse}/{day}",
            links=links,
        )
        return StockCountBatch(write, sources)
