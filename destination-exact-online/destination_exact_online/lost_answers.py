"""Whether a create whose answer was lost landed in Exact Online: one or two filtered reads by its natural key.

Accounts are found by the value they are matched on, contacts by name and e-mail on their account, items by code,
sales prices by item and currency, stock counts by description, warehouse and lines. A goods delivery has no key of
its own, so it is judged by what it does: the order lines' delivered quantities moved by exactly its quantities.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from exact_online_client import ExactOnlineClient, odata_guid, odata_string
from ledgerbridge_mappings import ExactAccountIndex, ExactRules, PlannedWrite, SalesPriceIndex
from ledgerbridge_mappings.shared.match_keys import code_key, email_key
from ledgerbridge_writer import RecordWriteError

ACCOUNTS, CONTACTS = "crm/Accounts", "crm/Contacts"
ITEMS, SALES_PRICES = "logistics/Items", "logistics/SalesItemPrices"
GOODS_DELIVERIES, STOCK_COUNTS = "salesorder/GoodsDeliveries", "inventory/StockCounts"
# The account field each match key (rules.customers.match_key) is read from.
_ACCOUNT_FIELD = {"email": "Email", "customer_number": "Code", "vat_number": "VATNumber"}
_EPSILON = 1e-9


class WrittenFinder:
    """Looks up, in one division, the object a create made."""

    def __init__(self, client: ExactOnlineClient, division: int, rules: ExactRules) -> None:
        self.client = client
        self.division = division
        self.rules = rules

    def find(self, write: PlannedWrite, body: Mapping[str, Any], delivered_before: Mapping[str, float]) -> str | None:
        """``delivered_before``: per order line (lower-case ID), the quantity delivered before this write was sent
        (the bulk read plus this sync's deliveries), against which a goods delivery's effect is measured."""
        collection = write.target_collection
        if collection == ACCOUNTS:
            return self._account(body)
        if collection == CONTACTS:
            return self._contact(body)
        if collection == ITEMS:
            code = _required(body, "Code", collection)
            rows = self._rows(ITEMS, f"Code eq {odata_string(code)}", "ID,Code")
            return next((str(r["ID"]) for r in rows if code_key(r.get("Code")) == code_key(code)), None)
        if collection == SALES_PRICES:
            item = _required(body, "Item", collection)
            select = "ID,Item,Currency,Price,Account,Project,Employee,Quantity"
            found = SalesPriceIndex.from_records(self._rows(SALES_PRICES, f"Item eq {odata_guid(item)}", select))
            price = found.get(str(item), str(body.get("Currency") or ""))
            return str(price["ID"]) if price is not None else None
        if collection == GOODS_DELIVERIES:
            return self._goods_delivery(write, body, delivered_before)
        if collection == STOCK_COUNTS:
            return self._stock_count(body)
        raise RecordWriteError(collection, "the answer to the create was lost and it cannot be looked up")

    def _rows(self, resource: str, filter_: str, select: str, **extra: str) -> list[dict[str, Any]]:
        params = {"$filter": filter_, "$select": select, **extra}
        return list(self.client.list(resource, params, division=self.division))

    def _account(self, body: Mapping[str, Any]) -> str | None:
        match_key = self.rules.customers.match_key.value
        field = _ACCOUNT_FIELD[match_key]
        value = str(_required(body, field, ACCOUNTS))
        # Exact right-aligns account codes in 18 characters.
        filter_ = (
            f"trim(Code) eq {odata_string(value.strip())}" if field == "Code" else f"{field} eq {odata_string(value)}"
        )
        found = ExactAccountIndex.from_records(self._rows(ACCOUNTS, filter_, "ID,Code,Email,VATNumber"))
        account = found.find(match_key, value)
        return str(account["ID"]) if account is not None else None

    def _contact(self, body: Mapping[str, Any]) -> str | None:
        """The account had no contact with this name and e-mail when planned (or was new), so one now is this one."""
        account = _required(body, "Account", CONTACTS)
        rows = self._rows(CONTACTS, f"Account eq {odata_guid(account)}", "ID,FirstName,LastName,Email")
        wanted = _person(body)
        return next((str(r["ID"]) for r in rows if _person(r) == wanted), None)

    def _goods_delivery(self, write: PlannedWrite, body: Mapping[str, Any], before: Mapping[str, float]) -> str | None:
        order = write.target_id
        lines = {
            str(line["SalesOrderLineID"]).lower(): float(line["QuantityDelivered"])
            for line in body.get("GoodsDeliveryLines") or []
        }
        if not order or not lines:
            raise RecordWriteError(GOODS_DELIVERIES, "names no sales order lines to confirm the delivery by")
        now = {
            str(row["ID"]).lower(): float(row.get("QuantityDelivered") or 0)
            for row in self._rows(
                "salesorder/SalesOrderLines", f"OrderID eq {odata_guid(order)}", "ID,QuantityDelivered"
            )
        }
        moved = {line: now.get(line, 0.0) - before.get(line, 0.0) for line in lines}
        if all(abs(moved[line]) <= _EPSILON for line in lines):
            return None
        if any(abs(moved[line] - quantity) > _EPSILON for line, quantity in lines.items()):
            raise RecordWriteError(
                GOODS_DELIVERIES,
                "the order's delivered quantities changed by other amounts than this delivery's; cannot tell whether "
                "it landed",
            )
        candidates = self._rows(
            GOODS_DELIVERIES,
            f"Description eq {odata_string(str(body.get('Description') or ''))}",
            "EntryID,DeliveryNumber,GoodsDeliveryLines/SalesOrderLineID,GoodsDeliveryLines/QuantityDelivered",
            **{"$expand": "GoodsDeliveryLines"},
        )
        wanted = _delivery_lines(body)
        same = [c for c in candidates if _delivery_lines(c) == wanted]
        if not same:
            raise RecordWriteError(GOODS_DELIVERIES, "the quantities moved but no delivery with these lines was found")
        # Exact numbers deliveries in order; the quantities show the newest matching one is this one.
        newest = max(same, key=lambda c: int(c.get("DeliveryNumber") or 0))
        return str(newest["EntryID"])

    def _stock_count(self, body: Mapping[str, Any]) -> str | None:
        """A count with this description, warehouse and exactly these lines: an earlier count of the same day
        cannot have them, or the quantities would not have been planned as changed."""
        description = _required(body, "Description", STOCK_COUNTS)
        warehouse = _required(body, "Warehouse", STOCK_COUNTS)
        candidates = self._rows(
            STOCK_COUNTS,
            f"Description eq {odata_string(str(description))} and Warehouse eq {odata_guid(warehouse)}",
            "StockCountID,StockCountNumber,StockCountLines/Item,StockCountLines/QuantityNew",
            **{"$expand": "StockCountLines"},
        )
        wanted = _count_lines(body)
        return next((str(c["StockCountID"]) for c in candidates if _count_lines(c) == wanted), None)


def _required(body: Mapping[str, Any], field: str, collection: str) -> Any:
    value = body.get(field)
    if value in (None, ""):
        raise RecordWriteError(f"{collection}.{field}", "not in the body, so the create cannot be confirmed")
    return value


def _person(row: Mapping[str, Any]) -> tuple[str, str, str]:
    return (
        str(row.get("FirstName") or "").strip().casefold(),
        str(row.get("LastName") or "").strip().casefold(),
        email_key(row.get("Email")) or "",
    )


def _embedded(row: Mapping[str, Any], name: str) -> Iterable[Mapping[str, Any]]:
    lines = row.get(name) or []
    return lines.get("results") or [] if isinstance(lines, Mapping) else lines


def _line_set(row: Mapping[str, Any], name: str, key: str, quantity: str) -> frozenset[tuple[str, float]]:
    return frozenset(
        (str(line.get(key)).lower(), round(float(line.get(quantity) or 0), 6)) for line in _embedded(row, name)
    )


def _delivery_lines(row: Mapping[str, Any]) -> frozenset[tuple[str, float]]:
    return _line_set(row, "GoodsDeliveryLines", "SalesOrderLineID", "QuantityDelivered")


def _count_lines(row: Mapping[str, Any]) -> frozenset[tuple[str, float]]:
    return _line_set(row, "StockCountLines", "Item", "QuantityNew")
