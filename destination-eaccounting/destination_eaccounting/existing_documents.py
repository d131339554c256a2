"""Which Exact documents and entries are already in eAccounting, read back from the reference each one carries.

Documents carry ``"Exact SO 1042"`` in the configured reference field (users may type around it); vouchers start their
``VoucherText`` with it (``"Exact SO 1042 …"``, ``"Exact JE 70/123 …"``). One filtered, narrowed list read per
collection per sync replaces a per-order "does it exist" call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from eaccounting_client import odata_string
from ledgerbridge_mappings import ExistingReferences, parse_document_reference

VOUCHERS = "vouchers"


def document_query(reference_field: str, prefix: str) -> dict[str, str]:
    return {"$filter": f"contains({reference_field},{odata_string(prefix)})", "$select": f"Id,{reference_field}"}


def voucher_query(prefix: str) -> dict[str, str]:
    return {"$filter": f"startswith(VoucherText,{odata_string(prefix + ' ')})", "$select": "Id,VoucherText"}


def voucher_reference(prefix: str, text: object) -> str | None:
    """The reference a voucher written by this destination starts with, normalised (``"Exact JE 70/123"``)."""
    if not isinstance(text, str):
        return None
    match = re.match(rf"{re.escape(prefix)}\s+(SO|SI|JE)\s+(\S+)", text, re.IGNORECASE)
    if match is None:
        return None
    kind, number = match.group(1).upper(), match.group(2)
    if kind != "JE" and not number.isdigit():
        return None
    return f"{prefix} {kind} {number}"


def add_documents(
    existing: ExistingReferences,
    collection: str,
    records: Iterable[Mapping[str, Any]],
    reference_field: str,
    prefix: str,
) -> None:
    for record in records:
        reference = parse_document_reference(prefix, record.get(reference_field))
        if reference is not None and record.get("Id"):
            existing.add(collection, reference.text(prefix), str(record["Id"]))


def add_vouchers(existing: ExistingReferences, records: Iterable[Mapping[str, Any]], prefix: str) -> None:
    for record in records:
        reference = voucher_reference(prefix, record.get("VoucherText"))
        if reference is not None and record.get("Id"):
            existing.add(VOUCHERS, reference, str(record["Id"]))
