import json

import pytest
from pydantic import ValidationError

from ledgerbridge_mappings import EAccountingRules, eaccounting_rules_schema

from .builders import rules_dict


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param(
            {"customers": {"default_debtor": {"mode": "force"}}},
            "customer_number is required",
            id="debtor-without-number",
        ),
        pytest.param({"customers": {"match_key": "phone"}}, "match_key", id="unknown-match-key"),
        pytest.param({"documents": {"target": "quote"}}, "target", id="unknown-target"),
        pytest.param(
            {"documents": {"status_filter": {"order_statuses": [99]}}}, "order_statuses", id="unknown-exact-status"
        ),
        pytest.param(
            {"documents": {"reference": {"order_field": "Remarks"}}},
            "writable text fields",
            id="reference-field-not-writable",
        ),
        pytest.param({"vat": {"mode": "by_country"}}, "home_country is required", id="by-country-without-home"),
        pytest.param({"vat": {"home_country": "Atlantis"}}, "not an ISO 3166", id="bad-home-country"),
        pytest.param(
            {
                "vat": {
                    "code_map": [
                        {"exact_code": "2", "eaccounting_code": "A"},
                        {"exact_code": "2 ", "eaccounting_code": "B"},
                    ]
                }
            },
            "more than once",
            id="duplicate-vat-code",
        ),
        pytest.param(
            {"vat": {"per_country": [{"country": "ZZ", "eaccounting_code": "A"}]}},
            "not an ISO 3166",
            id="bad-vat-country",
        ),
        pytest.param(
            {"payment_terms": {"force_default": True}}, "default_terms is required", id="force-without-default"
        ),
        pytest.param(
            {"discounts": {"order_discount": "row"}},
            "discount_article_number is required",
            id="row-discount-without-article",
        ),
        pytest.param({"discounts": {"exact_unit": "permille"}}, "exact_unit", id="bad-discount-unit"),
        pytest.param(
            {"articles": {"create_missing": True}}, "new_article_coding_id", id="create-articles-without-coding"
        ),
        pytest.param(
            {"cost_centres": {"cost_center_dimension": 2, "cost_unit_dimension": 2}}, "share one", id="same-dimension"
        ),
        pytest.param(
            {"cost_centres": {"cost_center_dimension": 4}}, "less than or equal to 3", id="dimension-out-of-range"
        ),
        pytest.param({"ledger": {"receivable_account": 0}}, "greater than or equal to 1", id="account-zero"),
        pytest.param(
            {"financial_mutations": {"rounding_tolerance": 5}}, "less than or equal to 1", id="tolerance-too-big"
        ),
        pytest.param(
            {"shipping": {"map": [{"exact_method": "X", "eaccounting_method": "Y", "shipping_cost": -1}]}},
            "greater than or equal to 0",
            id="negative-shipping-cost",
        ),
        pytest.param({"unknown_section": {}}, "Extra inputs are not permitted", id="typo-in-section-name"),
    ],
)
def test_given_a_config_that_cannot_work_when_validated_then_the_error_names_the_setting(config, message):
    with pytest.raises(ValidationError) as raised:
        EAccountingRules.model_validate(config)
    assert message in str(raised.value)


def test_given_an_empty_config_then_defaults_send_open_orders_as_orders_matched_on_email():
    rules = EAccountingRules.model_validate({})
    assert rules.documents.target == "order"
    assert rules.customers.match_key == "email"
    assert [int(s) for s in rules.documents.status_filter.order_statuses] == [12, 20, 21]


def test_given_a_valid_config_when_round_tripped_through_json_then_it_is_unchanged():
    rules = EAccountingRules.model_validate(rules_dict())
    assert EAccountingRules.model_validate_json(rules.model_dump_json()) == rules


def _walk(node, path="$"):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")


def test_given_the_rule_models_when_the_spec_schema_is_generated_then_it_is_self_contained_for_airbyte():
    schema = eaccounting_rules_schema()
    text = json.dumps(schema)
    for forbidden in ("$ref", "$defs", "allOf", "anyOf", "discriminator"):
        assert forbidden not in text, forbidden
    for path, node in _walk(schema):
        if "properties" in node:
            for name, prop in node["properties"].items():
                assert "title" in prop, f"{path}.{name} has no title"
                assert "type" in prop or "oneOf" in prop or "const" in prop, f"{path}.{name} has no type"


def test_given_the_generated_schema_then_settings_carry_descriptions_defaults_and_examples():
    schema = eaccounting_rules_schema()
    target = schema["properties"]["documents"]["properties"]["target"]
    assert target["enum"] == ["order", "invoice_draft", "invoice", "voucher"]
    assert target["default"] == "order" and target["examples"] and target["description"]
    transforms = schema["properties"]["field_map"]["properties"]["entries"]["items"]["properties"]["transforms"][
        "items"
    ]
    names = [branch["properties"]["name"]["const"] for branch in transforms["oneOf"]]
    assert names == ["trim", "upper", "lower", "truncate", "default", "map", "concat", "date_format", "number_format"]
    assert all(branch["required"][0] == "name" for branch in transforms["oneOf"])


def test_given_the_generated_schema_when_validating_a_config_with_jsonschema_then_good_passes_and_bad_fails():
    jsonschema = pytest.importorskip("jsonschema")
    schema = eaccounting_rules_schema()
    jsonschema.validate(rules_dict(), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"documents": {"target": "quote"}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"field_map": {"entries": [{"source": "A", "target": "B", "transforms": [{"name": "exec"}]}]}}, schema
        )
