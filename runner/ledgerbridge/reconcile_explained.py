"""The differences the mapping rules make on purpose, so ``reconcile`` does not report them.

The rules change a document's money between Exact and eAccounting on purpose in three ways, the same three the
write guard accepts: a mapped shipping method with a shipping cost adds a row (``shipping.map[].shipping_cost``); a
0 % VAT code for an EU reverse-charge or export sale (``vat.eu_reverse_charge_code``, ``vat.export_code``, or a
``vat.code_map`` entry to a 0 % code) books no VAT where Exact charged some; and ``vat.accept_rate_differences`` lets
eAccounting book VAT at its own rates for companies whose two systems sit in different VAT jurisdictions. Each is
handed to ``compare`` as an ``Explained`` naming the rule; anything else that differs is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ledgerbridge_mappings import EAccountingRules
from ledgerbridge_mappings.exact_to_eaccounting.reconciliation import DocumentTotals, Explained
from ledgerbridge_mappings.exact_to_eaccounting.rules.vat import CountryBasis, VatMode
from ledgerbridge_mappings.shared.amounts import money
from ledgerbridge_mappings.shared.vat_scenarios import VatParty, VatScenario, classify_sale

ZERO_VAT_SCENARIOS = {
    VatScenario.EU_REVERSE_CHARGE: ("eu_reverse_charge_code", "EU reverse charge"),
    VatScenario.EXPORT: ("export_code", "export"),
}


@dataclass(frozen=True, slots=True)
class VatCodeInfo:
    code: str
    rate: float  # percent


@dataclass(frozen=True, slots=True)
class Buyer:
    """What the VAT rule decided on, as eAccounting holds it: the document's countries and the customer."""

    invoice_country: str | None
    delivery_country: str | None
    has_valid_vat_number: bool


def shipping_cost(rules: EAccountingRules, method_keys: Iterable[str | None]) -> tuple[str, float] | None:
    """(rule, cost) of the ``shipping.map`` entry the order's method matches by Guid, code or description."""
    keys = {key.strip().casefold() for key in method_keys if key and key.strip()}
    for index, entry in enumerate(rules.shipping.map):
        if entry.shipping_cost and entry.exact_method.strip().casefold() in keys:
            return f"shipping.map[{index}] shipping cost ({entry.exact_method})", float(entry.shipping_cost)
    return None


def shipping_explained(
    rules: EAccountingRules, method_keys: Iterable[str | None], target: DocumentTotals, rate: float = 1.0
) -> list[Explained]:
    """The shipping row's net, taxed like the rest of the document (the row gets the buyer's VAT like every row).

    The VAT rate is read off the eAccounting document, whose net includes the row: Exact's rounded VAT over a small
    net says too little about the rate. A wrong rate on the other rows still shows, on their own (Exact) amounts.
    """
    found = shipping_cost(rules, method_keys)
    if found is None:
        return []
    rule, cost = found
    cost = money(cost * rate)  # a voucher books the row in the company currency, at the document's rate
    vat_rate = target.vat / target.net if target.net else 0.0
    return [Explained(rule, net=cost, vat=money(cost * vat_rate))]


def zero_vat_explained(
    rules: EAccountingRules,
    source: DocumentTotals,
    target: DocumentTotals,
    already: Iterable[Explained],
    *,
    buyer: Buyer | None,
    exact_vat_code: str | None,
    voucher_vat_codes: Iterable[VatCodeInfo] = (),
    codes: Mapping[str, VatCodeInfo],
) -> list[Explained]:
    """A 0 % VAT rule explains eAccounting's VAT 0 where Exact charged VAT; ``[]`` when none applies."""
    expected_vat = money(source.vat + sum(e.vat for e in already))
    if abs(target.vat) > 0.005 or abs(expected_vat) < 0.005:
        return []
    rule = _zero_vat_rule(rules, buyer, exact_vat_code, list(voucher_vat_codes), codes)
    return [Explained(rule, vat=-expected_vat)] if rule else []


def rate_difference_explained(
    rules: EAccountingRules, source: DocumentTotals, target: DocumentTotals, already: Iterable[Explained]
) -> list[Explained]:
    """With ``vat.accept_rate_differences`` the VAT eAccounting booked at its own rates is the expected VAT."""
    if not rules.vat.accept_rate_differences:
        return []
    difference = money(target.vat - source.vat - sum(e.vat for e in already))
    if abs(difference) < 0.005:
        return []
    return [Explained("vat.accept_rate_differences (VAT at eAccounting's rates)", vat=difference)]


def _zero_vat_rule(
    rules: EAccountingRules,
    buyer: Buyer | None,
    exact_vat_code: str | None,
    voucher_codes: list[VatCodeInfo],
    codes: Mapping[str, VatCodeInfo],
) -> str | None:
    vat = rules.vat
    configured = {code.strip().upper(): setting for setting, code in vat.configured_codes()}
    if voucher_codes:  # a voucher names its VAT code on every revenue row
        if all(c.rate == 0 and c.code.strip().upper() in configured for c in voucher_codes):
            return " and ".join(sorted({configured[c.code.strip().upper()] for c in voucher_codes})) + " (0 % VAT)"
        return None
    if vat.mode is VatMode.BY_CODE:
        mapped = {m.exact_code.strip().upper(): (i, m.eaccounting_code) for i, m in enumerate(vat.code_map)}
        hit = mapped.get((exact_vat_code or "").strip().upper())
        if hit is not None and _rate(codes, hit[1]) == 0:
            return f"vat.code_map[{hit[0]}] (Exact {exact_vat_code} → {hit[1]}, 0 % VAT)"
        return None
    if buyer is None or vat.home_country is None:
        return None
    country = buyer.delivery_country if vat.country_basis is CountryBasis.DELIVERY else None
    scenario = classify_sale(vat.home_country, VatParty(country or buyer.invoice_country, buyer.has_valid_vat_number))
    if scenario not in ZERO_VAT_SCENARIOS:
        return None
    setting, name = ZERO_VAT_SCENARIOS[scenario]
    code = getattr(vat, setting)
    if code and _rate(codes, code) == 0:
        return f"vat.{setting} ({name}, 0 % VAT)"
    return None


def _rate(codes: Mapping[str, VatCodeInfo], code: str) -> float | None:
    for info in codes.values():
        if info.code.strip().upper() == code.strip().upper():
            return info.rate
    return None


def voucher_rate(
    rules: EAccountingRules, source: DocumentTotals, amount_dc: object, company_currency: str
) -> tuple[float, str] | str:
    """The rate from a foreign Exact document to the company currency a voucher is booked in, the way the mapping
    converts it (rules ``currency``: Exact's own ``AmountDC`` when ``exact_currency`` is the company currency, else
    ``rates``), with where it came from; or why there is none (the mapping refuses such a document)."""
    currency_rules = getattr(rules, "currency", None)  # the currency rules section arrives with the mapping fixes
    exact_currency = getattr(currency_rules, "exact_currency", None)
    rates: dict[str, float] = getattr(currency_rules, "rates", None) or {}
    if exact_currency == company_currency and isinstance(amount_dc, int | float) and source.gross:
        return round(float(amount_dc) / source.gross, 6), "Exact's rate (AmountDC)"
    if source.currency in rates:
        return rates[source.currency], f"currency.rates.{source.currency}"
    return (
        f"a voucher is booked in the company currency {company_currency}, the Exact document is in "
        f"{source.currency}, and the rules give no rate (currency.exact_currency = {company_currency} to use "
        f"Exact's AmountDC, or currency.rates.{source.currency})"
    )
