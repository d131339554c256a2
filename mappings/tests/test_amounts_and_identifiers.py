import pytest

from ledgerbridge_mappings.plan import RecordRejected
from ledgerbridge_mappings.shared.amounts import fraction, money, round_half_up, to_number
from ledgerbridge_mappings.shared.countries import is_eu, normalise_country
from ledgerbridge_mappings.shared.vat_numbers import parse_vat_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(2.675, 2.68, id="half-up-where-binary-float-is-below-half"),
        pytest.param(-2.675, -2.68, id="negative-rounds-away-from-zero"),
        pytest.param(1.005, 1.01, id="one-cent-half"),
        pytest.param(0.1 + 0.2, 0.3, id="float-noise-vanishes"),
        pytest.param(-0.004, 0.0, id="negative-zero-becomes-zero"),
        pytest.param(1_000_000_000.005, 1_000_000_000.01, id="large-amount"),
    ],
)
def test_given_an_amount_when_rounded_to_cents_then_half_rounds_away_from_zero(value, expected):
    assert money(value) == expected


def test_given_a_discount_when_stored_as_fraction_then_four_decimals_are_kept():
    assert fraction(0.123456) == 0.1235
    assert round_half_up(12.34567, 3) == 12.346


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(3, 3.0, id="int"),
        pytest.param(" 4.5 ", 4.5, id="numeric-string"),
        pytest.param(-1.25, -1.25, id="negative"),
    ],
)
def test_given_a_typed_or_numeric_string_value_when_read_as_number_then_float(value, expected):
    assert to_number(value, "Quantity") == expected


@pytest.mark.parametrize("value", [None, "abc", True, float("nan"), float("inf"), [1]], ids=repr)
def test_given_a_non_number_when_read_then_the_field_is_named(value):
    with pytest.raises(RecordRejected) as raised:
        to_number(value, "SalesOrderLines[0].Quantity")
    assert raised.value.field == "SalesOrderLines[0].Quantity"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("nl", "NL", id="lower-case"),
        pytest.param(" SE ", "SE", id="padded"),
        pytest.param("NOR", "NO", id="alpha-3"),
        pytest.param("Germany", "DE", id="english-name"),
        pytest.param("XX", None, id="not-a-country"),
        pytest.param("", None, id="empty"),
    ],
)
def test_given_a_country_as_typed_in_exact_when_normalised_then_iso_alpha_2(raw, expected):
    assert normalise_country(raw) == expected


def test_given_norway_and_belgium_then_only_belgium_is_in_the_eu():
    assert is_eu("BE") and not is_eu("NO") and not is_eu("CH")


@pytest.mark.parametrize(
    ("raw", "hint", "compact", "country", "valid"),
    [
        pytest.param("NL 0044.95.445.B01", None, "NL004495445B01", "NL", True, id="nl-with-dots"),
        pytest.param("0403.170.701", "BE", "BE0403170701", "BE", True, id="be-without-prefix-gets-country"),
        pytest.param("DE136695976", None, "DE136695976", "DE", True, id="de"),
        pytest.param("SE556036079301", None, "SE556036079301", "SE", True, id="se"),
        pytest.param("NO 974 760 673 MVA", None, "NO974760673MVA", "NO", True, id="norway-outside-eu"),
        pytest.param("DE123", None, "DE123", "DE", False, id="too-short-is-invalid"),
    ],
)
def test_given_a_vat_number_when_parsed_then_compact_country_and_validity(raw, hint, compact, country, valid):
    parsed = parse_vat_number(raw, hint)
    assert (parsed.compact, parsed.country, parsed.valid) == (compact, country, valid)


def test_given_codings_with_fraction_or_percent_rates_when_indexed_then_articles_carry_percent():
    from ledgerbridge_mappings import ArticleIndex

    articles = [{"Id": "a", "Number": "1", "CodingId": "f"}, {"Id": "b", "Number": "2", "CodingId": "p"}]
    codings = [{"Id": "f", "VatRatePercent": 0.25}, {"Id": "p", "VatRatePercent": 12.0}]

    index = ArticleIndex.from_records(articles, codings)

    assert index.get("1").vat_rate_percent == 25.0
    assert index.get("2").vat_rate_percent == 12.0
