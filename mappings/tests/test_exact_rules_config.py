import json

import pytest
from pydantic import ValidationError

from ledgerbridge_mappings import ExactRules, check_exact_rules, exact_rules_schema

from .exact_builders import exact_lookups


def test_given_the_rule_models_then_the_spec_schema_is_inline_and_every_setting_documented():
    schema = exact_rules_schema()
    text = json.dumps(schema)
    assert "$ref" not in text and "$defs" not in text and "allOf" not in text
    assert set(schema["properties"]) == {"customers", "items", "stock", "shipments", "field_map"}
    calculation = schema["properties"]["stock"]["properties"]["calculation"]
    assert calculation["default"] == "balance_minus_reserved" and "StockBalanceReserved" in calculation["description"]
    assert schema["properties"]["customers"]["properties"]["match_key"]["enum"] == [
        "email",
        "customer_number",
        "vat_number",
    ]


def test_given_an_empty_config_then_the_defaults_follow_the_issue():
    rules = ExactRules.model_validate({})
    assert rules.customers.match_key.value == "email" and rules.customers.update_existing is False
    assert rules.items.update_existing is True and rules.stock.calculation.value == "balance_minus_reserved"
    assert rules.shipments.reference.order_field == "OurReference" and rules.shipments.reference.prefix == "Exact"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param({"customers": {"match_key": "phone"}}, "match_key", id="unknown-match-key"),
        pytest.param({"customers": {"create_only_fields": ["Phone number"]}}, "not Exact field names", id="bad-field"),
        pytest.param({"customers": {"vat": {"export_code": "5"}}}, "home_country is required", id="export-no-home"),
        pytest.param(
            {"customers": {"revenue": {"per_country": [{"country": "XX", "gl_account": "8000"}]}}},
            "ISO 3166",
            id="bad-revenue-country",
        ),
        pytest.param({"items": {"prices": {"currency": "euro"}}}, "currency", id="bad-currency"),
        pytest.param(
            {
                "items": {
                    "unit_map": [
                        {"eaccounting_unit": "st", "exact_unit": "pc"},
                        {"eaccounting_unit": "ST", "exact_unit": "kg"},
                    ]
                }
            },
            "more than once",
            id="duplicate-unit",
        ),
        pytest.param({"stock": {"calculation": "free"}}, "calculation", id="unknown-calculation"),
        pytest.param({"shipments": {"tracking_number_field": "Rows[*].Text"}}, "[*]", id="wildcard-tracking"),
        pytest.param({"shipments": {"reference": {"order_field": "Remarks"}}}, "writable", id="reference-field"),
        pytest.param({"stock": {"enabled": True, "typo": 1}}, "typo", id="unknown-key"),
    ],
)
def test_given_an_invalid_config_when_validated_then_the_error_names_the_setting(config, message):
    with pytest.raises(ValidationError) as raised:
        ExactRules.model_validate(config)
    assert message in str(raised.value)


def test_given_a_config_that_matches_the_administration_then_there_are_no_problems():
    rules = ExactRules.model_validate(
        {
            "customers": {
                "vat": {"home_country": "NL", "per_country": [{"country": "NL", "exact_code": "1"}]},
                "revenue": {"per_country": [{"country": "DE", "gl_account": "8010", "cost_center": "200"}]},
            },
            "items": {
                "sales_vat_code": "1",
                "unit_map": [{"eaccounting_unit": "st", "exact_unit": "pc"}],
                "prices": {"currency": "SEK", "rates": {"SEK": 0.087}},
                "item_groups": {"by_number_prefix": [{"number_prefix": "WEB-", "exact_item_group": "100"}]},
            },
            "shipments": {"shipping_method_map": [{"eaccounting_method": "PN", "exact_method": "PostNL parcel"}]},
        }
    )
    assert check_exact_rules(rules, exact_lookups()) == []


def test_given_settings_naming_things_exact_lacks_then_each_problem_names_its_setting():
    rules = ExactRules.model_validate(
        {
            "customers": {
                "vat": {"default_code": "77"},
                "revenue": {
                    "default_gl_account": "9999",
                    "per_country": [
                        {"country": "DE", "gl_account": "8010", "cost_center": "100"},
                        {"country": "BE", "gl_account": "8000", "cost_unit": "SHOP"},
                    ],
                },
            },
            "items": {
                "vat_by_coding": [{"eaccounting_coding": "x", "exact_code": "88"}],
                "unit_map": [{"eaccounting_unit": "st", "exact_unit": "box"}],
                "default_unit": "crate",
                "prices": {"currency": "EUR"},
                "item_groups": {"by_unit": [{"eaccounting_unit": "kg", "exact_item_group": "KG"}], "default": "999"},
            },
            "stock": {"warehouse": "9"},
            "shipments": {"shipping_method_map": [{"eaccounting_method": "PN", "exact_method": "Pigeon"}]},
        }
    )
    found = {p.setting: p.message for p in check_exact_rules(rules, exact_lookups())}
    assert set(found) == {
        "customers.vat.default_code",
        "customers.revenue.default_gl_account",
        "customers.revenue.per_country[0].cost_center",
        "customers.revenue.per_country[1].cost_unit",
        "items.vat_by_coding[0].exact_code",
        "items.unit_map[0].exact_unit",
        "items.default_unit",
        "items.item_groups.by_unit[0].exact_item_group",
        "items.item_groups.default",
        "stock.warehouse",
        "shipments.shipping_method_map[0].exact_method",
    }
    assert "carries Costcenter '200'" in found["customers.revenue.per_country[0].cost_center"]


def test_given_price_conversion_without_any_vat_code_then_check_names_the_price_basis():
    rules = ExactRules.model_validate({"items": {"prices": {"exact_basis": "incl_vat", "currency": "EUR"}}})
    assert [p.setting for p in check_exact_rules(rules, exact_lookups())] == ["items.prices.exact_basis"]


@pytest.mark.parametrize(
    ("prices", "division_currency", "setting", "message"),
    [
        pytest.param({}, "EUR", "items.prices.currency", "company currency", id="eaccounting-currency-unset"),
        pytest.param(
            {"currency": "SEK"},
            "EUR",
            "items.prices.rates.SEK",
            "prices are in SEK but Exact expects EUR",
            id="no-rate",
        ),
        pytest.param(
            {"currency": "SEK"}, None, "items.prices.exact_currency", "unknown", id="division-currency-unknown"
        ),
    ],
)
def test_given_prices_whose_currency_cannot_be_converted_when_checked_then_the_missing_setting_is_named(
    prices, division_currency, setting, message
):
    rules = ExactRules.model_validate({"items": {"prices": prices}})
    found = {p.setting: p.message for p in check_exact_rules(rules, exact_lookups(division_currency=division_currency))}
    assert list(found) == [setting] and message in found[setting]


@pytest.mark.parametrize(
    "prices",
    [
        pytest.param({"currency": "EUR"}, id="same-currency"),
        pytest.param({"currency": "SEK", "rates": {"SEK": 0.087}}, id="rate-given"),
        pytest.param({"currency": "SEK", "exact_currency": "SEK"}, id="exact-price-list-in-sek"),
        pytest.param({"enabled": False}, id="prices-off"),
    ],
)
def test_given_prices_that_can_be_written_when_checked_then_no_currency_problem(prices):
    rules = ExactRules.model_validate({"items": {"prices": prices}})
    assert check_exact_rules(rules, exact_lookups()) == []


@pytest.mark.parametrize(
    ("rates", "message"),
    [
        pytest.param({"KRONA": 0.087}, "[A-Za-z]{3}", id="not-a-currency-code"),
        pytest.param({"SEK": 0}, "positive", id="zero-rate"),
        pytest.param({"SEK": -1.5}, "positive", id="negative-rate"),
    ],
)
def test_given_an_unusable_rate_when_validated_then_the_error_names_it(rates, message):
    with pytest.raises(ValidationError) as raised:
        ExactRules.model_validate({"items": {"prices": {"currency": "SEK", "rates": rates}}})
    assert "rates" in str(raised.value) and message in str(raised.value)
