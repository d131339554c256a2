"""Reading referenced rows by key or code, and the denormalised fields Exact fills from them (names, codes, the
stock-position view of item warehouses)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pycountry

if TYPE_CHECKING:
    from exact_online_emulator.models.division import Division
    from exact_online_emulator.models.store import Row


def lookup(division: Division, path: str, key: str | None) -> Row | None:
    return division.tables[path].get(key) if key else None


def by_code(division: Division, path: str, code: str | None) -> Row | None:
    if code is None:
        return None
    wanted = code.strip().lower()
    for row in division.tables[path].rows.values():
        if str(row.get("Code", "")).strip().lower() == wanted:
            return row
    return None


def refresh_names(division: Division, path: str, row: dict[str, Any]) -> None:
    """Denormalised *Name/*Code/*Description fields Exact fills from the referenced records."""
    if path in ("salesorder/SalesOrders", "salesinvoice/SalesInvoices"):
        for ref in ("OrderedBy", "DeliverTo", "InvoiceTo"):
            account = lookup(division, "crm/Accounts", row.get(ref))
            if account is not None:
                row[f"{ref}Name"] = account.get("Name")
        method = lookup(division, "sales/ShippingMethods", row.get("ShippingMethod"))
        row["ShippingMethodDescription"] = method.get("Description") if method else None
        if path == "salesinvoice/SalesInvoices":
            row["ShippingMethodCode"] = method.get("Code") if method else None
        condition = by_code(division, "cashflow/PaymentConditions", row.get("PaymentCondition"))
        row["PaymentConditionDescription"] = condition.get("Description") if condition else None
    elif path == "crm/Contacts":
        account = lookup(division, "crm/Accounts", row.get("Account"))
        if account is not None:
            row["AccountName"] = account.get("Name")
            row["Code"] = account.get("Code")
        parts = [row.get("FirstName"), row.get("MiddleName"), row.get("LastName")]
        row["FullName"] = " ".join(p for p in parts if p)
    elif path == "crm/Addresses":
        account = lookup(division, "crm/Accounts", row.get("Account"))
        contact = lookup(division, "crm/Contacts", row.get("Contact"))
        warehouse = lookup(division, "inventory/Warehouses", row.get("Warehouse"))
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
        item = lookup(division, "logistics/Items", row.get("Item"))
        warehouse = lookup(division, "inventory/Warehouses", row.get("Warehouse"))
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
