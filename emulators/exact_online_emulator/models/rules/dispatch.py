"""Runs an entity's business rules on create, update and delete: line preparation, storage and the header
totals after them, in the order Exact applies them. The per-domain rules plug in through their hook tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from exact_online_emulator.entities import ENTITY_BY_PATH, Entity, Lines
from exact_online_emulator.exceptions import BadRequest, NotFound
from exact_online_emulator.models.rules import crm, journals, sales, stock
from exact_online_emulator.models.rules.crm import account_code
from exact_online_emulator.models.rules.lookups import lookup, refresh_names
from exact_online_emulator.models.rules.sales import (
    PRICED_LINES,
    PRICING,
    REPRICING_HEADER,
    document_currency,
    price_line,
)

if TYPE_CHECKING:
    from exact_online_emulator.models.division import Division
    from exact_online_emulator.models.rules.ledger import Ledger
    from exact_online_emulator.models.store import Row


# Each domain's hooks, by entity path; no two domains hook the same entity.
_CREATE = {**crm.CREATE, **sales.CREATE, **stock.CREATE, **journals.CREATE}
_LINE_PREPARE = {**sales.LINE_PREPARE, **stock.LINE_PREPARE, **journals.LINE_PREPARE}
_LINES_CHECK = {**journals.LINES_CHECK}
_LINES_COMMITTED = {**sales.LINES_COMMITTED, **stock.LINES_COMMITTED, **journals.LINES_COMMITTED}
_TOTALS = {**sales.TOTALS}
_UPDATE_GUARD = {**crm.UPDATE_GUARD, **sales.UPDATE_GUARD, **stock.UPDATE_GUARD}
_AFTER_CREATE = {**crm.AFTER_CREATE}
_AFTER_UPDATE = {**crm.AFTER_UPDATE, **stock.AFTER_UPDATE}
_DELETE_GUARD = {**crm.DELETE_GUARD, **sales.DELETE_GUARD, **stock.DELETE_GUARD}


def _lines(entity: Entity) -> Lines:
    """A header's line collection; only headers with lines reach the functions that ask."""
    if entity.lines is None:
        raise BadRequest(f"{entity.path} has no lines.")
    return entity.lines


def _parent(entity: Entity) -> tuple[str, str]:
    """A line collection's (header collection, parent field); only line collections reach the functions that ask."""
    if entity.parent is None:
        raise BadRequest(f"{entity.path} is not a line collection.")
    return entity.parent


def _stored(division: Division, entity: Entity, key: str) -> Row:
    """The row as stored after the hooks that ran on it."""
    row = division.tables[entity.path].get(key)
    if row is None:
        raise NotFound("Object not found")
    return row


def create(backend: Ledger, division: Division, entity: Entity, values: dict[str, Any], lines: list[Any] | None) -> Row:
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
        row = _stored(division, entity, row[entity.key])
    if prepared is not None:
        _store_lines(backend, division, entity, row, prepared)
        row = _after_lines(backend, division, entity, row)
    elif entity.parent is not None:
        header_entity = ENTITY_BY_PATH[entity.parent[0]]
        _renumber_and_refresh_header(backend, division, header_entity, values[entity.parent[1]])
        row = _stored(division, entity, row[entity.key])
    return row


def update(backend: Ledger, division: Division, entity: Entity, old: Row, changes: dict[str, Any]) -> None:
    guard = _UPDATE_GUARD.get(entity.path)
    if guard is not None:
        guard(backend, division, old, changes)
    merged = {**old, **changes}
    if entity.path in PRICED_LINES and changes.keys() & PRICING:
        if "NetPrice" not in changes:
            merged.pop("NetPrice", None)
        elif "Discount" not in changes:
            merged.pop("Discount", None)  # a new net price implies its discount
        header = lookup(division, _parent(entity)[0], merged.get(_parent(entity)[1])) or {}
        price_line(division, merged, header, PRICED_LINES[entity.path])
    if entity.path in ("salesorder/SalesOrders", "salesinvoice/SalesInvoices") and "Currency" in changes:
        changes["Currency"] = merged["Currency"] = document_currency(changes["Currency"])
    if entity.path == "crm/Accounts" and "Code" in changes:
        merged["Code"] = account_code(changes["Code"])
    backend.check_required(entity, merged)
    backend.check_references(division, entity, {k: v for k, v in merged.items() if k in changes})
    refresh_names(division, entity.path, merged)
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


def delete(backend: Ledger, division: Division, entity: Entity, old: Row) -> None:
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
        header_key = old.get(entity.parent[1])
        if header_key is not None and division.tables[header_entity.path].get(header_key) is not None:
            _renumber_and_refresh_header(backend, division, header_entity, header_key)


def _check_parent_exists(division: Division, entity: Entity, values: dict[str, Any]) -> None:
    _header_path, parent_field = _parent(entity)
    if values.get(parent_field) is None:
        raise BadRequest(f"Mandatory field is missing: '{parent_field}' ({entity.type_name}).")


def _prepare_single_line(backend: Ledger, division: Division, entity: Entity, values: dict[str, Any]) -> None:
    """A line POSTed on its own (e.g. salesorder/SalesOrderLines) gets the same derivations as an embedded one."""
    header_path, parent_field = _parent(entity)
    header = lookup(division, header_path, values.get(parent_field))
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
        changes.keys() & REPRICING_HEADER
    )


def _reprice_lines(backend: Ledger, division: Division, entity: Entity, header: Row, changes: dict[str, Any]) -> None:
    """A new header discount becomes every line's discount (Exact's default), a new currency their DC amounts."""
    line_path = _lines(entity).collection
    line_key = ENTITY_BY_PATH[line_path].key
    for line in backend.lines_of(division, entity, header[entity.key]):
        values = dict(line)
        values.pop("NetPrice", None)
        if "Discount" in changes:
            values.pop("Discount", None)
        price_line(division, values, header, PRICED_LINES[line_path])
        backend.touch(division, line_path, line[line_key], values)


def _prepare_lines(
    backend: Ledger, division: Division, header_entity: Entity, header: dict[str, Any], lines: list[Any]
) -> list[dict[str, Any]]:
    line_entity = ENTITY_BY_PATH[_lines(header_entity).collection]
    parent_field = _lines(header_entity).parent_field
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
                raise BadRequest(f"{_lines(header_entity).field}[{index}]: {error.message}") from None
        try:
            backend.check_required(line_entity, values)
            backend.check_references(division, line_entity, values, skip=(parent_field,))
        except BadRequest as error:
            raise BadRequest(f"{_lines(header_entity).field}[{index}]: {error.message}") from None
        prepared.append(values)
    check = _LINES_CHECK.get(header_entity.path)
    if check is not None:
        check(division, header, prepared)
    return prepared


def _store_lines(
    backend: Ledger, division: Division, header_entity: Entity, header: Row, prepared: list[dict[str, Any]]
) -> None:
    line_entity = ENTITY_BY_PATH[_lines(header_entity).collection]
    for values in prepared:
        backend.stamp(division, line_entity, values, created=True)
    committed = _LINES_COMMITTED.get(header_entity.path)
    if committed is not None:
        committed(backend, division, header, prepared)


def _after_lines(backend: Ledger, division: Division, header_entity: Entity, header: Row) -> Row:
    totals = _TOTALS.get(header_entity.path)
    if totals is None:
        return header
    lines = backend.lines_of(division, header_entity, header[header_entity.key])
    changes = totals(division, header, lines)
    return backend.touch(division, header_entity.path, header[header_entity.key], changes)


def _renumber_and_refresh_header(backend: Ledger, division: Division, header_entity: Entity, key: str | None) -> None:
    header = division.tables[header_entity.path].get(key) if key else None
    if header is None or key is None:
        return
    line_path = _lines(header_entity).collection
    line_entity = ENTITY_BY_PATH[line_path]
    for number, line in enumerate(backend.lines_of(division, header_entity, key), start=1):
        if line.get("LineNumber") is None:
            backend.touch(division, line_path, line[line_entity.key], {"LineNumber": number})
    _after_lines(backend, division, header_entity, header)
