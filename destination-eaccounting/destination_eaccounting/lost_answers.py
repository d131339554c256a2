"""Whether a create whose answer was lost landed in eAccounting: one filtered list read by the object's natural key.

Each collection this destination creates in carries a key the plan knows: documents the Exact reference in the
configured reference field, vouchers the reference at the start of ``VoucherText``, articles their number, customers
the value they are matched on. The read asks eAccounting for exactly that value, so it costs one call however large
the company is.
"""

from __future__ import annotations

from typing import Any

from eaccounting_client import EAccountingClient, odata_string
from ledgerbridge_mappings import CustomerIndex, EAccountingRules, PlannedWrite, parse_document_reference
from ledgerbridge_writer import RecordWriteError

from .existing_documents import VOUCHERS, voucher_reference

CUSTOMERS, ARTICLES = "customers", "articles"
# The customer field each match key is read from (rules.customers.match_key values, as in the plan's write keys).
_CUSTOMER_FIELD = {"email": "EmailAddress", "customer_number": "CustomerNumber", "vat_number": "VatNumber"}


def find_written(
    client: EAccountingClient, rules: EAccountingRules, write: PlannedWrite, body: dict[str, Any]
) -> str | None:
    """The id of the object ``write`` created, or ``None`` when eAccounting has none with its key.

    Raises ``RecordWriteError`` when the body carries no key to look for (the write cannot be confirmed)."""
    collection = write.target_collection
    if collection == CUSTOMERS:
        return _customer(client, rules, write, body)
    if collection == ARTICLES:
        return _first_id(client, ARTICLES, "Number", _required(body, "Number", collection))
    prefix = rules.documents.reference.prefix
    if collection == VOUCHERS:
        reference = voucher_reference(prefix, body.get("VoucherText"))
        if reference is None:
            raise RecordWriteError(f"{VOUCHERS}.VoucherText", "carries no reference to confirm the voucher by")
        query = {"$filter": f"startswith(VoucherText,{odata_string(reference)})", "$select": "Id,VoucherText"}
        rows = client.list(VOUCHERS, query)
        return next((str(r["Id"]) for r in rows if voucher_reference(prefix, r.get("VoucherText")) == reference), None)
    field = rules.documents.reference.order_field
    written = parse_document_reference(prefix, body.get(field))
    if written is None:
        raise RecordWriteError(f"{collection}.{field}", "carries no reference to confirm the document by")
    reference = written.text(prefix)
    query = {"$filter": f"contains({field},{odata_string(reference)})", "$select": f"Id,{field}"}
    for row in client.list(collection, query):
        found = parse_document_reference(prefix, row.get(field))
        if found is not None and found.text(prefix) == reference:
            return str(row["Id"])
    return None


def _customer(
    client: EAccountingClient, rules: EAccountingRules, write: PlannedWrite, body: dict[str, Any]
) -> str | None:
    match_key = rules.customers.match_key.value
    field = _CUSTOMER_FIELD[match_key]
    value = _required(body, field, CUSTOMERS)
    query = {"$filter": f"{field} eq {odata_string(str(value))}", "$select": "Id,CustomerNumber,EmailAddress,VatNumber"}
    found = CustomerIndex.from_records(client.list(CUSTOMERS, query)).find(match_key, str(value))
    return found.id if found is not None else None


def _first_id(client: EAccountingClient, collection: str, field: str, value: Any) -> str | None:
    query = {"$filter": f"{field} eq {odata_string(str(value))}", "$select": f"Id,{field}"}
    wanted = str(value).strip().casefold()
    rows = client.list(collection, query)
    return next((str(r["Id"]) for r in rows if str(r.get(field) or "").strip().casefold() == wanted), None)


def _required(body: dict[str, Any], field: str, collection: str) -> Any:
    value = body.get(field)
    if value in (None, ""):
        raise RecordWriteError(f"{collection}.{field}", "not in the body, so the create cannot be confirmed")
    return value
