"""Document status codes of both APIs, as the rules of both flows name them."""

from __future__ import annotations

from enum import IntEnum


class ExactOrderStatus(IntEnum):
    """Exact ``salesorder/SalesOrders`` Status, DeliveryStatus and InvoiceStatus codes."""

    OPEN = 12
    PARTIAL = 20
    COMPLETE = 21
    CANCELLED = 45


class ExactInvoiceStatus(IntEnum):
    """Exact ``salesinvoice/SalesInvoices`` Status codes."""

    DRAFT = 10
    OPEN = 20
    PROCESSED = 50


class EAccountingOrderStatus(IntEnum):
    DRAFT = 1
    ONGOING = 2
    SHIPPED = 3
    INVOICED = 4
