"""Exact Online's current state, read once per sync through its bulk and sync endpoints (1,000 rows per call) and
turned into the lookup indexes the mapping rules plan against — so no record ever costs a lookup call.

Only what the incoming streams and the configured rules need is read; every read names its fields with ``$select``
(mandatory on bulk endpoints) and includes every field a planned update compares, or an unchanged record would look
changed.

A stock-only sync (``items.create_missing`` and ``items.update_existing`` both off, stock on) writes no item or price,
so it reads neither: the stock positions alone name each counted item's ID and code, and only a stock item holds a
position. Item flags are read (``item_flags``) only when an article's item has no position yet.
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
from ledgerbridge_mappings.shared.paths import parse_path
from ledgerbridge_mappings.shared.rules.field_map import FieldMapScope

# The first sync/… query starts after rowversion 1, i.e. reads everything.
FROM_THE_START = "Timestamp gt 1"

ACCOUNT_FIELDS = (
    "ID,Code,Email,VATNumber,Name,Status,AddressLine1,AddressLine2,Postcode,City,Country,Phone,Website,SalesCurrency,"
    "ChamberOfCommerce,SalesVATCode,GLAccountSales,MainContact"
)
CONTACT_FIELDS = "ID,Account,Email,BusinessEmail,FullName,FirstName,LastName,Phone,Mobile,IsMainContact"
ITEM_FIELDS = "ID,Code,Description,ExtraDescription,Notes,Barcode,IsSalesItem,IsStockItem,Unit,SalesVatCode,ItemGroup"
PRICE_FIELDS = "ID,Item,Currency,Price,Account,Project,Employee,Quantity"
STOCK_FIELDS = "ItemId,ItemCode,Warehouse,WarehouseCode,CurrentStock"
ITEM_FLAG_FIELDS = "ID,Code,IsStockItem"
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


def stock_only(rules: ExactRules) -> bool:
    """Articles carry only stock: the item rules can neither create nor update an item (nor, so, its price)."""
    return rules.stock.enabled and not (rules.items.create_missing or rules.items.update_existing)


def stock_items_of(positions: list[dict[str, Any]]) -> ExactItemIndex:
    """The items the stock positions name, any warehouse: each exists in Exact and is a stock item."""
    items = ({"ID": row["ItemId"], "Code": row.get("ItemCode"), "IsStockItem": True} for row in positions)
    return ExactItemIndex.from_records(item for item in items if item["ID"])


class ExactState:
    """Reads what one sync needs from one division. ``reads`` counts the calls spent, for the summary."""

    def __init__(self, client: ExactOnlineClient, division: int, rules: ExactRules) -> None:
        self.client = client
        self.division = division
        self.rules = rules
        self.calls_before = 0

    def _rows(self, read: Read) -> list[dict[str, Any]]:
        return list(self.client.list(read.resource, read.params(), division=self.division))

    def lookups(self, streams: Collection[str]) -> ExactLookups:
        """Bulk reads for the streams of this sync (customers, articles, orders) and the rules' reference data."""
        rules = self.rules
        items = "articles" in streams and not stock_only(rules)
        lookups = self.reference_data(
            vat=("customers" in streams and self._customers_use_vat()) or (items and self._items_use_vat()),
            gl_accounts="customers" in streams and self._uses_revenue(),
            units=items,
            warehouses=False,  # read with the stock positions below
            shipping_methods="orders" in streams and self._uses_shipping_methods(),
            cost_centres=False,
            item_groups=items and rules.items.item_groups.configured,
            division_currency=items and self._prices_need_division_currency(),
        )
        if "customers" in streams:
            select = _with_mapped(ACCOUNT_FIELDS, rules, FieldMapScope.ACCOUNT)
            lookups.accounts = ExactAccountIndex.from_records(self._rows(Read("bulk/CRM/Accounts", select)))
            select = _with_mapped(CONTACT_FIELDS, rules, FieldMapScope.CONTACT)
            lookups.contacts = ExactContactIndex.from_records(self._rows(Read("bulk/CRM/Contacts", select)))
        if items:
            select = _with_mapped(ITEM_FIELDS, rules, FieldMapScope.ITEM)
            lookups.items = ExactItemIndex.from_records(self._rows(Read("bulk/Logistics/Items", select)))
            if rules.items.prices.enabled:
                prices = self._rows(Read("bulk/Logistics/SalesItemPrices", PRICE_FIELDS))
                lookups.sales_prices = SalesPriceIndex.from_records(prices)
        if "articles" in streams and rules.stock.enabled:
            positions = self._rows(Read("sync/Inventory/StockPositions", STOCK_FIELDS, FROM_THE_START))
            lookups.stock_positions = StockPositionIndex.from_records(positions)
            lookups.warehouses = self._warehouses(positions)
            if not items:
                lookups.items = stock_items_of(positions)
        if "orders" in streams and rules.shipments.enabled:
            orders = self._rows(Read("sync/SalesOrder/SalesOrderHeaders", ORDER_FIELDS, FROM_THE_START))
            lines = self._rows(Read("sync/SalesOrder/SalesOrderLines", ORDER_LINE_FIELDS, FROM_THE_START))
            lookups.sales_orders = SalesOrderIndex.from_records(orders, lines)
        return lookups

    def item_flags(self) -> ExactItemIndex:
        """Every item's ID and stock flag: what the stock rule needs for an article whose item has no position."""
        return ExactItemIndex.from_records(self._rows(Read("bulk/Logistics/Items", ITEM_FLAG_FIELDS)))

    def reference_data(
        self,
        *,
        vat: bool,
        gl_accounts: bool,
        units: bool,
        warehouses: bool,
        shipping_methods: bool,
        cost_centres: bool,
        item_groups: bool = False,
        division_currency: bool = False,
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
        if item_groups:
            lookups.item_groups = CodeIndex.from_records(self._rows(Read("logistics/ItemGroups", "ID,Code")))
        if division_currency:
            lookups.division_currency = self.division_currency()
        return lookups

    def division_currency(self) -> str | None:
        """The division's own currency: what Exact's sales prices are in unless the rules name another."""
        for row in self._rows(Read("system/Divisions", "Code,Currency")):
            if str(row.get("Code")) == str(self.division) and row.get("Currency"):
                return str(row["Currency"]).strip().upper()
        return None

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
            item_groups=rules.items.item_groups.configured,
            division_currency=self._prices_need_division_currency(),
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

    def _prices_need_division_currency(self) -> bool:
        prices = self.rules.items.prices
        return prices.enabled and prices.exact_currency is None and not stock_only(self.rules)

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
