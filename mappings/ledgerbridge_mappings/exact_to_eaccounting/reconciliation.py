"""A document's totals on both sides and what differs between them.

One comparison serves the guard that runs before every write (the planned body against the Exact document) and
``ledgerbridge reconcile`` (the stored eAccounting document against the Exact document), so both agree on what
"the money matches" means: the same currency, net equal within a cent, VAT equal within a cent plus the rounding
the two systems are known to do differently, and any other difference made on purpose by a named rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ledgerbridge_mappings.plan import RecordRejected
from ledgerbridge_mappings.shared.amounts import money, to_number

CENT = 0.01
# Exact rounds VAT per line, eAccounting per document: each line can move the total by at most half a cent.
VAT_ROUNDING_PER_LINE = 0.005
_EPSILON = 1e-6


@dataclass(frozen=True, slots=True)
class DocumentTotals:
    """Net (excl. VAT) and VAT of one document, in ``currency``. Credit notes are negative."""

    currency: str | None
    net: float
    vat: float
    lines: int = 1
    # Units of this currency per unit of the currency the amounts were rounded in: a cent of rounding in EUR
    # becomes 11 öre once converted to SEK, so converted totals get a proportionally wider rounding allowance.
    scale: float = 1.0

    @property
    def gross(self) -> float:
        return money(self.net + self.vat)

    def in_currency(self, currency: str, rate: float) -> DocumentTotals:
        """The same totals converted at ``rate`` units of ``currency`` per unit of this document's currency."""
        return DocumentTotals(currency, money(self.net * rate), money(self.vat * rate), self.lines, self.scale * rate)


@dataclass(frozen=True, slots=True)
class Explained:
    """A difference a rule makes on purpose: a mapped shipping-cost row, a 0 % VAT rule for reverse charge or export."""

    rule: str
    net: float = 0.0
    vat: float = 0.0

    def __str__(self) -> str:
        parts = [f"net {_signed(self.net)}"] if self.net else []
        if self.vat:
            parts.append(f"VAT {_signed(self.vat)}")
        return f"{self.rule} ({', '.join(parts) or 'no amount'})"


@dataclass(frozen=True, slots=True)
class Difference:
    """One total that does not agree: the target's value against the source's, with what likely caused it."""

    field: str  # "net", "vat", "gross" or "currency"
    target: float | str | None
    source: float | str | None
    cause: str = ""

    def __str__(self) -> str:
        if isinstance(self.target, float) and isinstance(self.source, float):
            text = f"{self.field} {self.target:.2f} ≠ Exact {self.source:.2f} ({_signed(self.target - self.source)})"
        else:
            text = f"{self.field} {self.target} ≠ Exact {self.source}"
        return f"{text}: {self.cause}" if self.cause else text


def compare(source: DocumentTotals, target: DocumentTotals, explained: Iterable[Explained] = ()) -> list[Difference]:
    """What differs between the source document and the target document, after the differences rules explain."""
    differences: list[Difference] = []
    if source.currency and target.currency and source.currency.upper() != target.currency.upper():
        differences.append(Difference("currency", target.currency.upper(), source.currency.upper()))
        return differences  # amounts in different currencies say nothing more
    explained = list(explained)
    expected_net = money(source.net + sum(e.net for e in explained))
    expected_vat = money(source.vat + sum(e.vat for e in explained))
    scale = max(source.scale, target.scale, 1.0)
    vat_allowance = CENT + VAT_ROUNDING_PER_LINE * max(source.lines, target.lines) * scale
    if abs(target.net - expected_net) > CENT + _EPSILON:
        differences.append(Difference("net", money(target.net), expected_net, _net_cause(target.net - expected_net)))
    if abs(target.vat - expected_vat) > vat_allowance + _EPSILON:
        differences.append(Difference("vat", money(target.vat), expected_vat, "VAT rate or VAT rule"))
    expected_gross = money(expected_net + expected_vat)
    if not differences and abs(target.gross - expected_gross) > vat_allowance + CENT + _EPSILON:
        differences.append(Difference("gross", target.gross, expected_gross, "rounding"))
    return differences


def _net_cause(delta: float) -> str:
    return "discounts" if delta < 0 else "extra rows or missing discounts"


def _signed(value: float) -> str:
    rounded = money(value)
    return f"+{rounded:.2f}" if rounded >= 0 else f"-{-rounded:.2f}"


# ------------------------------------------------------------------------------------------------ reading totals


def exact_document_totals(record: Mapping[str, Any], lines_field: str) -> DocumentTotals:
    """An Exact sales order's or invoice's own totals: ``AmountFCExclVat`` and ``AmountFC`` in ``Currency``.

    These are the numbers the customer sees on the Exact document, so they are what the eAccounting side must match;
    a document without them cannot be checked and is refused rather than written unchecked.
    """
    net = _required_amount(record, "AmountFCExclVat")
    gross = _required_amount(record, "AmountFC")
    currency = record.get("Currency")
    if not isinstance(currency, str) or not currency.strip():
        raise RecordRejected("Currency", "missing; the document's currency is needed to check its totals")
    lines = record.get(lines_field)
    if isinstance(lines, Mapping):
        lines = lines.get("results")
    count = len(lines) if isinstance(lines, list) else 1
    return DocumentTotals(currency.strip().upper(), money(net), money(gross - net), max(count, 1))


def _required_amount(record: Mapping[str, Any], field_name: str) -> float:
    value = record.get(field_name)
    if value in (None, ""):
        raise RecordRejected(field_name, "missing; the document's totals are needed to check what is written")
    return to_number(value, field_name)


def eaccounting_document_totals(
    collection: str, record: Mapping[str, Any], *, receivable_account: int | None = None, home_currency: str = ""
) -> DocumentTotals:
    """A stored eAccounting document's totals in its own currency, as the eAccounting API reports them."""
    rows = record.get("Rows") or []
    count = sum(1 for row in rows if isinstance(row, Mapping) and row.get("ArticleId")) or 1
    if collection == "orders":
        return DocumentTotals(
            _upper(record.get("CurrencyCode")), _num(record.get("Amount")), _num(record.get("VatAmount")), count
        )
    if collection == "customerinvoicedrafts":
        vat = _num(record.get("TotalVatAmount"))
        net = money(_num(record.get("TotalAmount")) - vat - _num(record.get("TotalRoundings")))
        return DocumentTotals(_upper(record.get("InvoiceCurrencyCode")), net, vat, count)
    if collection == "customerinvoices":
        vat = _num(record.get("TotalVatAmountInvoiceCurrency"))
        net = money(_num(record.get("TotalAmountInvoiceCurrency")) - vat)
        sign = -1.0 if record.get("IsCreditInvoice") and net > 0 else 1.0
        return DocumentTotals(_upper(record.get("CurrencyCode")), sign * net, sign * vat, count)
    if collection == "vouchers":
        return _voucher_totals(rows, receivable_account, home_currency)
    raise ValueError(f"no totals for eAccounting collection {collection!r}")


def _voucher_totals(rows: Iterable[Any], receivable_account: int | None, home_currency: str) -> DocumentTotals:
    """A sales voucher debits the receivable with the gross amount and credits revenue (with a VAT code) and VAT."""
    gross = net = 0.0
    revenue_rows = 0
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        signed = _num(row.get("DebitAmount")) - _num(row.get("CreditAmount"))
        if receivable_account is not None and _int(row.get("AccountNumber")) == receivable_account:
            gross += signed
        elif row.get("VatCodeId"):
            net -= signed
            revenue_rows += 1
    gross, net = money(gross), money(net)
    return DocumentTotals(home_currency.upper() or None, net, money(gross - net), max(revenue_rows, 1))


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _upper(value: Any) -> str | None:
    return value.strip().upper() if isinstance(value, str) and value.strip() else None
