"""Sales rules: items' sales prices, sales orders and invoices with their priced lines, goods deliveries
and the order delivery status they drive."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from exact_online_emulator.exceptions import BadRequest
from exact_online_emulator.models import money
from exact_online_emulator.models.rules.lookups import by_code, lookup, refresh_names
from exact_online_emulator.models.rules.stock import change_stock, main_warehouse

if TYPE_CHECKING:
    from exact_online_emulator.models.division import Division
    from exact_online_emulator.models.rules.ledger import Ledger
    from exact_online_emulator.models.store import Row


OPEN, PARTIAL, COMPLETE = 12, 20, 21


STATUS_TEXT = {12: "Open", 20: "Partial", 21: "Complete", 45: "Cancelled"}


# Line fields whose change re-prices the line; the derived amounts among them are recalculated, not taken as sent.
PRICING = {"Quantity", "UnitPrice", "Discount", "VATCode", "NetPrice", "AmountFC", "VATAmount", "VATAmountFC"}


# Line amounts each line collection derives, and the field holding its VAT in the document currency.
PRICED_LINES = {"salesorder/SalesOrderLines": "VATAmount", "salesinvoice/SalesInvoiceLines": "VATAmountFC"}


# Header fields whose change re-prices every line (the default discount Exact puts on each line, the currency) or
# that the lines determine (a sent discount amount is recalculated from them).
REPRICING_HEADER = {"Discount", "Currency", "AmountDiscount", "AmountDiscountExclVat"}


def _create_sales_item_price(backend: Ledger, division: Division, values: dict[str, Any]) -> None:
    item = lookup(division, "logistics/Items", values.get("Item"))
    if item is not None:
        values.update(ItemCode=item.get("Code"), ItemDescription=item.get("Description"))
        values.setdefault("Unit", item.get("Unit"))
        values.setdefault("DefaultItemUnit", item.get("Unit"))
    values.setdefault("Currency", "EUR")
    values.setdefault("Quantity", 0.0)
    values.setdefault("NumberOfItemsPerUnit", 1.0)


def _document_defaults(
    backend: Ledger, division: Division, values: dict[str, Any], document: str, first_number: int
) -> None:
    """What Exact fills in on a sales order or invoice header (``document`` names its Number and Date fields)."""
    values.setdefault("DeliverTo", values.get("OrderedBy"))
    values.setdefault("InvoiceTo", values.get("OrderedBy"))
    if values.get(f"{document}Number") is None:
        values[f"{document}Number"] = division.next_number(f"{document.lower()}_number", first_number)
    values.setdefault(f"{document}Date", backend.now_wire())
    values["Currency"] = document_currency(values.get("Currency"))
    values.setdefault("Discount", 0.0)


def _create_sales_order(backend: Ledger, division: Division, values: dict[str, Any]) -> None:
    _document_defaults(backend, division, values, "Order", first_number=1)
    values.setdefault("ApprovalStatus", 1)
    values["ID"] = values["OrderID"]
    values.update(_status_fields(OPEN, OPEN))
    refresh_names(division, "salesorder/SalesOrders", values)


def _create_sales_invoice(backend: Ledger, division: Division, values: dict[str, Any]) -> None:
    journal = values.get("Journal")
    if journal and by_code(division, "financial/Journals", journal) is None:
        raise BadRequest(f"Invalid reference: Journal '{journal}' does not exist in financial/Journals.")
    _document_defaults(backend, division, values, "Invoice", first_number=26000001)
    values.setdefault("Type", 8020)
    values["TypeDescription"] = {8020: "Sales invoice", 8021: "Sales credit note"}.get(values["Type"], "Sales invoice")
    values.setdefault("Status", 20)
    values["StatusDescription"] = {10: "Draft", 20: "Open", 50: "Processed"}.get(values["Status"], "Open")
    values["LineNumber"] = 0
    values["ID"] = values["InvoiceID"]
    refresh_names(division, "salesinvoice/SalesInvoices", values)


def _create_goods_delivery(backend: Ledger, division: Division, values: dict[str, Any]) -> None:
    values["DeliveryNumber"] = division.next_number("delivery_number", 1)
    values["EntryNumber"] = division.next_number("entry_number", 1)
    method = lookup(division, "sales/ShippingMethods", values.get("ShippingMethod"))
    if method is not None:
        values.update(ShippingMethodCode=method.get("Code"), ShippingMethodDescription=method.get("Description"))


def document_currency(currency: str | None) -> str:
    """Sales documents default to the administration's currency; one it does not know is refused."""
    code = (currency or money.DEFAULT_CURRENCY).upper()
    money.rate_of(code)
    return code


def price_line(division: Division, values: dict[str, Any], header: Row | dict[str, Any], vat_field: str) -> None:
    """Defaults from the item (price in the document currency at the emulator's rate, VAT code), then Exact's
    discount and amount rules (``money.price_line``)."""
    rate = money.rate_of(header.get("Currency"))
    item = lookup(division, "logistics/Items", values.get("Item"))
    if item is not None:
        values.update(ItemCode=item.get("Code"), ItemDescription=item.get("Description"))
        values.setdefault("Description", item.get("Description"))
        values.setdefault("UnitCode", item.get("Unit"))
        values.setdefault("UnitDescription", item.get("UnitDescription"))
        if values.get("UnitPrice") is None:
            values["UnitPrice"] = money.cents((item.get("StandardSalesPrice") or 0.0) / rate)
        values.setdefault("VATCode", item.get("SalesVatCode"))
    vat = by_code(division, "vat/VATCodes", values.get("VATCode"))
    values["VATPercentage"] = (vat.get("Percentage") or 0.0) if vat else 0.0
    if vat is not None:
        values["VATCodeDescription"] = vat.get("Description")
    money.price_line(values, header.get("Discount") or 0.0, rate, vat_field=vat_field)


def _prepare_order_line(backend: Ledger, division: Division, header: Row, values: dict[str, Any]) -> None:
    values["OrderNumber"] = header.get("OrderNumber")
    values.setdefault("DeliveryDate", header.get("DeliveryDate"))
    price_line(division, values, header, "VATAmount")
    values.update(QuantityDelivered=0.0, QuantityInvoiced=0.0)
    values.update(DeliveryStatus=OPEN, InvoiceStatus=OPEN, OrderStatus=OPEN)


def _prepare_invoice_line(backend: Ledger, division: Division, header: Row, values: dict[str, Any]) -> None:
    price_line(division, values, header, "VATAmountFC")
    item = lookup(division, "logistics/Items", values.get("Item"))
    if item is not None and values.get("GLAccount") is None:
        values["GLAccount"] = item.get("GLRevenue")


def _prepare_delivery_line(backend: Ledger, division: Division, header: Row, values: dict[str, Any]) -> None:
    order_line = lookup(division, "salesorder/SalesOrderLines", values.get("SalesOrderLineID"))
    if order_line is None:
        if values.get("SalesOrderLineID") is None:
            raise BadRequest("Mandatory field is missing: 'SalesOrderLineID' (Exact.Web.Api.Models.GoodsDeliveryLine).")
        raise BadRequest(f"Invalid reference: SalesOrderLineID '{values['SalesOrderLineID']}' does not exist.")
    order = lookup(division, "salesorder/SalesOrders", order_line.get("OrderID"))
    if order is not None and order.get("ApprovalStatus") not in (1, 2):
        raise BadRequest(f"Sales order {order.get('OrderNumber')} is not approved and can not be delivered.")
    delivered = values.get("QuantityDelivered")
    if delivered is None:
        raise BadRequest("Mandatory field is missing: 'QuantityDelivered' (Exact.Web.Api.Models.GoodsDeliveryLine).")
    remaining = (order_line.get("Quantity") or 0.0) - (order_line.get("QuantityDelivered") or 0.0)
    if delivered <= 0 or delivered > remaining + 1e-9:
        raise BadRequest(
            f"QuantityDelivered {delivered:g} exceeds the quantity still to deliver ({remaining:g}) "
            f"on sales order line {order_line.get('LineNumber')}."
        )
    values.update(
        Item=order_line.get("Item"),
        ItemCode=order_line.get("ItemCode"),
        ItemDescription=order_line.get("ItemDescription"),
        QuantityOrdered=order_line.get("Quantity"),
        SalesOrderLineNumber=order_line.get("LineNumber"),
        SalesOrderNumber=order_line.get("OrderNumber"),
        Unitcode=order_line.get("UnitCode"),
        DeliveryDate=header.get("DeliveryDate"),
    )
    values.setdefault("Description", order_line.get("Description"))
    values.setdefault("TrackingNumber", header.get("TrackingNumber"))


def _deliver(backend: Ledger, division: Division, header: Row, lines: list[dict[str, Any]]) -> None:
    """A goods delivery ships order lines: delivered quantities and statuses move, stock goes out."""
    orders: set[str] = set()
    first_order: Row | None = None
    for line in lines:
        order_line = division.tables["salesorder/SalesOrderLines"].get(line["SalesOrderLineID"])
        if order_line is None:
            raise BadRequest(f"Invalid reference: SalesOrderLineID '{line['SalesOrderLineID']}' does not exist.")
        delivered = (order_line.get("QuantityDelivered") or 0.0) + line["QuantityDelivered"]
        status = COMPLETE if delivered >= (order_line.get("Quantity") or 0.0) - 1e-9 else PARTIAL
        backend.touch(
            division,
            "salesorder/SalesOrderLines",
            order_line["ID"],
            {"QuantityDelivered": delivered, "DeliveryStatus": status, "OrderStatus": status},
        )
        orders.add(order_line["OrderID"])
        order = division.tables["salesorder/SalesOrders"].get(order_line["OrderID"])
        first_order = first_order or order
        warehouse = (order or {}).get("WarehouseID") or main_warehouse(division)
        item = lookup(division, "logistics/Items", line["Item"])
        if warehouse and (item is None or item.get("IsStockItem") is not False):  # a service item has no stock
            change_stock(backend, division, line["Item"], warehouse, -line["QuantityDelivered"])
    for order_id in orders:
        _refresh_order_status(backend, division, order_id)
    if first_order is not None:
        account = lookup(division, "crm/Accounts", first_order.get("DeliverTo"))
        changes = {
            "DeliveryAccount": first_order.get("DeliverTo"),
            "DeliveryAccountName": account.get("Name") if account else None,
            "DeliveryAccountCode": account.get("Code") if account else None,
            "DeliveryAddress": first_order.get("DeliveryAddress"),
            "Warehouse": first_order.get("WarehouseID") or main_warehouse(division),
        }
        if header.get("ShippingMethod") is None and first_order.get("ShippingMethod"):
            method = lookup(division, "sales/ShippingMethods", first_order["ShippingMethod"])
            changes.update(ShippingMethod=first_order["ShippingMethod"])
            if method:
                changes.update(
                    ShippingMethodCode=method.get("Code"), ShippingMethodDescription=method.get("Description")
                )
        warehouse = lookup(division, "inventory/Warehouses", changes["Warehouse"])
        if warehouse:
            changes.update(WarehouseCode=warehouse.get("Code"), WarehouseDescription=warehouse.get("Description"))
        backend.touch(division, "salesorder/GoodsDeliveries", header["EntryID"], changes)


def _refresh_order_status(backend: Ledger, division: Division, order_id: str) -> None:
    lines = [r for r in division.tables["salesorder/SalesOrderLines"].rows.values() if r.get("OrderID") == order_id]
    statuses = {line.get("DeliveryStatus") for line in lines}
    if statuses == {COMPLETE}:
        delivery = COMPLETE
    elif statuses <= {OPEN}:
        delivery = OPEN
    else:
        delivery = PARTIAL
    order = division.tables["salesorder/SalesOrders"].get(order_id) or {}
    backend.touch(
        division, "salesorder/SalesOrders", order_id, _status_fields(delivery, order.get("InvoiceStatus") or OPEN)
    )


def _status_fields(delivery: int, invoice: int) -> dict[str, Any]:
    return {
        "Status": delivery,
        "StatusDescription": STATUS_TEXT[delivery],
        "DeliveryStatus": delivery,
        "DeliveryStatusDescription": STATUS_TEXT[delivery],
        "InvoiceStatus": invoice,
        "InvoiceStatusDescription": STATUS_TEXT[invoice],
    }


def _order_totals(division: Division, header: Row, lines: list[Row]) -> dict[str, Any]:
    return money.document_totals(lines, money.rate_of(header.get("Currency")), vat_field="VATAmount")


def _invoice_totals(division: Division, header: Row, lines: list[Row]) -> dict[str, Any]:
    return money.document_totals(lines, money.rate_of(header.get("Currency")), vat_field="VATAmountFC")


def _guard_order_update(backend: Ledger, division: Division, old: Row, changes: dict[str, Any]) -> None:
    for fixed in ("OrderedBy", "DeliverTo", "InvoiceTo"):
        if fixed in changes and changes[fixed] != old.get(fixed):
            raise BadRequest(f"{fixed} can not be changed for an existing sales order.")


def _guard_order_delete(backend: Ledger, division: Division, old: Row) -> None:
    if old.get("DeliveryStatus") not in (None, OPEN):
        raise BadRequest(f"Sales order {old.get('OrderNumber')} has deliveries and can not be deleted.")


CREATE = {
    "logistics/SalesItemPrices": _create_sales_item_price,
    "salesorder/SalesOrders": _create_sales_order,
    "salesinvoice/SalesInvoices": _create_sales_invoice,
    "salesorder/GoodsDeliveries": _create_goods_delivery,
}
LINE_PREPARE = {
    "salesorder/SalesOrderLines": _prepare_order_line,
    "salesinvoice/SalesInvoiceLines": _prepare_invoice_line,
    "salesorder/GoodsDeliveryLines": _prepare_delivery_line,
}
LINES_COMMITTED = {"salesorder/GoodsDeliveries": _deliver}
TOTALS = {"salesorder/SalesOrders": _order_totals, "salesinvoice/SalesInvoices": _invoice_totals}
UPDATE_GUARD = {"salesorder/SalesOrders": _guard_order_update}
DELETE_GUARD = {"salesorder/SalesOrders": _guard_order_delete}
