"""Checks on the planned request bodies before anything is sent: what eAccounting would refuse, caught per record.

The mapping rules already reject what they can decide (customer, VAT code, article, text lengths); these checks
guard the request shape itself, so a record that cannot be written never costs a call or an API error.
"""

from __future__ import annotations

from typing import Any

from ledgerbridge_mappings import Action
from ledgerbridge_writer import RecordFailure

DOCUMENTS = frozenset({"orders", "customerinvoicedrafts", "customerinvoices"})


def check_write(write: Any) -> list[RecordFailure]:
    if write.action is Action.SKIP:
        return []
    collection = write.target_collection
    if collection in DOCUMENTS:
        return _document(write)
    if collection == "vouchers":
        return _voucher(write.body, collection)
    return []


def _document(write: Any) -> list[RecordFailure]:
    body, links, collection = write.body, write.links, write.target_collection
    problems: list[RecordFailure] = []
    if not body.get("CustomerId") and "CustomerId" not in links:
        problems.append(RecordFailure(f"{collection}.CustomerId", "no customer resolved"))
    rows = body.get("Rows") or []
    if not rows:
        problems.append(RecordFailure(f"{collection}.Rows", "no rows"))
    credit = bool(body.get("IsCreditInvoice"))
    for number, row in enumerate(rows):
        where = f"{collection}.Rows[{number}]"
        if not row.get("ArticleId") and f"Rows[{number}].ArticleId" not in links:
            problems.append(RecordFailure(f"{where}.ArticleId", "no article"))
        quantity = row.get("Quantity")
        if not isinstance(quantity, (int, float)) or quantity == 0 or (quantity < 0 and not credit):
            problems.append(RecordFailure(f"{where}.Quantity", f"{quantity!r} is not a positive quantity"))
        discount = row.get("DiscountPercentage", 0) or 0
        if not 0 <= discount <= 1:
            problems.append(RecordFailure(f"{where}.DiscountPercentage", f"{discount} is not a fraction 0-1"))
    return problems


def _voucher(body: dict[str, Any], collection: str) -> list[RecordFailure]:
    rows = body.get("Rows") or []
    if len(rows) < 2:
        return [RecordFailure(f"{collection}.Rows", "a voucher needs two or more rows")]
    debit = round(sum(r.get("DebitAmount") or 0.0 for r in rows), 2)
    credit = round(sum(r.get("CreditAmount") or 0.0 for r in rows), 2)
    if debit != credit:
        return [RecordFailure(f"{collection}.Rows", f"debit {debit:.2f} and credit {credit:.2f} do not balance")]
    if not body.get("VoucherDate"):
        return [RecordFailure(f"{collection}.VoucherDate", "missing")]
    return []
