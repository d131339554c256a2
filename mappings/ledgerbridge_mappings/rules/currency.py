"""Currencies: which one each side keeps its amounts in, and the rates to use where Exact gives none."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from .base import RuleModel

CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$", to_upper=True)]


def checked_rates(rates: dict[str, float]) -> dict[str, float]:
    """Exchange rates must be positive finite numbers: a zero or NaN rate would book nothing, silently."""
    for code, rate in rates.items():
        if not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"the rate of {code} must be a positive number, got {rate!r}")
    return rates


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
