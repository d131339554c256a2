"""Typed indexes of Exact Online's current state, built by destination-exact-online from one bulk read per collection.

``from_records`` takes the API's own records (bulk/sync endpoints, ``$select``-ed) so the rules diff against them and
never call the API. Keys are normalised with the same helpers as the eAccounting side: e-mail lower-cased, VAT numbers
compacted, Exact codes stripped of the leading spaces Exact pads them with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ledgerbridge_mappings.shared.match_keys import code_key
from ledgerbridge_mappings.shared.party_index import PartyIndex

Record = Mapping[str, Any]


def _id(value: Any) -> str | None:
    return str(value).lower() if value else None


def _lines(record: Record, name: str) -> list[Record]:
    """An embedded collection, flattened or still in its OData ``{"results": [...]}`` wrapper."""
    value = record.get(name)
    if isinstance(value, Mapping):
        value = value.get("results")
    return list(value) if isinstance(value, list) else []


def _number(value: Any) -> float:
    try:
        return float(value) if value is not None else 0.0
    except (TypeError, ValueError):
        return 0.0


@dataclass(slots=True)
class CodeIndex:
    """Exact reference data addressed by code (VAT codes, G/L accounts, cost centres, units, warehouses …)."""

    by_code: dict[str, Record] = field(default_factory=dict)
    by_id: dict[str, Record] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[Record], code_field: str = "Code") -> CodeIndex:
        index = cls()
        for record in records:
            code = code_key(record.get(code_field))
            if code is not None:
                index.by_code.setdefault(code.casefold(), record)
            record_id = _id(record.get("ID"))
            if record_id is not None:
                index.by_id[record_id] = record
        return index

    def get(self, code: str | None) -> Record | None:
        key = code_key(code)
        return self.by_code.get(key.casefold()) if key else None

    def id_of(self, code: str | None) -> str | None:
        record = self.get(code)
        return str(record["ID"]) if record is not None and record.get("ID") else None

    def __contains__(self, code: str | None) -> bool:
        return self.get(code) is not None


@dataclass(slots=True)
class ExactAccountIndex(PartyIndex[Record]):
    """crm/Accounts by each supported match key (the first account keeps a shared key); the full record is kept so
    updates send only what changed."""

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> ExactAccountIndex:
        index = cls()
        for record in records:
            index.put(record, email=record.get("Email"), number=record.get("Code"), vat=record.get("VATNumber"))
        return index


@dataclass(slots=True)
class ExactContactIndex:
    """crm/Contacts grouped by the account they belong to."""

    by_account: dict[str, list[Record]] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> ExactContactIndex:
        index = cls()
        for record in records:
            account = _id(record.get("Account"))
            if account:
                index.by_account.setdefault(account, []).append(record)
        return index

    def of_account(self, account_id: str | None) -> list[Record]:
        return self.by_account.get(_id(account_id) or "", [])


@dataclass(slots=True)
class ExactItemIndex:
    """logistics/Items by item code (= eAccounting article number, the SKU)."""

    by_code: dict[str, Record] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> ExactItemIndex:
        index = cls()
        for record in records:
            code = code_key(record.get("Code"))
            if code is not None:
                index.by_code[code] = record
        return index

    def get(self, code: str | None) -> Record | None:
        key = code_key(code)
        return self.by_code.get(key) if key else None


@dataclass(slots=True)
class SalesPriceIndex:
    """The general sales price of each item per currency (logistics/SalesItemPrices without account, project or
    employee: those are price agreements, which this flow never touches)."""

    by_item: dict[tuple[str, str], Record] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> SalesPriceIndex:
        index = cls()
        for record in records:
            if record.get("Account") or record.get("Project") or record.get("Employee"):
                continue
            if _number(record.get("Quantity")) > 1:  # a volume price, not the base price
                continue
            item = _id(record.get("Item"))
            currency = str(record.get("Currency") or "").strip().upper()
            if item and currency:
                index.by_item.setdefault((item, currency), record)
        return index

    def get(self, item_id: str | None, currency: str) -> Record | None:
        return self.by_item.get((_id(item_id) or "", currency.upper()))


@dataclass(slots=True)
class StockPositionIndex:
    """Current stock per warehouse and item code, from sync/Inventory/StockPositions (``ItemCode``, ``Warehouse``,
    ``CurrentStock``) or inventory/ItemWarehouses (same names). An item without a position has no stock."""

    by_warehouse: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> StockPositionIndex:
        index = cls()
        for record in records:
            warehouse = _id(record.get("Warehouse"))
            code = code_key(record.get("ItemCode"))
            if warehouse and code:
                table = index.by_warehouse.setdefault(warehouse, {})
                table[code] = table.get(code, 0.0) + _number(record.get("CurrentStock"))
        return index

    def current(self, warehouse_id: str, item_code: str) -> float:
        return self.by_warehouse.get(_id(warehouse_id) or "", {}).get(code_key(item_code) or "", 0.0)


@dataclass(slots=True)
class WarehouseIndex:
    codes: CodeIndex = field(default_factory=CodeIndex)
    main_id: str | None = None

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> WarehouseIndex:
        records = list(records)
        main = next((r for r in records if r.get("Main") in (1, True)), None)
        return cls(CodeIndex.from_records(records), str(main["ID"]) if main and main.get("ID") else None)

    def resolve(self, code: str | None) -> str | None:
        """The configured warehouse's ID, or the main warehouse's when none is configured."""
        return self.codes.id_of(code) if code else self.main_id


@dataclass(frozen=True, slots=True)
class ExactOrderLine:
    id: str
    line_number: int
    item_code: str | None
    quantity: float
    quantity_delivered: float
    delivery_status: int | None

    @property
    def remaining(self) -> float:
        return max(self.quantity - self.quantity_delivered, 0.0)


@dataclass(frozen=True, slots=True)
class ExactSalesOrder:
    id: str
    number: str
    approval_status: int | None
    status: int | None
    lines: tuple[ExactOrderLine, ...]


@dataclass(slots=True)
class SalesOrderIndex:
    """salesorder/SalesOrders by OrderNumber with their lines and the quantities Exact has delivered so far."""

    by_number: dict[str, ExactSalesOrder] = field(default_factory=dict)

    @classmethod
    def from_records(cls, orders: Iterable[Record], lines: Iterable[Record] = ()) -> SalesOrderIndex:
        """Lines come embedded in each order (``SalesOrderLines``) or as separate records with ``OrderID``."""
        orders = list(orders)
        separate: dict[str, list[Record]] = {}
        for line in lines:
            separate.setdefault(_id(line.get("OrderID")) or "", []).append(line)
        index = cls()
        for order in orders:
            number = code_key(order.get("OrderNumber"))
            order_id = _id(order.get("OrderID"))
            if number is None or order_id is None:
                continue
            raw = _lines(order, "SalesOrderLines") or separate.get(order_id, [])
            parsed = sorted(
                (
                    ExactOrderLine(
                        id=str(line["ID"]),
                        line_number=int(line.get("LineNumber") or 0),
                        item_code=code_key(line.get("ItemCode")),
                        quantity=_number(line.get("Quantity")),
                        quantity_delivered=_number(line.get("QuantityDelivered")),
                        delivery_status=line.get("DeliveryStatus"),
                    )
                    for line in raw
                    if line.get("ID")
                ),
                key=lambda line: line.line_number,
            )
            status = order.get("Status")
            approval = order.get("ApprovalStatus")
            index.by_number[number] = ExactSalesOrder(
                str(order["OrderID"]),
                number,
                int(approval) if approval is not None else None,
                int(status) if status is not None else None,
                tuple(parsed),
            )
        return index

    def get(self, number: str | None) -> ExactSalesOrder | None:
        key = code_key(number)
        return self.by_number.get(key) if key else None


@dataclass(slots=True)
class ShippingMethodIndex:
    """sales/ShippingMethods by ID, code or description (config names them as the user sees them)."""

    by_key: dict[str, Record] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> ShippingMethodIndex:
        index = cls()
        for record in records:
            for key in (record.get("ID"), record.get("Code"), record.get("Description")):
                text = str(key).strip().casefold() if key else ""
                if text:
                    index.by_key.setdefault(text, record)
        return index

    def resolve(self, id_code_or_description: str | None) -> Record | None:
        text = (id_code_or_description or "").strip().casefold()
        return self.by_key.get(text) if text else None


@dataclass(slots=True)
class ExactLookups:
    """Everything the eAccounting → Exact rules may consult, read once per sync."""

    accounts: ExactAccountIndex = field(default_factory=ExactAccountIndex)
    contacts: ExactContactIndex = field(default_factory=ExactContactIndex)
    items: ExactItemIndex = field(default_factory=ExactItemIndex)
    sales_prices: SalesPriceIndex = field(default_factory=SalesPriceIndex)
    stock_positions: StockPositionIndex = field(default_factory=StockPositionIndex)
    warehouses: WarehouseIndex = field(default_factory=WarehouseIndex)
    vat_codes: CodeIndex = field(default_factory=CodeIndex)
    gl_accounts: CodeIndex = field(default_factory=CodeIndex)
    cost_centers: CodeIndex = field(default_factory=CodeIndex)
    cost_units: CodeIndex = field(default_factory=CodeIndex)
    units: CodeIndex = field(default_factory=CodeIndex)
    item_groups: CodeIndex = field(default_factory=CodeIndex)  # logistics/ItemGroups: ID, Code
    division_currency: str | None = None  # the division's own currency (system/Divisions Currency)
    shipping_methods: ShippingMethodIndex = field(default_factory=ShippingMethodIndex)
    sales_orders: SalesOrderIndex = field(default_factory=SalesOrderIndex)
