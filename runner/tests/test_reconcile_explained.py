"""The differences rules make on purpose (shipping cost rows, 0 % VAT for reverse charge and export) are explained,
and nothing else is: property-based over document totals, rates and shipping costs."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerbridge.reconcile_explained import Buyer, VatCodeInfo, shipping_explained, voucher_rate, zero_vat_explained
from ledgerbridge_mappings import EAccountingRules
from ledgerbridge_mappings.exact_to_eaccounting.reconciliation import DocumentTotals, compare
from ledgerbridge_mappings.shared.amounts import money

RATES = (0.0, 0.06, 0.09, 0.12, 0.21, 0.25)
CODES = {"a": VatCodeInfo("10", 25.0), "b": VatCodeInfo("39", 0.0), "c": VatCodeInfo("36", 0.0)}
RULES = EAccountingRules.model_validate(
    {
        "vat": {
            "mode": "by_country",
            "home_country": "SE",
            "per_country": [{"country": "SE", "eaccounting_code": "10"}],
            "eu_reverse_charge_code": "39",
            "export_code": "36",
        },
        "shipping": {
            "map": [
                {"exact_method": "DHL", "eaccounting_method": "DHL", "shipping_cost": 9.5},
                {"exact_method": "Pick-up at warehouse", "eaccounting_method": "PICKUP"},
            ],
            "shipping_article_number": "FRAKT",
        },
    }
)
nets = st.decimals(min_value="1.00", max_value="50000", places=2).map(float)


def document(net: float, rate: float, currency: str = "EUR") -> DocumentTotals:
    return DocumentTotals(currency, money(net), money(net * rate))


@settings(max_examples=300)
@given(net=nets, rate=st.sampled_from(RATES), keys=st.sampled_from([("guid", "DHL", None), (None, None, "dhl")]))
def test_given_a_mapped_shipping_cost_when_the_row_is_added_then_the_difference_is_explained(
    net: float, rate: float, keys: tuple[str | None, ...]
) -> None:
    source = document(net, rate)
    target = document(net + 9.5, rate)  # the row is taxed like the document's other rows

    explained = shipping_explained(RULES, keys, target)

    assert [e.net for e in explained] == [9.5]
    assert compare(source, target, explained) == []


@settings(max_examples=300)
@given(net=nets, rate=st.sampled_from(RATES), delta=st.decimals("0.02", "1000", places=2).map(float))
def test_given_no_rule_for_the_extra_amount_when_comparing_then_the_net_difference_is_reported_with_both_values(
    net: float, rate: float, delta: float
) -> None:
    source = document(net, rate)
    target = DocumentTotals("EUR", money(net + delta), source.vat)

    explained = shipping_explained(RULES, ("guid", "PICKUP", "Pick-up at warehouse"), target)  # mapped, no cost
    differences = compare(source, target, explained)

    assert explained == []
    assert [(d.field, d.target, d.source) for d in differences] == [("net", money(net + delta), source.net)]


@settings(max_examples=300)
@given(
    net=nets,
    rate=st.sampled_from(RATES[1:]),
    buyer=st.sampled_from(
        [Buyer("DE", "DE", True), Buyer("NL", None, True), Buyer("NO", "NO", False), Buyer("SE", "US", False)]
    ),
)
def test_given_a_reverse_charge_or_export_buyer_when_eaccounting_books_no_vat_then_the_vat_rule_explains_it(
    net: float, rate: float, buyer: Buyer
) -> None:
    source = document(net, rate)
    target = DocumentTotals("EUR", source.net, 0.0)

    explained = zero_vat_explained(RULES, source, target, [], buyer=buyer, exact_vat_code="2", codes=CODES)

    assert len(explained) == 1 and explained[0].rule.startswith(("vat.eu_reverse_charge_code", "vat.export_code"))
    assert compare(source, target, explained) == []


@settings(max_examples=300)
@given(
    net=nets,
    rate=st.sampled_from(RATES[1:]),
    buyer=st.sampled_from([Buyer("SE", None, True), Buyer("DE", "DE", False), Buyer("FR", None, False)]),
)
def test_given_a_domestic_or_eu_consumer_buyer_when_eaccounting_books_no_vat_then_the_vat_difference_is_reported(
    net: float, rate: float, buyer: Buyer
) -> None:
    source = document(net, rate)
    target = DocumentTotals("EUR", source.net, 0.0)

    explained = zero_vat_explained(RULES, source, target, [], buyer=buyer, exact_vat_code="2", codes=CODES)
    differences = compare(source, target, explained)

    assert explained == []
    assert [(d.field, d.target, d.source) for d in differences if d.field == "vat"] == [("vat", 0.0, source.vat)]


@settings(max_examples=200)
@given(net=nets, rate=st.sampled_from(RATES[1:]))
def test_given_a_voucher_booked_on_the_reverse_charge_code_when_it_has_no_vat_then_the_rule_explains_it(
    net: float, rate: float
) -> None:
    source = document(net, rate, "SEK")
    target = DocumentTotals("SEK", source.net, 0.0)

    on_rule = zero_vat_explained(
        RULES, source, target, [], buyer=None, exact_vat_code=None, voucher_vat_codes=[CODES["b"]], codes=CODES
    )
    on_other = zero_vat_explained(
        RULES, source, target, [], buyer=None, exact_vat_code=None, voucher_vat_codes=[VatCodeInfo("00", 0.0)],
        codes=CODES,
    )  # fmt: skip

    assert compare(source, target, on_rule) == []
    assert on_other == [] and compare(source, target, on_other) != []


@settings(max_examples=300)
@given(net=nets, rate=st.sampled_from(RATES), eur_rate=st.decimals("0.5", "20", places=4).map(float))
def test_given_currency_rates_when_a_foreign_document_becomes_a_voucher_then_it_compares_at_that_rate(
    net: float, rate: float, eur_rate: float
) -> None:
    # The rules' currency section (exact_currency, rates) as the mapping reads it; EAccountingRules gains it with
    # the mapping's currency fixes, so a stand-in with the same two fields is used here.
    configured = SimpleNamespace(currency=SimpleNamespace(exact_currency="EUR", rates={"EUR": eur_rate}))
    source = document(net, rate, "EUR")
    booked = source.in_currency("SEK", eur_rate)

    found = voucher_rate(configured, source, source.gross, "SEK")  # type: ignore[arg-type]
    unconfigured = voucher_rate(RULES, source, source.gross, "SEK")

    assert found == (eur_rate, "currency.rates.EUR")
    assert compare(source.in_currency("SEK", found[0]), booked) == []
    assert isinstance(unconfigured, str) and "currency.rates.EUR" in unconfigured


def test_given_exact_in_the_company_currency_when_a_document_becomes_a_voucher_then_amount_dc_gives_the_rate() -> None:
    configured = SimpleNamespace(currency=SimpleNamespace(exact_currency="SEK", rates={}))
    source = document(100.0, 0.25, "EUR")

    assert voucher_rate(configured, source, 1431.25, "SEK") == (11.45, "Exact's rate (AmountDC)")  # type: ignore[arg-type]
