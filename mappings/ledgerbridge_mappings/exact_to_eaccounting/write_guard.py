"""The check before an eAccounting document is written: its planned totals against the Exact document's own.

A document whose money does not reconcile is not written: the record fails with the difference and is retried on
the next run like any failed record. What rules change on purpose (a shipping-cost row, a VAT rule) is passed in as
``Explained`` and named in the write's reason, so the activity log says why the two sides differ.
"""

from __future__ import annotations

from collections.abc import Iterable

from ledgerbridge_mappings.exact_to_eaccounting.reconciliation import DocumentTotals, Explained, compare
from ledgerbridge_mappings.plan import RecordRejected

# The Exact header field each kind of difference is measured against.
_SOURCE_FIELD = {"net": "AmountFCExclVat", "vat": "AmountFC", "gross": "AmountFC", "currency": "Currency"}


def guard_totals(source: DocumentTotals, planned: DocumentTotals, explained: Iterable[Explained] = ()) -> str:
    """Refuses the record when ``planned`` does not reconcile with ``source``; else says what was checked."""
    explained = list(explained)
    differences = compare(source, planned, explained)
    if differences:
        raise RecordRejected(_SOURCE_FIELD[differences[0].field], "; ".join(str(d) for d in differences))
    text = f"reconciled with Exact: net {planned.net:.2f} {planned.currency}, VAT {planned.vat:.2f}"
    if explained:
        text += "; by rule: " + "; ".join(str(e) for e in explained)
    return text
