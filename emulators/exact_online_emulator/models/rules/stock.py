"""Stock rules: items, item warehouses and stock positions, stock counts and the stock they set when processed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from exact_online_emulator.entities import ENTITY_BY_PATH
from exact_online_emulator.exceptions import BadRequest
from exact_online_emulator.models.rules.lookups import lookup, refresh_names, stock_position_fields

if TYPE_CHECKING:
    from exact_online_emulator.models.division import Division
    from exact_online_emulator.models.rules.ledger import Ledger
    from exact_online_emulator.models.store import Row


DRAFT, PROCESSED = 12, 21


def _create_item(backend: Ledger, division: Division, values: dict[str, Any]) -> None:
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


def _create_stock_count(backend: Ledger, division: Division, values: dict[str, Any]) -> None:
    values["StockCountNumber"] = division.next_number("stock_count_number", 1)
    values["EntryNumber"] = division.next_number("entry_number", 1)
    values.setdefault("Status", DRAFT)
    if values["Status"] not in (DRAFT, PROCESSED):
        raise BadRequest("Status: only 12 (Draft) or 21 (Processed) are allowed.")
    values["Source"] = 4
    warehouse = lookup(division, "inventory/Warehouses", values.get("Warehouse"))
    if warehouse is not None:
        values.update(WarehouseCode=warehouse.get("Code"), WarehouseDescription=warehouse.get("Description"))


def _create_item_warehouse(backend: Ledger, division: Division, values: dict[str, Any]) -> None:
    for row in division.tables["inventory/ItemWarehouses"].rows.values():
        if row.get("Item") == values.get("Item") and row.get("Warehouse") == values.get("Warehouse"):
            raise BadRequest("This item is already linked to this warehouse.")
    values.setdefault("CurrentStock", 0.0)
    values.setdefault("ReservedStock", 0.0)
    values.setdefault("PlannedStockIn", 0.0)
    values.setdefault("PlannedStockOut", 0.0)
    refresh_names(division, "inventory/ItemWarehouses", values)


def _prepare_stock_count_line(backend: Ledger, division: Division, header: Row, values: dict[str, Any]) -> None:
    item = lookup(division, "logistics/Items", values.get("Item"))
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


def main_warehouse(division: Division) -> str | None:
    for row in division.tables["inventory/Warehouses"].rows.values():
        if row.get("Main") == 1:
            warehouse_id: str = row["ID"]
            return warehouse_id
    return None


def _item_warehouse(division: Division, item: str, warehouse: str) -> Row | None:
    for row in division.tables["inventory/ItemWarehouses"].rows.values():
        if row.get("Item") == item and row.get("Warehouse") == warehouse:
            return row
    return None


def change_stock(
    backend: Ledger, division: Division, item: str, warehouse: str, delta: float, absolute: float | None = None
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
    backend: Ledger, division: Division, header: Row, lines: list[dict[str, Any]] | None = None
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
        change_stock(backend, division, line["Item"], header["Warehouse"], 0.0, absolute=line["QuantityNew"])
        backend.touch(division, "inventory/StockCountLines", line["ID"], {"Status": PROCESSED})


def _guard_stock_count_update(backend: Ledger, division: Division, old: Row, changes: dict[str, Any]) -> None:
    if old.get("Status") == PROCESSED:
        raise BadRequest(f"Stock count {old.get('StockCountNumber')} is processed and can not be changed.")
    if "Status" in changes and changes["Status"] not in (DRAFT, PROCESSED):
        raise BadRequest("Status: only 12 (Draft) or 21 (Processed) are allowed.")


def _after_stock_count_update(backend: Ledger, division: Division, old: Row, row: Row) -> None:
    if old.get("Status") != PROCESSED and row.get("Status") == PROCESSED:
        _process_stock_count(backend, division, row)


def _guard_processed_delete(backend: Ledger, division: Division, old: Row) -> None:
    if old.get("Status") == PROCESSED:
        raise BadRequest(f"Stock count {old.get('StockCountNumber')} is processed and can not be deleted.")


CREATE = {
    "logistics/Items": _create_item,
    "inventory/StockCounts": _create_stock_count,
    "inventory/ItemWarehouses": _create_item_warehouse,
}
LINE_PREPARE = {"inventory/StockCountLines": _prepare_stock_count_line}
LINES_COMMITTED = {"inventory/StockCounts": _process_stock_count}
UPDATE_GUARD = {"inventory/StockCounts": _guard_stock_count_update}
AFTER_UPDATE = {"inventory/StockCounts": _after_stock_count_update}
DELETE_GUARD = {"inventory/StockCounts": _guard_processed_delete}
