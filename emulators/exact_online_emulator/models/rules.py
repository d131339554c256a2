"""Entity-specific business rules applied on create/update/delete: derived names and codes, line numbering and
amounts, order delivery status, stock changes from deliveries and processed stock counts, transaction lines from
general journal entries. Everything here runs under the backend lock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pycountry

from exact_online_emulator.entities import ENTITY_BY_PATH, Entity
from exact_online_emulator.exceptions import BadRequest
from exact_online_emulator.models import money

if TYPE_CHECKING:
    from exact_online_emulator.models.backend import Backend, Division
    from exact_online_emulator.models.store import Row

OPEN, PARTIAL, COMPLETE = 12, 20, 21
STATUS_TEXT = {12: "Open", 20: "Partial", 21: "Complete", 45: "Cancelled"}
DRAFT, PROCESSED = 12, 21
# Line fields whose change re-prices the line; the derived amounts among them are recalculated, not taken as sent.
_PRICING = {"Quantity", "UnitPrice", "Discount", "VATCode", "NetPrice", "AmountFC", "VATAmount", "VATAmountFC"}
# Line amounts each line collection derives, and the field holding its VAT in the document currency.
_PRICED_LINES = {"salesorder/SalesOrderLines": "VATAmount", "salesinvoice/SalesInvoiceLines": "VATAmountFC"}
# Header fields whose change re-prices every line (the default discount Exact puts on each line, the currency) or
# that the lines determine (a sent discount amount is recalculated from them).
_REPRICING_HEADER = {"Discount", "Currency", "AmountDiscount", "AmountDiscountExclVat"}
ACCOUNT_CODE_WIDTH = 18
ADDRESS_TYPES = {1: "Visit", 2: "Postal", 3: "Invoice", 4: "Delivery"}
DELIVERY_ADDRESS = 4


def account_code(code: str | int) -> str:
    """Exact stores account codes right-aligned in 18 characters ("              1068")."""
    text = str(code).strip()
    if len(text) > ACCOUNT_CODE_WIDTH:
        raise BadRequest(f"Code '{text}' is longer than {ACCOUNT_CODE_WIDTH} characters.")
    return text.rjust(ACCOUNT_CODE_WIDTH)


# ----------------------------------------------------------------------------- dispatch
def create(backend: Backend, division: Division, entity: Entity, values: dict[str, Any], lines: list | None) -> Row:
    if entity.lines is not None and entity.lines.field in entity.required and not lines:
        raise BadRequest(f"Mandatory field is missing: '{entity.lines.field}' ({entity.type_name}).")
    handler = _CREATE.get(entity.path)
    if handler is not None:
        values = handler(backend, division, values) or values
    if entity.parent is not None:
        _prepare_single_line(backend, division, entity, values)
    backend.check_required(entity, values)
    backend.check_references(division, entity, values)
    if entity.parent is not None:
        _check_parent_exists(division, entity, values)
    # Lines are checked before anything is stored: a refused line (or an entry out of balance) leaves no header behind.
    prepared = _prepare_lines(backend, division, entity, values, lines) if entity.lines is not None and lines else None
    row = backend.stamp(division, entity, values, created=True)
    after = _AFTER_CREATE.get(entity.path)
    if after is not None:
        after(backend, division, row)
        row = division.tables[entity.path].get(row[entity.key])
    if prepared is not None:
        _store_lines(backend, division, entity, row, prepared)
        row = _after_lines(backend, division, entity, row)
    elif entity.parent is not None:
        header_entity = ENTITY_BY_PATH[entity.parent[0]]
        _renumber_and_refresh_header(backend, division, header_entity, values[entity.parent[1]])
        row = division.tables[entity.path].get(row[entity.key])
    return row


def update(backend: Backend, division: Division, entity: Entity, old: Row, changes: dict[str, Any]) -> None:
    guard = _UPDATE_GUARD.get(entity.path)
    if guard is not None:
        guard(backend, division, old, changes)
    merged = {**old, **changes}
    if entity.path in _PRICED_LINES and changes.keys() & _PRICING:
        if "NetPrice" not in changes:
            merged.pop("NetPrice", None)
        elif "Discount" not in changes:
            merged.pop("Discount", None)  # a new net price implies its discount
        header = _lookup(division, entity.parent[0], merged.get(entity.parent[1])) or {}
        _price_line(division, merged, header, _PRICED_LINES[entity.path])
    if entity.path in ("salesorder/SalesOrders", "salesinvoice/SalesInvoices") and "Currency" in changes:
        changes["Currency"] = merged["Currency"] = _document_currency(changes["Currency"])
    if entity.path == "crm/Accounts" and "Code" in changes:
        merged["Code"] = account_code(changes["Code"])
    backend.check_required(entity, merged)
    backend.check_references(division, entity, {k: v for k, v in merged.items() if k in changes})
    _refresh_names(division, entity.path, merged)
    row = backend.stamp(division, entity, merged, created=False)
    after = _AFTER_UPDATE.get(entity.path)
    if after is not None:
        after(backend, division, old, row)
    if entity.parent is not None:
        header_entity = ENTITY_BY_PATH[entity.parent[0]]
        _renumber_and_refresh_header(backend, division, header_entity, row.get(entity.parent[1]))
    elif entity.lines is not None and _header_changes_lines(entity, changes):
        _reprice_lines(backend, division, entity, row, changes)
        _after_lines(backend, division, entity, row)


def delete(backend: Backend, division: Division, entity: Entity, old: Row) -> None:
    guard = _DELETE_GUARD.get(entity.path)
    if guard is not None:
        guard(backend, division, old)
    key = old[entity.key]
    if entity.lines is not None:
        for line in backend.lines_of(division, entity, key):
            backend.remove_row(division, entity.lines.collection, line[ENTITY_BY_PATH[entity.lines.collection].key])
    if entity.path == "crm/Accounts":
        # An account's addresses go with it, each logged in sync/Deleted.
        for address in [r for r in division.tables["crm/Addresses"].rows.values() if r.get("Account") == key]:
            backend.remove_row(division, "crm/Addresses", address["ID"])
    if entity.path == "generaljournalentry/GeneralJournalEntries":
        tl = division.tables["financialtransaction/TransactionLines"]
        for line in [r for r in tl.rows.values() if r.get("EntryID") == key]:
            backend.remove_row(division, "financialtransaction/TransactionLines", line["ID"])
    backend.remove_row(division, entity.path, key)
    if entity.parent is not None:
        header_entity = ENTITY_BY_PATH[entity.parent[0]]
        if division.tables[header_entity.path].get(old.get(entity.parent[1])) is not None:
            _renumber_and_refresh_header(backend, division, header_entity, old.get(entity.parent[1]))


def _check_parent_exists(division: Division, entity: Entity, values: dict[str, Any]) -> None:
    _header_path, parent_field = entity.parent
    if values.get(parent_field) is None:
        raise BadRequest(f"Mandatory field is missing: '{parent_field}' ({entity.type_name}).")


def _prepare_single_line(backend: Backend, division: Division, entity: Entity, values: dict[str, Any]) -> None:
    """A line POSTed on its own (e.g. salesorder/SalesOrderLines) gets the same derivations as an embedded one."""
    header_path, parent_field = entity.parent
    header = _lookup(division, header_path, values.get(parent_field))
    if header is None:
        return  # the required/reference checks report it
    siblings = [
        r
        for r in division.tables[entity.path].rows.values()
        if r.get(parent_field) == header[ENTITY_BY_PATH[header_path].key]
    ]
    values["LineNumber"] = max((r.get("LineNumber") or 0 for r in siblings), default=0) + 1
    handler = _LINE_PREPARE.get(entity.path)
    if handler is not None:
        handler(backend, division, header, values)


def _header_changes_lines(entity: Entity, changes: dict[str, Any]) -> bool:
    return entity.path in ("salesorder/SalesOrders", "salesinvoice/SalesInvoices") and bool(
        changes.keys() & _REPRICING_HEADER
    )


def _reprice_lines(backend: Backend, division: Division, entity: Entity, header: Row, changes: dict[str, Any]) -> None:
    """A new header discount becomes every line's discount (Exact's default), a new currency their DC amounts."""
    line_path = entity.lines.collection
    line_key = ENTITY_BY_PATH[line_path].key
    for line in backend.lines_of(division, entity, header[entity.key]):
        values = dict(line)
        values.pop("NetPrice", None)
        if "Discount" in changes:
            values.pop("Discount", None)
        _price_line(division, values, header, _PRICED_LINES[line_path])
        backend.touch(division, line_path, line[line_key], values)


# ----------------------------------------------------------------------------- lines
def _prepare_lines(
    backend: Backend, division: Division, header_entity: Entity, header: dict[str, Any], lines: list
) -> list[dict[str, Any]]:
    line_entity = ENTITY_BY_PATH[header_entity.lines.collection]
    parent_field = header_entity.lines.parent_field
    prepared: list[dict[str, Any]] = []
    for index, raw in enumerate(lines, start=1):
        values, _nested = backend.convert_body(line_entity, raw, creating=True)
        values[parent_field] = header[header_entity.key]
        values.setdefault(line_entity.key, backend.new_guid())
        values["LineNumber"] = index
        handler = _LINE_PREPARE.get(line_entity.path)
        if handler is not None:
            try:
                handler(backend, division, header, values)
            except BadRequest as error:
                raise BadRequest(f"{header_entity.lines.field}[{index}]: {error.message}") from None
        try:
            backend.check_required(line_entity, values)
            backend.check_references(division, line_entity, values, skip=(parent_field,))
        except BadRequest as error:
            raise BadRequest(f"{header_entity.lines.field}[{index}]: {error.message}") from None
        prepared.append(values)
    check = _LINES_CHECK.get(header_entity.path)
    if check is not None:
        check(division, header, prepared)
    return prepared


def _store_lines(
    backend: Backend, division: Division, header_entity: Entity, header: Row, prepared: list[dict[str, Any]]
) -> None:
    line_entity = ENTITY_BY_PATH[header_entity.lines.collection]
    for values in prepared:
        backend.stamp(division, line_entity, values, created=True)
    committed = _LINES_COMMITTED.get(header_entity.path)
    if committed is not None:
        committed(backend, division, header, prepared)


def _after_lines(backend: Backend, division: Division, header_entity: Entity, header: Row) -> Row:
    totals = _TOTALS.get(header_entity.path)
    if totals is None:
        return header
    lines = backend.lines_of(division, header_entity, header[header_entity.key])
    changes = totals(division, header, lines)
    return backend.touch(division, header_entity.path, header[header_entity.key], changes)


def _renumber_and_refresh_header(backend: Backend, division: Division, header_entity: Entity, key: str | None) -> None:
    header = division.tables[header_entity.path].get(key) if key else None
    if header is None:
        return
    line_path = header_entity.lines.collection
    line_entity = ENTITY_BY_PATH[line_path]
    for number, line in enumerate(backend.lines_of(division, header_entity, key), start=1):
        if line.get("LineNumber") is None:
            backend.touch(division, line_path, line[line_entity.key], {"LineNumber": number})
    _after_lines(backend, division, header_entity, header)


# ----------------------------------------------------------------------------- names and lookups
def _lookup(division: Division, path: str, key: str | None) -> Row | None:
    return division.tables[path].get(key) if key else None


def _by_code(division: Division, path: str, code: str | None) -> Row | None:
    if code is None:
        return None
    wanted = code.strip().lower()
    for row in division.tables[path].rows.values():
        if str(row.get("Code", "")).strip().lower() == wanted:
            return row
    return None


def _refresh_names(division: Division, path: str, row: dict[str, Any]) -> None:
    """Denormalised *Name/*Code/*Description fields Exact fills from the referenced records."""
    if path in ("salesorder/SalesOrders", "salesinvoice/SalesInvoices"):
        for ref in ("OrderedBy", "DeliverTo", "InvoiceTo"):
            account = _lookup(division, "crm/Accounts", row.get(ref))
            if account is not None:
                row[f"{ref}Name"] = account.get("Name")
        method = _lookup(division, "sales/ShippingMethods", row.get("ShippingMethod"))
        row["ShippingMethodDescription"] = method.get("Description") if method else None
        if path == "salesinvoice/SalesInvoices":
            row["ShippingMethodCode"] = method.get("Code") if method else None
        condition = _by_code(division, "cashflow/PaymentConditions", row.get("PaymentCondition"))
        row["PaymentConditionDescription"] = condition.get("Description") if condition else None
    elif path == "crm/Contacts":
        account = _lookup(division, "crm/Accounts", row.get("Account"))
        if account is not None:
            row["AccountName"] = account.get("Name")
            row["Code"] = account.get("Code")
        parts = [row.get("FirstName"), row.get("MiddleName"), row.get("LastName")]
        row["FullName"] = " ".join(p for p in parts if p)
    elif path == "crm/Addresses":
        account = _lookup(division, "crm/Accounts", row.get("Account"))
        contact = _lookup(division, "crm/Contacts", row.get("Contact"))
        warehouse = _lookup(division, "inventory/Warehouses", row.get("Warehouse"))
        country = pycountry.countries.get(alpha_2=row["Country"]) if row.get("Country") else None
        row.update(
            AccountName=account.get("Name") if account else None,
            AccountIsSupplier=account.get("IsSupplier") if account else None,
            ContactName=contact.get("FullName") if contact else None,
            CountryName=country.name if country else None,
            WarehouseCode=warehouse.get("Code") if warehouse else None,
            WarehouseDescription=warehouse.get("Description") if warehouse else None,
        )
    elif path == "inventory/ItemWarehouses":
        item = _lookup(division, "logistics/Items", row.get("Item"))
        warehouse = _lookup(division, "inventory/Warehouses", row.get("Warehouse"))
        if item is not None:
            row.update(
                ItemCode=item.get("Code"),
                ItemDescription=item.get("Description"),
                ItemBarcode=item.get("Barcode"),
                ItemUnit=item.get("Unit"),
                ItemUnitDescription=item.get("UnitDescription"),
                ItemIsStockItem=True,
            )
        if warehouse is not None:
            row.update(WarehouseCode=warehouse.get("Code"), WarehouseDescription=warehouse.get("Description"))
        stock_position_fields(row)


def stock_position_fields(row: dict[str, Any]) -> None:
    """sync/Inventory/StockPositions reads ItemWarehouses rows under its own field names."""
    current = row.get("CurrentStock") or 0.0
    reserved = row.get("ReservedStock") or 0.0
    planned_in = row.get("PlannedStockIn") or 0.0
    planned_out = row.get("PlannedStockOut") or 0.0
    row.update(
        ItemId=row.get("Item"),
        FreeStock=current - reserved,
        PlanningIn=planned_in,
        PlanningOut=planned_out,
        ProjectedStock=current + planned_in - planned_out,
        UnitCode=row.get("ItemUnit"),
        UnitDescription=row.get("ItemUnitDescription"),
    )


# ----------------------------------------------------------------------------- per-entity create hooks
def _create_account(backend: Backend, division: Division, values: dict[str, Any]) -> None:
    table = division.tables["crm/Accounts"]
    if values.get("Code"):
        values["Code"] = account_code(values["Code"])
    else:
        while True:
            candidate = account_code(division.next_number("account_code", 1000))
            if not any(r.get("Code") == candidate for r in table.rows.values()):
                values["Code"] = candidate
                break
    if any(r.get("Code") == values["Code"] for r in table.rows.values()):
        raise BadRequest(f"Code already exists: '{values['Code'].strip()}'.")
    values.setdefault("Status", "C")
    values.setdefault("IsSales", True)
    values.setdefault("IsSupplier", False)
    values.setdefault("Blocked", False)
    values["Type"] = "A"
    values.setdefault("Language", "NL")


def _create_contact(backend: Backend, division: Division, values: dict[str, Any]) -> None:
    if not values.get("FirstName") and not values.get("LastName"):
        raise BadRequest(
            "Mandatory field is missing: provide at least 'FirstName' or 'LastName' (Exact.Web.Api.Models.Contact)."
        )
    values.setdefault("FirstName", "")
    values.setdefault("LastName", "")
    values["HID"] = division.next_number("contact_hid", 1)
    _refresh_names(division, "crm/Contacts", values)


def _check_address(division: Division, row: dict[str, Any]) -> None:
    """What Exact's docs say about an address: a documented Type, an account or (delivery only) a warehouse instead."""
    kind = row.get("Type")
    if kind is not None and kind not in ADDRESS_TYPES:
        allowed = ", ".join(f"{name}={code}" for code, name in ADDRESS_TYPES.items())
        raise BadRequest(f"Type: {kind} is not a valid address type ({allowed}).")
    if row.get("Warehouse") is not None:
        if kind != DELIVERY_ADDRESS:
            raise BadRequest("Warehouse can only be filled for an address of type Delivery (4).")
        if row.get("Account") is not None:
            raise BadRequest("Account must be empty when a Warehouse is linked to the address.")
    elif row.get("Account") is None:
        raise BadRequest("Mandatory field is missing: 'Account' (Exact.Web.Api.Models.Address).")
    country = row.get("Country")
    if country is not None and pycountry.countries.get(alpha_2=str(country).upper()) is None:
        raise BadRequest(f"Country: '{country}' is not a country code.")
    contact = _lookup(division, "crm/Contacts", row.get("Contact"))
    if contact is not None and row.get("Account") is not None and contact.get("Account") != row["Account"]:
        raise BadRequest(f"Contact '{row['Contact']}' does not belong to account '{row['Account']}'.")


def _siblings(division: Division, row: Row) -> list[Row]:
    """Other addresses of the same type for the same account (or warehouse)."""
    owner = ("Account", row["Account"]) if row.get("Account") else ("Warehouse", row.get("Warehouse"))
    return [
        r
        for r in division.tables["crm/Addresses"].rows.values()
        if r.get(owner[0]) == owner[1] and r.get("Type") == row.get("Type") and r["ID"] != row["ID"]
    ]


def _create_address(backend: Backend, division: Division, values: dict[str, Any]) -> None:
    if values.get("Country"):
        values["Country"] = str(values["Country"]).upper()
    _check_address(division, values)
    _refresh_names(division, "crm/Addresses", values)


def _one_main_address(backend: Backend, division: Division, row: Row) -> None:
    """Exact keeps one main address per type: the first of its type is main, a new main one demotes the old one."""
    siblings = _siblings(division, row)
    if row.get("Main") is None:
        main = not any(r.get("Main") for r in siblings)
        row = backend.touch(division, "crm/Addresses", row["ID"], {"Main": main})
    if row.get("Main"):
        for other in siblings:
            if other.get("Main"):
                backend.touch(division, "crm/Addresses", other["ID"], {"Main": False})


def _guard_address_update(backend: Backend, division: Division, old: Row, changes: dict[str, Any]) -> None:
    if changes.get("Country"):
        changes["Country"] = str(changes["Country"]).upper()
    _check_address(division, {**old, **changes})


def _after_address_update(backend: Backend, division: Division, old: Row, row: Row) -> None:
    if row.get("Main") and (not old.get("Main") or old.get("Type") != row.get("Type")):
        _one_main_address(backend, division, row)


def _create_item(backend: Backend, division: Division, values: dict[str, Any]) -> None:
    code = values.get("Code")
    if code and any(r.get("Code") == code for r in division.tables["logistics/Items"].rows.values()):
        raise BadRequest(f"Code already exists: '{code}'.")
    values.setdefault("IsSalesItem", True)
    values.setdefault("IsStockItem", True)
    values.setdefault("IsPurchaseItem", True)
    values.setdefault("Unit", "pc")
    values.setdefault("UnitDescription", "Piece")
    values.setdefault("Stock", 0.0)
    values.setdefault("CostPriceCurrency", "EUR")


def _create_sales_item_price(backend: Backend, division: Division, values: dict[str, Any]) -> None:
    item = _lookup(division, "logistics/Items", values.get("Item"))
    if item is not None:
        values.update(ItemCode=item.get("Code"), ItemDescription=item.get("Description"))
        values.setdefault("Unit", item.get("Unit"))
        values.setdefault("DefaultItemUnit", item.get("Unit"))
    values.setdefault("Currency", "EUR")
    values.setdefault("Quantity", 0.0)
    values.setdefault("NumberOfItemsPerUnit", 1.0)


def _create_sales_order(backend: Backend, division: Division, values: dict[str, Any]) -> None:
    values.setdefault("DeliverTo", values.get("OrderedBy"))
    values.setdefault("InvoiceTo", values.get("OrderedBy"))
    if values.get("OrderNumber") is None:
        values["OrderNumber"] = division.next_number("order_number", 1)
    values.setdefault("OrderDate", backend.now_wire())
    values["Currency"] = _document_currency(values.get("Currency"))
    values.setdefault("ApprovalStatus", 1)
    values.setdefault("Discount", 0.0)
    values["ID"] = values["OrderID"]
    values.update(_status_fields(OPEN, OPEN))
    _refresh_names(division, "salesorder/SalesOrders", values)


def _create_sales_invoice(backend: Backend, division: Division, values: dict[str, Any]) -> None:
    journal = values.get("Journal")
    if journal and _by_code(division, "financial/Journals", journal) is None:
        raise BadRequest(f"Invalid reference: Journal '{journal}' does not exist in financial/Journals.")
    values.setdefault("DeliverTo", values.get("OrderedBy"))
    values.setdefault("InvoiceTo", values.get("OrderedBy"))
    if values.get("InvoiceNumber") is None:
        values["InvoiceNumber"] = division.next_number("invoice_number", 26000001)
    values.setdefault("InvoiceDate", backend.now_wire())
    values["Currency"] = _document_currency(values.get("Currency"))
    values.setdefault("Discount", 0.0)
    values.setdefault("Type", 8020)
    values["TypeDescription"] = {8020: "Sales invoice", 8021: "Sales credit note"}.get(values["Type"], "Sales invoice")
    values.setdefault("Status", 20)
    values["StatusDescription"] = {10: "Draft", 20: "Open", 50: "Processed"}.get(values["Status"], "Open")
    values["LineNumber"] = 0
    values["ID"] = values["InvoiceID"]
    _refresh_names(division, "salesinvoice/SalesInvoices", values)


def _create_goods_delivery(backend: Backend, division: Division, values: dict[str, Any]) -> None:
    values["DeliveryNumber"] = division.next_number("delivery_number", 1)
    values["EntryNumber"] = division.next_number("entry_number", 1)
    method = _lookup(division, "sales/ShippingMethods", values.get("ShippingMethod"))
    if method is not None:
        values.update(ShippingMethodCode=method.get("Code"), ShippingMethodDescription=method.get("Description"))


def _create_stock_count(backend: Backend, division: Division, values: dict[str, Any]) -> None:
    values["StockCountNumber"] = division.next_number("stock_count_number", 1)
    values["EntryNumber"] = division.next_number("entry_number", 1)
    values.setdefault("Status", DRAFT)
    if values["Status"] not in (DRAFT, PROCESSED):
        raise BadRequest("Status: only 12 (Draft) or 21 (Processed) are allowed.")
    values["Source"] = 4
    warehouse = _lookup(division, "inventory/Warehouses", values.get("Warehouse"))
    if warehouse is not None:
        values.update(WarehouseCode=warehouse.get("Code"), WarehouseDescription=warehouse.get("Description"))


def _create_item_warehouse(backend: Backend, division: Division, values: dict[str, Any]) -> None:
    for row in division.tables["inventory/ItemWarehouses"].rows.values():
        if row.get("Item") == values.get("Item") and row.get("Warehouse") == values.get("Warehouse"):
            raise BadRequest("This item is already linked to this warehouse.")
    values.setdefault("CurrentStock", 0.0)
    values.setdefault("ReservedStock", 0.0)
    values.setdefault("PlannedStockIn", 0.0)
    values.setdefault("PlannedStockOut", 0.0)
    _refresh_names(division, "inventory/ItemWarehouses", values)


def _create_journal_entry(backend: Backend, division: Division, values: dict[str, Any]) -> None:
    journal = _by_code(division, "financial/Journals", values.get("JournalCode"))
    if values.get("JournalCode") and journal is None:
        raise BadRequest(
            f"Invalid reference: JournalCode '{values['JournalCode']}' does not exist in financial/Journals."
        )
    if journal is not None:
        values["JournalDescription"] = journal.get("Description")
    values["EntryNumber"] = division.next_number("entry_number", 1)
    values.setdefault("Currency", "EUR")
    values.setdefault("ExchangeRate", 1.0)
    values["Status"] = 20
    values["StatusDescription"] = "Open"
    values["Type"] = 90
    values["TypeDescription"] = "Other"
    now = backend.clock.now()
    values.setdefault("FinancialYear", now.year)
    values.setdefault("FinancialPeriod", now.month)


def _create_named(backend: Backend, division: Division, values: dict[str, Any]) -> None:
    """Collections whose Code must be unique (VAT codes, GL accounts, cost centres/units, journals...)."""


_CREATE = {
    "crm/Accounts": _create_account,
    "crm/Contacts": _create_contact,
    "crm/Addresses": _create_address,
    "logistics/Items": _create_item,
    "logistics/SalesItemPrices": _create_sales_item_price,
    "salesorder/SalesOrders": _create_sales_order,
    "salesinvoice/SalesInvoices": _create_sales_invoice,
    "salesorder/GoodsDeliveries": _create_goods_delivery,
    "inventory/StockCounts": _create_stock_count,
    "inventory/ItemWarehouses": _create_item_warehouse,
    "generaljournalentry/GeneralJournalEntries": _create_journal_entry,
}


# ----------------------------------------------------------------------------- line preparation
def _document_currency(currency: str | None) -> str:
    """Sales documents default to the administration's currency; one it does not know is refused."""
    code = (currency or money.DEFAULT_CURRENCY).upper()
    money.rate_of(code)
    return code


def _price_line(division: Division, values: dict[str, Any], header: Row | dict[str, Any], vat_field: str) -> None:
    """Defaults from the item (price in the document currency at the emulator's rate, VAT code), then Exact's
    discount and amount rules (``money.price_line``)."""
    rate = money.rate_of(header.get("Currency"))
    item = _lookup(division, "logistics/Items", values.get("Item"))
    if item is not None:
        values.update(ItemCode=item.get("Code"), ItemDescription=item.get("Description"))
        values.setdefault("Description", item.get("Description"))
        values.setdefault("UnitCode", item.get("Unit"))
        values.setdefault("UnitDescription", item.get("UnitDescription"))
        if values.get("UnitPrice") is None:
            values["UnitPrice"] = money.cents((item.get("StandardSalesPrice") or 0.0) / rate)
        values.setdefault("VATCode", item.get("SalesVatCode"))
    vat = _by_code(division, "vat/VATCodes", values.get("VATCode"))
    values["VATPercentage"] = (vat.get("Percentage") or 0.0) if vat else 0.0
    if vat is not None:
        values["VATCodeDescription"] = vat.get("Description")
    money.price_line(values, header.get("Discount") or 0.0, rate, vat_field=vat_field)


def _prepare_order_line(backend: Backend, division: Division, header: Row, values: dict[str, Any]) -> None:
    values["OrderNumber"] = header.get("OrderNumber")
    values.setdefault("DeliveryDate", header.get("DeliveryDate"))
    _price_line(division, values, header, "VATAmount")
    values.update(QuantityDelivered=0.0, QuantityInvoiced=0.0)
    values.update(DeliveryStatus=OPEN, InvoiceStatus=OPEN, OrderStatus=OPEN)


def _prepare_invoice_line(backend: Backend, division: Division, header: Row, values: dict[str, Any]) -> None:
    _price_line(division, values, header, "VATAmountFC")
    item = _lookup(division, "logistics/Items", values.get("Item"))
    if item is not None and values.get("GLAccount") is None:
        values["GLAccount"] = item.get("GLRevenue")


def _prepare_delivery_line(backend: Backend, division: Division, header: Row, values: dict[str, Any]) -> None:
    order_line = _lookup(division, "salesorder/SalesOrderLines", values.get("SalesOrderLineID"))
    if order_line is None:
        if values.get("SalesOrderLineID") is None:
            raise BadRequest("Mandatory field is missing: 'SalesOrderLineID' (Exact.Web.Api.Models.GoodsDeliveryLine).")
        raise BadRequest(f"Invalid reference: SalesOrderLineID '{values['SalesOrderLineID']}' does not exist.")
    order = _lookup(division, "salesorder/SalesOrders", order_line.get("OrderID"))
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


def _prepare_stock_count_line(backend: Backend, division: Division, header: Row, values: dict[str, Any]) -> None:
    item = _lookup(division, "logistics/Items", values.get("Item"))
    if item is None:
        return
    position = _item_warehouse(division, values["Item"], header["Warehouse"])
    in_stock = (position.get("CurrentStock") or 0.0) if position else 0.0
    if values.get("QuantityNew") is None and values.get("QuantityDifference") is None:
        raise BadRequest("Provide 'QuantityNew' or 'QuantityDifference'.")
    if values.get("QuantityNew") is None:
        values["QuantityNew"] = in_stock + values["QuantityDifference"]
    values["QuantityDifference"] = values["QuantityNew"] - in_stock
    values.update(
        QuantityInStock=in_stock,
        ItemCode=item.get("Code"),
        ItemDescription=item.get("Description"),
        ItemBarcode=item.get("Barcode"),
        ItemCostPrice=item.get("CostPriceStandard"),
        CostPrice=item.get("CostPriceStandard"),
        StockKeepingUnit=item.get("UnitDescription"),
        Warehouse=header.get("Warehouse"),
        Status=header.get("Status"),
        Source=4,
    )


def _prepare_journal_line(backend: Backend, division: Division, header: Row, values: dict[str, Any]) -> None:
    gl = _lookup(division, "financial/GLAccounts", values.get("GLAccount"))
    if gl is not None:
        values.update(GLAccountCode=gl.get("Code"), GLAccountDescription=gl.get("Description"))
    values.setdefault("AmountFC", 0.0)
    values.setdefault("AmountDC", values["AmountFC"])
    values.setdefault("Date", backend.now_wire())
    values.update(EntryNumber=header.get("EntryNumber"), JournalCode=header.get("JournalCode"))
    _journal_line_vat(division, values)


def _journal_line_vat(division: Division, values: dict[str, Any]) -> None:
    """A VATCode on a journal line makes Exact add the VAT line itself: excluding codes put VAT on top of the
    amount, including codes take it out of the amount; a given AmountVATFC overrides the calculation."""
    code = values.get("VATCode")
    if not code:
        if values.get("AmountVATFC") is not None:
            raise BadRequest("AmountVATFC can only be set together with VATCode.")
        return
    vat = _by_code(division, "vat/VATCodes", code)
    if vat is None:
        raise BadRequest(f"Invalid reference: VATCode '{code}' does not exist in vat/VATCodes.")
    percentage = values.get("VATPercentage")
    if percentage is None:
        percentage = vat.get("Percentage") or 0.0
    amount = values["AmountFC"]
    kind = vat.get("Type")
    if kind == "I":
        vat_amount = values.get("AmountVATFC")
        vat_amount = round(amount * percentage / (1 + percentage), 2) if vat_amount is None else vat_amount
        base = round(amount - vat_amount, 2)
    elif kind == "E":
        vat_amount = values.get("AmountVATFC")
        vat_amount = round(amount * percentage, 2) if vat_amount is None else vat_amount
        base = amount
    else:  # B (0 %, base only) and N (no VAT): the code is recorded, no VAT is booked
        vat_amount, base = 0.0, amount
    if vat_amount and _vat_account(vat, vat_amount) is None:
        raise BadRequest(f"VAT code '{vat.get('Code')}' has no G/L account to book VAT to (GLToPay/GLToClaim).")
    values.update(
        VATCode=vat.get("Code"),
        VATCodeDescription=vat.get("Description"),
        VATPercentage=percentage,
        AmountVATFC=vat_amount,
        AmountVATDC=vat_amount,
        VATBaseAmountFC=base,
        VATBaseAmountDC=base,
    )
    if vat_amount:
        values["VATType"] = "V" if amount <= 0 else "I"  # sales basis / purchase basis


def _vat_account(vat: Row, vat_amount: float) -> tuple[str, str | None, str | None] | None:
    """VAT credited (sales) goes to the VAT-to-pay account, VAT debited to the VAT-to-claim account when the code has
    one (else it corrects the VAT to pay)."""
    for prefix in ("GLToPay",) if vat_amount < 0 else ("GLToClaim", "GLToPay"):
        if vat.get(prefix):
            return vat[prefix], vat.get(f"{prefix}Code"), vat.get(f"{prefix}Description")
    return None


def _ledger_amount(line: dict[str, Any]) -> float:
    """What a journal line books on its own G/L account: with an including VAT code, the amount without its VAT."""
    amount = line.get("AmountDC") or 0.0
    if line.get("VATBaseAmountDC") is not None and line.get("AmountVATDC"):
        return line["VATBaseAmountDC"]
    return amount


def _check_journal_balance(division: Division, header: dict[str, Any], lines: list[dict[str, Any]]) -> None:
    """Exact only saves an entry whose debits equal its credits, counting the VAT lines it adds itself."""
    booked = [_ledger_amount(line) for line in lines] + [line.get("AmountVATDC") or 0.0 for line in lines]
    debit = round(sum(amount for amount in booked if amount > 0), 2)
    credit = round(-sum(amount for amount in booked if amount < 0), 2)
    if abs(debit - credit) >= 0.005:
        raise BadRequest(
            f"The entry is not in balance: debit {debit:.2f}, credit {credit:.2f} "
            f"(difference {debit - credit:.2f}, VAT included)."
        )


_LINE_PREPARE = {
    "salesorder/SalesOrderLines": _prepare_order_line,
    "salesinvoice/SalesInvoiceLines": _prepare_invoice_line,
    "salesorder/GoodsDeliveryLines": _prepare_delivery_line,
    "inventory/StockCountLines": _prepare_stock_count_line,
    "generaljournalentry/GeneralJournalEntryLines": _prepare_journal_line,
}


# ----------------------------------------------------------------------------- after lines are stored
def _deliver(backend: Backend, division: Division, header: Row, lines: list[dict[str, Any]]) -> None:
    """A goods delivery ships order lines: delivered quantities and statuses move, stock goes out."""
    orders: set[str] = set()
    first_order: Row | None = None
    for line in lines:
        order_line = division.tables["salesorder/SalesOrderLines"].get(line["SalesOrderLineID"])
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
        warehouse = (order or {}).get("WarehouseID") or _main_warehouse(division)
        item = _lookup(division, "logistics/Items", line["Item"])
        if warehouse and (item is None or item.get("IsStockItem") is not False):  # a service item has no stock
            _change_stock(backend, division, line["Item"], warehouse, -line["QuantityDelivered"])
    for order_id in orders:
        _refresh_order_status(backend, division, order_id)
    if first_order is not None:
        account = _lookup(division, "crm/Accounts", first_order.get("DeliverTo"))
        changes = {
            "DeliveryAccount": first_order.get("DeliverTo"),
            "DeliveryAccountName": account.get("Name") if account else None,
            "DeliveryAccountCode": account.get("Code") if account else None,
            "DeliveryAddress": first_order.get("DeliveryAddress"),
            "Warehouse": first_order.get("WarehouseID") or _main_warehouse(division),
        }
        if header.get("ShippingMethod") is None and first_order.get("ShippingMethod"):
            method = _lookup(division, "sales/ShippingMethods", first_order["ShippingMethod"])
            changes.update(ShippingMethod=first_order["ShippingMethod"])
            if method:
                changes.update(
                    ShippingMethodCode=method.get("Code"), ShippingMethodDescription=method.get("Description")
                )
        warehouse = _lookup(division, "inventory/Warehouses", changes["Warehouse"])
        if warehouse:
            changes.update(WarehouseCode=warehouse.get("Code"), WarehouseDescription=warehouse.get("Description"))
        backend.touch(division, "salesorder/GoodsDeliveries", header["EntryID"], changes)


def _refresh_order_status(backend: Backend, division: Division, order_id: str) -> None:
    lines = [r for r in division.tables["salesorder/SalesOrderLines"].rows.values() if r.get("OrderID") == order_id]
    statuses = {line.get("DeliveryStatus") for line in lines}
    if statuses == {COMPLETE}:
        delivery = COMPLETE
    elif statuses <= {OPEN}:
        delivery = OPEN
    else:
        delivery = PARTIAL
    order = division.tables["salesorder/SalesOrders"].get(order_id)
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


def _main_warehouse(division: Division) -> str | None:
    for row in division.tables["inventory/Warehouses"].rows.values():
        if row.get("Main") == 1:
            return row["ID"]
    return None


def _item_warehouse(division: Division, item: str, warehouse: str) -> Row | None:
    for row in division.tables["inventory/ItemWarehouses"].rows.values():
        if row.get("Item") == item and row.get("Warehouse") == warehouse:
            return row
    return None


def _change_stock(
    backend: Backend, division: Division, item: str, warehouse: str, delta: float, absolute: float | None = None
) -> None:
    position = _item_warehouse(division, item, warehouse)
    if position is None:
        values: dict[str, Any] = {"ID": backend.new_guid(), "Item": item, "Warehouse": warehouse}
        _create_item_warehouse(backend, division, values)
        position = backend.stamp(division, ENTITY_BY_PATH["inventory/ItemWarehouses"], values, created=True)
    current = absolute if absolute is not None else (position.get("CurrentStock") or 0.0) + delta
    updated = {**position, "CurrentStock": current}
    stock_position_fields(updated)
    backend.touch(division, "inventory/ItemWarehouses", position["ID"], updated)
    total = sum(
        r.get("CurrentStock") or 0.0
        for r in division.tables["inventory/ItemWarehouses"].rows.values()
        if r.get("Item") == item
    )
    backend.touch(division, "logistics/Items", item, {"Stock": total})


def _process_stock_count(
    backend: Backend, division: Division, header: Row, lines: list[dict[str, Any]] | None = None
) -> None:
    if header.get("Status") != PROCESSED:
        return
    if lines is None:
        lines = [
            r
            for r in division.tables["inventory/StockCountLines"].rows.values()
            if r.get("StockCountID") == header["StockCountID"]
        ]
    for line in lines:
        _change_stock(backend, division, line["Item"], header["Warehouse"], 0.0, absolute=line["QuantityNew"])
        backend.touch(division, "inventory/StockCountLines", line["ID"], {"Status": PROCESSED})


def _book_journal_entry(backend: Backend, division: Division, header: Row, lines: list[dict[str, Any]]) -> None:
    """General journal entries post straight to the ledger: one financial transaction line per entry line, then one
    VAT line per line that carries VAT, numbered after them."""
    entity = ENTITY_BY_PATH["financialtransaction/TransactionLines"]
    vat_rows: list[dict[str, Any]] = []
    for line in lines:
        account = _lookup(division, "crm/Accounts", line.get("Account"))
        row = {
            "ID": backend.new_guid(),
            "EntryID": header["EntryID"],
            "EntryNumber": header.get("EntryNumber"),
            "Date": line.get("Date"),
            "FinancialYear": header.get("FinancialYear"),
            "FinancialPeriod": header.get("FinancialPeriod"),
            "GLAccount": line.get("GLAccount"),
            "GLAccountCode": line.get("GLAccountCode"),
            "GLAccountDescription": line.get("GLAccountDescription"),
            "AmountDC": _ledger_amount(line),
            "AmountFC": _ledger_amount(line),
            "AmountVATFC": line.get("AmountVATFC"),
            "AmountVATBaseFC": line.get("VATBaseAmountFC"),
            "VATCode": line.get("VATCode"),
            "VATCodeDescription": line.get("VATCodeDescription"),
            "VATPercentage": line.get("VATPercentage"),
            "VATType": line.get("VATType"),
            "Account": line.get("Account"),
            "AccountCode": account.get("Code") if account else None,
            "AccountName": account.get("Name") if account else None,
            "CostCenter": line.get("CostCenter"),
            "CostUnit": line.get("CostUnit"),
            "Description": line.get("Description"),
            "JournalCode": header.get("JournalCode"),
            "JournalDescription": header.get("JournalDescription"),
            "Currency": header.get("Currency"),
            "LineNumber": line.get("LineNumber"),
            "LineType": 0,
            "Type": 90,
            "Status": 20,
            "Quantity": line.get("Quantity"),
        }
        backend.stamp(division, entity, {k: v for k, v in row.items() if v is not None}, created=True)
        vat_amount = line.get("AmountVATDC")
        vat = _by_code(division, "vat/VATCodes", line.get("VATCode")) if vat_amount else None
        if vat is not None:
            gl, gl_code, gl_description = _vat_account(vat, vat_amount)
            vat_rows.append(
                {
                    **row,
                    "GLAccount": gl,
                    "GLAccountCode": gl_code,
                    "GLAccountDescription": gl_description,
                    "AmountDC": vat_amount,
                    "AmountFC": vat_amount,
                    "VATType": "A" if vat_amount < 0 else "O",
                    "Item": None,
                    "Quantity": None,
                    "CostCenter": None,
                    "CostUnit": None,
                }
            )
    for number, row in enumerate(vat_rows, start=len(lines) + 1):
        row.update(ID=backend.new_guid(), LineNumber=number)
        backend.stamp(division, entity, {k: v for k, v in row.items() if v is not None}, created=True)


_LINES_CHECK = {"generaljournalentry/GeneralJournalEntries": _check_journal_balance}
_LINES_COMMITTED = {
    "salesorder/GoodsDeliveries": _deliver,
    "inventory/StockCounts": _process_stock_count,
    "generaljournalentry/GeneralJournalEntries": _book_journal_entry,
}


def _order_totals(division: Division, header: Row, lines: list[Row]) -> dict[str, Any]:
    return money.document_totals(lines, money.rate_of(header.get("Currency")), vat_field="VATAmount")


def _invoice_totals(division: Division, header: Row, lines: list[Row]) -> dict[str, Any]:
    return money.document_totals(lines, money.rate_of(header.get("Currency")), vat_field="VATAmountFC")


_TOTALS = {"salesorder/SalesOrders": _order_totals, "salesinvoice/SalesInvoices": _invoice_totals}


# ----------------------------------------------------------------------------- update/delete guards
def _guard_order_update(backend: Backend, division: Division, old: Row, changes: dict[str, Any]) -> None:
    for fixed in ("OrderedBy", "DeliverTo", "InvoiceTo"):
        if fixed in changes and changes[fixed] != old.get(fixed):
            raise BadRequest(f"{fixed} can not be changed for an existing sales order.")


def _guard_stock_count_update(backend: Backend, division: Division, old: Row, changes: dict[str, Any]) -> None:
    if old.get("Status") == PROCESSED:
        raise BadRequest(f"Stock count {old.get('StockCountNumber')} is processed and can not be changed.")
    if "Status" in changes and changes["Status"] not in (DRAFT, PROCESSED):
        raise BadRequest("Status: only 12 (Draft) or 21 (Processed) are allowed.")


def _after_stock_count_update(backend: Backend, division: Division, old: Row, row: Row) -> None:
    if old.get("Status") != PROCESSED and row.get("Status") == PROCESSED:
        _process_stock_count(backend, division, row)


def _guard_order_delete(backend: Backend, division: Division, old: Row) -> None:
    if old.get("DeliveryStatus") not in (None, OPEN):
        raise BadRequest(f"Sales order {old.get('OrderNumber')} has deliveries and can not be deleted.")


def _guard_processed_delete(backend: Backend, division: Division, old: Row) -> None:
    if old.get("Status") == PROCESSED:
        raise BadRequest(f"Stock count {old.get('StockCountNumber')} is processed and can not be deleted.")


def _guard_account_delete(backend: Backend, division: Division, old: Row) -> None:
    for path, ref in (("salesorder/SalesOrders", "OrderedBy"), ("salesinvoice/SalesInvoices", "OrderedBy")):
        if any(r.get(ref) == old["ID"] for r in division.tables[path].rows.values()):
            raise BadRequest(f"Account '{old.get('Code', '').strip()}' is in use and can not be deleted.")


_UPDATE_GUARD = {
    "salesorder/SalesOrders": _guard_order_update,
    "inventory/StockCounts": _guard_stock_count_update,
    "crm/Addresses": _guard_address_update,
}
_AFTER_CREATE = {"crm/Addresses": _one_main_address}
_AFTER_UPDATE = {"inventory/StockCounts": _after_stock_count_update, "crm/Addresses": _after_address_update}
_DELETE_GUARD = {
    "salesorder/SalesOrders": _guard_order_delete,
    "inventory/StockCounts": _guard_processed_delete,
    "crm/Accounts": _guard_account_delete,
}
