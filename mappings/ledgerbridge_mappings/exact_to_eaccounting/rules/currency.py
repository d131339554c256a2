"""Currencies: which one each side keeps its amounts in, and the rates to use where Exact gives none."""

from __future__ import annotations

from pydantic import Field, field_validator

from ledgerbridge_mappings.shared.rules.base import RuleModel
from ledgerbridge_mappings.shared.rules.currency_codes import CurrencyCode, checked_rates


class CurrencyRules(RuleModel):
    """Orders and invoices keep the Exact document's currency; vouchers are booked in the eAccounting company's
    currency, which needs the amounts in that currency: Exact's own (``AmountDC``) when Exact's division currency is
    the same, otherwise converted at a rate given here. A document that cannot be converted is refused, never
    booked with foreign numbers."""

    exact_currency: CurrencyCode | None = Field(
        default=None,
        title="Exact division currency",
        description="ISO 4217 code of the Exact division's default currency, the currency of Exact's AmountDC "
        "fields (for example EUR). When it equals the eAccounting company currency, Exact's own converted amounts "
        "and rate are used.",
        examples=["EUR"],
    )
    rates: dict[CurrencyCode, float] = Field(
        default={},
        title="Exchange rates",
        description="Units of the eAccounting company currency for one unit of each foreign currency (for a "
        "Swedish company, EUR: 11.45 means 1 EUR = 11.45 SEK). Used for vouchers and as the invoice rate when "
        "Exact's own amounts are not in the company currency.",
        examples=[{"EUR": 11.45}],
    )

    @field_validator("rates")
    @classmethod
    def _positive(cls, rates: dict[str, float]) -> dict[str, float]:
        return checked_rates(rates)
