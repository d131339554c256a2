"""Exact Online's current state, read once per sync through its bulk and sync endpoints (1,000 rows per call) and
turned into the lookup indexes the mapping rules plan against — so no record ever costs a lookup call.

Only what the incoming streams and the configured rules need is read; every read names its fields with ``$select``
(mandatory on bulk endpoints) and includes every field a planned update compares, or an unchanged record would look
changed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from exact_online_client import ExactOnlineClient
from ledgerbridge_mappings import (
    CodeIndex,
    ExactAccountIndex,
    ExactContactIndex,
    ExactItemIndex,
    ExactLookups,
    ExactRules,
    SalesOrderIndex,
    SalesPriceIndex,
    ShippingMethodIndex,
    StockPositionIndex,
    WarehouseIndex,
)
from ledgerbridge_mappings.paths import parse_path
from ledgerbridge_mappings.rules.field_map import FieldMapScope

# The first sync/… query starts after rowversion 1, i.e. reads everything.
FROM_THE_START = "Timestamp gt 1"

ACCOUNT_FIELDS = (
    "ID,Code,Email,VATNumber,Name,Status,AddressLine1,AddressLine2,Postcode,City,Country,Phone,Website,SalesCurrency,"
    "ChamberOfCommerce,SalesVATCode,GLAccountSales,MainContact"
)
CONTACT_FIELDS = "ID,Account,Email,BusinessEmail,FullName,FirstName,LastName,Phone,Mobile,IsMainContact"
ITEM_FIELDS = "ID,Code,Description,ExtraDescription,Notes,Barcode,IsSalesItem,IsStockItem,Unit,SalesVatCode"
PRICE_FIELDS = "ID,Item,Currency,Price,Account,Project,Employee,Quantity"
STOCK_FIELDS = "ItemCode,Warehouse,WarehouseCode,CurrentStock"
ORDER_FIELDS = "OrderID,OrderNumber,Status,ApprovalStatus"
ORDER_LINE_FIELDS = "ID,OrderID,LineNumber,ItemCode,Quantity,QuantityDelivered,DeliveryStatus"


@dataclass(frozen=True, slots=True)
class Read:
    resource: str
    select: str
    filter: str | None = None

    def params(self) -> dict[str, str]:
        params = {"$select": self.select}
        if self.filter:
            params["$filter"] = self.filter
        return params


def _with_mapped(fields: str, rules: ExactRules, scope: FieldMapScope) -> str:
    """Fields the field map writes are compared on update too, so they are read as well."""
    names = fields.split(",")
    for entry in rules.field_map.for_scope(scope):
        first = parse_path(entry.target).steps[0]
        if isinstance(first, str) and first not in names:
            names.append(first)
    return ",".join(names)


class ExactState:
    """Reads what one sync needs from one division. ``reads`` counts the calls spent, for the summary."""

    def __init__(self, client: ExactOnlineClient, division: int, rules: ExactRules) -> None:
        self.client = client
        self.division = division
        self.rules = rules
        self.calls_before = 0

    def _rows(self, read: Read) -> list[dict[str, Any]]:
        return list(self.client.get_rows(self.division, read.resource, read.params()))

    def lookups(self, streams: Collection[str]) -> ExactLookups:
        """Bulk reads for the streams of this sync (customers, articles, orders) and the rules' reference data."""
        rules = self.rules
        lookups = self.reference_data(
            vat=("customers" in streams and self._customers_use_vat())
            or ("articles" in streams and self._items_use_vat()),
            gl_accounts="customers" in streams and self._uses_revenue(),
            units="articles" in streams,
            warehouses=False,  # read with the stock positions below
            shipping_methods="orders" in streams and self._uses_shipping_methods(),
            cost_centres=False,
        )
        if "customers" in streams:
            select = _with_mapped(ACCOUNT_FIELDS, rules, FieldMapScope.ACCOUNT)
            lookups.accounts = ExactAccountIndex.from_records(self._rows(Read("bulk/CRM/Accounts", select)))
            select = _with_mapped(CONTACT_FIELDS, rules, FieldMapScope.CONTACT)
            lookups.contacts = ExactContactIndex.from_records(self._rows(Read("bulk/CRM/Contacts", select)))
        if "articles" in streams:
            select = _with_mapped(ITEM_FIELDS, rules, FieldMapScope.ITEM)
            lookups.items = ExactItemIndex.from_records(self._rows(Read("bulk/Logistics/Items", select)))
            if rules.items.prices.enabled:
                prices = self._rows(Read("bulk/Logistics/SalesItemPrices", PRICE_FIELDS))
                lookups.sales_prices = SalesPriceIndex.from_records(prices)
            if rules.stock.enabled:
                positions = self._rows(Read("sync/Inventory/StockPositions", STOCK_FIELDS, FROM_THE_START))
                lookups.stock_positions = StockPositionIndex.from_records(positions)
                lookups.warehouses = self._warehouses(positions)
        if "orders" in streams and rules.shipments.enabled:
            orders = self._rows(Read("sync/SalesOrder/SalesOrderHeaders", ORDER_FIELDS, FROM_THE_START))
            lines = self._rows(Read("sync/SalesOrder/SalesOrderLines", ORDER_LINE_FIELDS, FROM_THE_START))
            lookups.sales_orders = SalesOrderIndex.from_records(orders, lines)
        return lookups

    def reference_data(
        self,
        *,
        vat: bool,
        gl_accounts: bool,
        units: bool,
        warehouses: bool,
        shipping_methods: bool,
        cost_centres: bool,
    ) -> ExactLookups:
        """The small code lists the rules refer to (VAT codes, G/L accounts, units, warehouses, methods …)."""
        lookups = ExactLookups()
        if vat:
            lookups.vat_codes = CodeIndex.from_records(self._rows(Read("vat/VATCodes", "ID,Code,Percentage")))
        if gl_accounts:
            rows = self._rows(Read("bulk/Financial/GLAccounts", "ID,Code,Costcenter,Costunit"))
            lookups.gl_accounts = CodeIndex.from_records(rows)
        if cost_centres:
            lookups.cost_centers = CodeIndex.from_records(self._rows(Read("hrm/Costcenters", "ID,Code")))
            lookups.cost_units = CodeIndex.from_records(self._rows(Read("hrm/Costunits", "ID,Code")))
        if units:
            lookups.units = CodeIndex.from_records(self._rows(Read("logistics/Units", "ID,Code")))
        if warehouses:
            lookups.warehouses = WarehouseIndex.from_records(self._rows(Read("inventory/Warehouses", "ID,Code,Main")))
        if shipping_methods:
            rows = self._rows(Read("sales/ShippingMethods", "ID,Code,Description"))
            lookups.shipping_methods = ShippingMethodIndex.from_records(rows)
        return lookups

    def for_check(self) -> ExactLookups:
        """Everything ``check_exact_rules`` consults, and nothing else (no accounts or items)."""
        rules = self.rules
        return self.reference_data(
            vat=self._customers_use_vat() or self._items_use_vat(),
            gl_accounts=self._uses_revenue(),
            units=bool(rules.items.unit_map or rules.items.default_unit),
            warehouses=rules.stock.enabled,
            shipping_methods=self._uses_shipping_methods(),
            cost_centres=any(e.cost_center or e.cost_unit for e in rules.customers.revenue.per_country),
        )

    def _warehouses(self, positions: list[dict[str, Any]]) -> WarehouseIndex:
        """A configured warehouse that holds stock is named in the stock positions themselves (ID and code), which
        spares a read; the main warehouse, or a warehouse without stock yet, needs inventory/Warehouses."""
        wanted = (self.rules.stock.warehouse or "").strip().casefold()
        if wanted:
            for row in positions:
                if str(row.get("WarehouseCode") or "").strip().casefold() == wanted and row.get("Warehouse"):
                    return WarehouseIndex.from_records([{"ID": row["Warehouse"], "Code": row["WarehouseCode"]}])
        return WarehouseIndex.from_records(self._rows(Read("inventory/Warehouses", "ID,Code,Main")))

    def _customers_use_vat(self) -> bool:
        return bool(self.rules.customers.vat.configured_codes())

    def _items_use_vat(self) -> bool:
        return bool(self.rules.items.sales_vat_code or self.rules.items.vat_by_coding)

    def _uses_revenue(self) -> bool:
        revenue = self.rules.customers.revenue
        return bool(revenue.per_country or revenue.default_gl_account)

    def _uses_shipping_methods(self) -> bool:
        shipments = self.rules.shipments
        return bool(shipments.shipping_method_map or shipments.default_shipping_method)
