"""Sales prices change currency only by conversion: the eAccounting price (in the company currency) times the rate
the user configured, rounded half away from zero; a price whose currency or rate is unknown is refused.

Arithmetic is on the decimal values the user typed (``repr`` of the float), so 1778 * 0.087 is 154.686, not the
binary float's 154.68599999….
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ledgerbridge_mappings.eaccounting_to_exact.lookups import ExactLookups
from ledgerbridge_mappings.eaccounting_to_exact.rules.items import SalesPriceRules
from ledgerbridge_mappings.plan import RecordRejected


@dataclass(frozen=True, slots=True)
class PriceCurrency:
    """From which currency into which a price travels, and the rate between them (1 when they are the same)."""

    source: str
    target: str
    rate: Decimal

    @property
    def converts(self) -> bool:
        return self.source != self.target


def decimal_of(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def quantize(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def target_currency(rules: SalesPriceRules, lookups: ExactLookups) -> str | None:
    return rules.exact_currency or lookups.division_currency


def missing_currency(rules: SalesPriceRules, lookups: ExactLookups) -> tuple[str, str] | None:
    """(setting, why) when prices cannot be written whatever the article; ``None`` when they can."""
    if rules.currency is None:
        return (
            "items.prices.currency",
            "the currency of eAccounting's prices is not set; set it to the company currency (CurrencyCode in "
            "eAccounting's company settings)",
        )
    target = target_currency(rules, lookups)
    if target is None:
        return ("items.prices.exact_currency", "the Exact division's currency is unknown; set it")
    if target != rules.currency and rules.currency not in rules.rates:
        return (
            f"items.prices.rates.{rules.currency}",
            f"prices are in {rules.currency} but Exact expects {target}; set items.prices.rates.{rules.currency} "
            f"(1 {rules.currency} in {target})",
        )
    return None


def price_currency(rules: SalesPriceRules, lookups: ExactLookups, source_field: str) -> PriceCurrency:
    """The conversion one price needs, or the refusal naming the price field."""
    problem = missing_currency(rules, lookups)
    if problem is not None:
        setting, why = problem
        raise RecordRejected(source_field, why if setting in why else f"{why} ({setting})")
    source, target = rules.currency, target_currency(rules, lookups)
    assert source is not None and target is not None  # missing_currency said so
    rate = Decimal(1) if source == target else decimal_of(rules.rates[source])
    return PriceCurrency(source, target, rate)


def convert(amount: float, currency: PriceCurrency, decimals: int, vat_factor: Decimal = Decimal(1)) -> float:
    """round-half-up(amount * VAT factor * rate) to ``decimals``: one rounding, at the end."""
    result = float(quantize(decimal_of(amount) * vat_factor * currency.rate, decimals))
    return result if result else 0.0
