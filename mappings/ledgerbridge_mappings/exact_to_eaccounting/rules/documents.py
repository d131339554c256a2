"""Which eAccounting document an Exact sales order or invoice becomes, which qualify, and how its reference is kept."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from ledgerbridge_mappings.shared.rules.base import RuleModel
from ledgerbridge_mappings.shared.rules.references import ReferenceRule
from ledgerbridge_mappings.shared.rules.statuses import EAccountingOrderStatus, ExactInvoiceStatus, ExactOrderStatus


class OrderTarget(StrEnum):
    ORDER = "order"
    INVOICE_DRAFT = "invoice_draft"
    INVOICE = "invoice"
    VOUCHER = "voucher"


class StatusFilter(RuleModel):
    """Only Exact documents in these states are written; the others are skipped with the reason logged."""

    order_statuses: list[ExactOrderStatus] = Field(
        default=[ExactOrderStatus.OPEN, ExactOrderStatus.PARTIAL, ExactOrderStatus.COMPLETE],
        title="Sales order statuses",
        description="Exact sales order Status values to process: 12 Open, 20 Partial, 21 Complete, 45 Cancelled.",
        examples=[[12, 20, 21]],
    )
    delivery_statuses: list[ExactOrderStatus] = Field(
        default=[],
        title="Sales order delivery statuses",
        description="Exact DeliveryStatus values to process (12 Open, 20 Partial, 21 Complete, 45 Cancelled); "
        "empty means any.",
        examples=[[21]],
    )
    invoice_statuses: list[ExactOrderStatus] = Field(
        default=[],
        title="Sales order invoice statuses",
        description="Exact InvoiceStatus values of a sales order to process; empty means any.",
        examples=[[12]],
    )
    sales_invoice_statuses: list[ExactInvoiceStatus] = Field(
        default=[ExactInvoiceStatus.OPEN, ExactInvoiceStatus.PROCESSED],
        title="Sales invoice statuses",
        description="Exact sales invoice Status values to process: 10 Draft, 20 Open, 50 Processed.",
        examples=[[20, 50]],
    )


class DocumentRules(RuleModel):
    target: OrderTarget = Field(
        default=OrderTarget.ORDER,
        title="Send orders as",
        description="What each Exact sales order or sales invoice becomes in eAccounting: an order, a customer "
        "invoice draft, a customer invoice, or a voucher (sales entry, no customer document).",
        examples=["order"],
    )
    eaccounting_order_status: EAccountingOrderStatus = Field(
        default=EAccountingOrderStatus.ONGOING,
        title="Status of new eAccounting orders",
        description="1 Draft, 2 Ongoing, 3 Shipped, 4 Invoiced. Used when 'Send orders as' is 'order'.",
        examples=[2],
    )
    status_filter: StatusFilter = Field(default_factory=StatusFilter, title="Status filter")
    reference: ReferenceRule = Field(default_factory=ReferenceRule, title="Exact reference")
    update_existing: bool = Field(
        default=False,
        title="Update existing documents",
        description="When a document with the same Exact reference exists: replace it (orders and invoice drafts "
        "only; invoices and vouchers are never changed) instead of skipping it.",
    )
