"""Which currency a document is written in and at which rate, from the currency rules and the Exact document.

Orders and invoices keep the Exact document's currency. Vouchers are booked in the eAccounting company currency,
so a foreign document needs a rate: Exact's own (its AmountDC over AmountFC) when Exact's division currency is the
company currency, else one the user configured. Without either the document is refused; an amount is never
relabelled from one currency to another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ledgerbridge_mappings.exact_to_eaccounting.documents import SalesDocument
from ledgerbridge_mappings.exact_to_eaccounting.rules.currency import CurrencyRules
from ledgerbridge_mappings.plan import RecordRejected
from ledgerbridge_mappings.shared.amounts import money, round_half_up, split_total


@dataclass(frozen=True, slots=True)
class Conversion:
    currency: str  # the currency the amounts are written in
    rate: float | None  # units of ``currency`` per unit of the document's currency; None: eAccounting decides
    source: str  # where the rate comes from, for the activity log


class CurrencyResolver:
    def __init__(self, rules: CurrencyRules, company_currency: str | None) -> None:
        self._rules = rules
        self._company = company_currency.upper() if company_currency else None

    def company_currency(self, field_name: str) -> str:
        if self._company is None:
            raise RecordRejected(field_name, "the eAccounting company currency is unknown (companysettings not read)")
        return self._company

    def is_foreign(self, document: SalesDocument) -> bool:
        return document.totals.currency != self.company_currency("Currency")

    def to_company(self, document: SalesDocument, *, required: bool) -> Conversion:
        """The rate from the document's currency to the company's; ``required`` refuses when none is known."""
        company = self.company_currency("Currency")
        currency = document.totals.currency or company
        if currency == company:
            return Conversion(company, 1.0, "same currency")
        gross = document.totals.gross
        if self._rules.exact_currency == company and document.amount_dc is not None and gross:
            return Conversion(company, round_half_up(document.amount_dc / gross, 6), "Exact's rate (AmountDC)")
        rate = self._rules.rates.get(currency)
        if rate is not None:
            return Conversion(company, rate, f"currency.rates.{currency}")
        if required:
            raise RecordRejected(
                "Currency",
                f"{currency} document, but amounts must be booked in {company}: set currency.exact_currency to "
                f"{company} if that is Exact's division currency (Exact's AmountDC is then used), or currency.rates."
                f"{currency}",
            )
        return Conversion(company, None, "eAccounting's automatic rate")


def convert_all(amounts: Sequence[float], rate: float) -> list[float]:
    """Each amount converted to cents so that they add up to the converted total, not a few cents beside it."""
    return split_total(amounts, money(sum(amounts) * rate))
