"""Which Exact Online resource feeds which stream, with its key, cursor and embedded lines.

Sync resources (row-version ``Timestamp`` cursor, 1,000 rows a page) are used wherever Exact offers one. Reference
lists without a sync resource use ``Modified``. Documents with lines (orders, invoices, deliveries) are read from the
regular resource with ``$expand`` of their lines: that is the only way Exact hands out a document together with *all*
of its current lines in one call, which is what a destination needs (see README, "Documents with lines").
"""

from __future__ import annotations

from dataclasses import dataclass

TIMESTAMP = "Timestamp"
MODIFIED = "Modified"


@dataclass(frozen=True)
class Endpoint:
    stream: str
    resource: str  # path below /api/v1/{division}/
    key: str  # the entity's own key; records are keyed by (Division, key)
    cursor: str
    lines: str | None = None  # navigation property embedded with $expand
    lines_resource: str | None = None  # the resource describing the line fields
    trimmed: frozenset[str] = frozenset()

    @property
    def primary_key(self) -> list[list[str]]:
        return [["Division"], [self.key]]

    @property
    def is_sync(self) -> bool:
        return self.cursor == TIMESTAMP


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("accounts", "sync/CRM/Accounts", "ID", TIMESTAMP, trimmed=frozenset({"Code"})),
    Endpoint("contacts", "sync/CRM/Contacts", "ID", TIMESTAMP),
    Endpoint("addresses", "sync/CRM/Addresses", "ID", TIMESTAMP),
    Endpoint("items", "sync/Logistics/Items", "ID", TIMESTAMP),
    Endpoint("sales_item_prices", "sync/Logistics/SalesItemPrices", "ID", TIMESTAMP),
    Endpoint(
        "sales_orders",
        "salesorder/SalesOrders",
        "OrderID",
        MODIFIED,
        lines="SalesOrderLines",
        lines_resource="salesorder/SalesOrderLines",
    ),
    Endpoint(
        "sales_invoices",
        "salesinvoice/SalesInvoices",
        "InvoiceID",
        MODIFIED,
        lines="SalesInvoiceLines",
        lines_resource="salesinvoice/SalesInvoiceLines",
    ),
    # Headers only, a thousand to a page, for readers that need a document's totals but not its lines
    # (`ledgerbridge reconcile`): the sync resource for orders, the bulk one for invoices (whose sync resource
    # interleaves line rows).
    Endpoint("sales_order_headers", "sync/SalesOrder/SalesOrderHeaders", "OrderID", TIMESTAMP),
    Endpoint("sales_invoice_headers", "bulk/SalesInvoice/SalesInvoices", "InvoiceID", MODIFIED),
    Endpoint(
        "goods_deliveries",
        "salesorder/GoodsDeliveries",
        "EntryID",
        MODIFIED,
        lines="GoodsDeliveryLines",
        lines_resource="salesorder/GoodsDeliveryLines",
    ),
    Endpoint("stock_positions", "sync/Inventory/StockPositions", "ID", TIMESTAMP),
    Endpoint("transaction_lines", "sync/Financial/TransactionLines", "ID", TIMESTAMP),
    Endpoint("gl_accounts", "sync/Financial/GLAccounts", "ID", TIMESTAMP),
    Endpoint("vat_codes", "vat/VATCodes", "ID", MODIFIED),
    Endpoint("payment_conditions", "cashflow/PaymentConditions", "ID", MODIFIED),
    Endpoint("shipping_methods", "sales/ShippingMethods", "ID", MODIFIED),
    Endpoint("cost_centers", "hrm/Costcenters", "ID", MODIFIED),
    Endpoint("cost_units", "hrm/Costunits", "ID", MODIFIED),
    Endpoint("journals", "financial/Journals", "ID", MODIFIED),
    Endpoint("deleted", "sync/Deleted", "ID", TIMESTAMP),
)
