"""A neutral reading of Exact sales orders and sales invoices, so one set of rules builds every eAccounting target."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ledgerbridge_mappings.exact_to_eaccounting.discounts import as_fraction
from ledgerbridge_mappings.exact_to_eaccounting.reconciliation import DocumentTotals, exact_document_totals
from ledgerbridge_mappings.exact_to_eaccounting.rules.discounts import DiscountUnit
from ledgerbridge_mappings.plan import RecordRejected, SourceRef
from ledgerbridge_mappings.shared.amounts import money, to_number
from ledgerbridge_mappings.shared.text import clean

CREDIT_INVOICE_TYPES = frozenset({8021, 8024})


@dataclass(slots=True)
class SalesLine:
    index: int
    field_prefix: str  # "SalesOrderLines[2]" - how errors name the line
    item_code: str | None
    description: str | None
    quantity: float
    unit_price: float
    discount: float  # fraction 0-1, header discount included: Exact pushes the header's onto every line
    amount_fc: float  # net of the line in the document currency, as Exact computed it
    amount_dc: float | None
    vat_amount_fc: float  # the line's VAT as Exact computed it, in the document currency
    vat_code: str | None
    vat_percentage: float | None
    cost_center: str | None
    cost_unit: str | None


@dataclass(slots=True)
class SalesDocument:
    kind: str  # "SO" sales order, "SI" sales invoice
    source_ref: SourceRef
    number: str
    date: Any
    delivery_date: Any
    due_date: Any
    customer_field: str  # "InvoiceTo" or "OrderedBy": the record field naming the customer
    customer_id: str | None
    deliver_to_id: str | None
    delivery_address_id: str | None
    currency: str | None
    payment_condition: str | None
    shipping_keys: tuple[str | None, ...]
    your_ref: str | None
    description: str | None
    is_credit: bool
    status: int | None
    delivery_status: int | None
    invoice_status: int | None
    lines_field: str
    record: Mapping[str, Any]
    totals: DocumentTotals  # the Exact document's own totals: what the written document must come to
    amount_dc: float | None  # the gross amount in Exact's division currency
    lines: list[SalesLine] = field(default_factory=list)


def source_ref_for(stream: str, record: Mapping[str, Any], id_field: str, number_field: str) -> SourceRef:
    number = record.get(number_field)
    return SourceRef(
        stream,
        str(record.get(id_field)) if record.get(id_field) else None,
        str(number) if number not in (None, "") else None,
    )


def read_sales_order(record: Mapping[str, Any], unit: DiscountUnit, stream: str = "sales_orders") -> SalesDocument:
    ref = source_ref_for(stream, record, "OrderID", "OrderNumber")
    return _read(record, ref, "SO", "OrderNumber", "OrderDate", "SalesOrderLines", unit, is_credit=False)


def read_sales_invoice(record: Mapping[str, Any], unit: DiscountUnit, stream: str = "sales_invoices") -> SalesDocument:
    ref = source_ref_for(stream, record, "InvoiceID", "InvoiceNumber")
    invoice_type = record.get("Type")
    is_credit = invoice_type in CREDIT_INVOICE_TYPES
    return _read(record, ref, "SI", "InvoiceNumber", "InvoiceDate", "SalesInvoiceLines", unit, is_credit=is_credit)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _read(
    record: Mapping[str, Any],
    ref: SourceRef,
    kind: str,
    number_field: str,
    date_field: str,
    lines_field: str,
    unit: DiscountUnit,
    *,
    is_credit: bool,
) -> SalesDocument:
    if ref.number is None:
        raise RecordRejected(number_field, "missing")
    customer_field = "InvoiceTo" if record.get("InvoiceTo") else "OrderedBy"
    document = SalesDocument(
        kind=kind,
        source_ref=ref,
        number=ref.number,
        date=record.get(date_field) or record.get("OrderDate"),
        delivery_date=record.get("DeliveryDate"),
        due_date=record.get("DueDate"),
        customer_field=customer_field,
        customer_id=clean(record.get(customer_field)),
        deliver_to_id=clean(record.get("DeliverTo")),
        delivery_address_id=clean(record.get("DeliveryAddress")),
        currency=clean(record.get("Currency")),
        payment_condition=clean(record.get("PaymentCondition")),
        shipping_keys=(
            clean(record.get("ShippingMethod")),
            clean(record.get("ShippingMethodCode")),
            clean(record.get("ShippingMethodDescription")),
        ),
        your_ref=clean(record.get("YourRef")),
        description=clean(record.get("Description")),
        is_credit=is_credit,
        status=_int(record.get("Status")),
        delivery_status=_int(record.get("DeliveryStatus")),
        invoice_status=_int(record.get("InvoiceStatus")),
        lines_field=lines_field,
        record=record,
        totals=exact_document_totals(record, lines_field),
        amount_dc=to_number(record["AmountDC"], "AmountDC") if record.get("AmountDC") not in (None, "") else None,
    )
    raw_lines = record.get(lines_field)
    if isinstance(raw_lines, Mapping):  # an OData expansion that was not flattened: {"results": [...]}
        raw_lines = raw_lines.get("results")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise RecordRejected(lines_field, "no lines")
    ordered = sorted(enumerate(raw_lines), key=lambda pair: (_int(pair[1].get("LineNumber")) or 0, pair[0]))
    for position, (original_index, line) in enumerate(ordered):
        document.lines.append(_read_line(line, position, f"{lines_field}[{original_index}]", unit, is_credit))
    return document


def _read_line(line: Mapping[str, Any], index: int, prefix: str, unit: DiscountUnit, is_credit: bool) -> SalesLine:
    quantity = to_number(line.get("Quantity", 0), f"{prefix}.Quantity")
    if quantity == 0:
        raise RecordRejected(f"{prefix}.Quantity", "zero quantity")
    if quantity < 0 and not is_credit:
        raise RecordRejected(f"{prefix}.Quantity", f"negative quantity {quantity} on a sales document")
    unit_price = to_number(line.get("UnitPrice", 0) or 0, f"{prefix}.UnitPrice")
    if unit_price < 0:
        raise RecordRejected(f"{prefix}.UnitPrice", f"negative unit price {unit_price}")
    raw_discount = line.get("Discount")
    discount = (
        as_fraction(to_number(raw_discount, f"{prefix}.Discount"), unit, f"{prefix}.Discount")
        if raw_discount not in (None, "")
        else 0.0
    )
    amount_dc = line.get("AmountDC")
    vat_percentage = line.get("VATPercentage")
    amount_fc = _line_amount(line, prefix, quantity, unit_price, discount)
    vat_amount = line.get("VATAmountFC", line.get("VATAmount"))
    if vat_amount not in (None, ""):
        vat_amount_fc = to_number(vat_amount, f"{prefix}.VATAmount")
    elif vat_percentage not in (None, ""):
        vat_amount_fc = money(amount_fc * to_number(vat_percentage, f"{prefix}.VATPercentage"))
    else:
        vat_amount_fc = 0.0
    return SalesLine(
        index=index,
        field_prefix=prefix,
        item_code=clean(line.get("ItemCode")),
        description=clean(line.get("Description")) or clean(line.get("ItemDescription")),
        quantity=quantity,
        unit_price=unit_price,
        discount=discount,
        amount_fc=amount_fc,
        amount_dc=to_number(amount_dc, f"{prefix}.AmountDC") if amount_dc not in (None, "") else None,
        vat_amount_fc=vat_amount_fc,
        vat_code=clean(line.get("VATCode")),
        vat_percentage=to_number(vat_percentage, f"{prefix}.VATPercentage")
        if vat_percentage not in (None, "")
        else None,
        cost_center=clean(line.get("CostCenter")),
        cost_unit=clean(line.get("CostUnit")),
    )


def _line_amount(line: Mapping[str, Any], prefix: str, quantity: float, unit_price: float, discount: float) -> float:
    """The line's net as Exact states it (``AmountFC``), else as Exact computes it from its price fields."""
    amount = line.get("AmountFC")
    if amount not in (None, ""):
        return money(to_number(amount, f"{prefix}.AmountFC"))
    net_price = line.get("NetPrice")
    if net_price not in (None, ""):
        return money(quantity * to_number(net_price, f"{prefix}.NetPrice"))
    return money(quantity * unit_price * (1.0 - discount))
