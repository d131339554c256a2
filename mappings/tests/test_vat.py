import pytest

from ledgerbridge_mappings.exact_to_eaccounting.lookups import VatCodeIndex
from ledgerbridge_mappings.exact_to_eaccounting.rules.vat import VatRules
from ledgerbridge_mappings.exact_to_eaccounting.vat import VatResolver
from ledgerbridge_mappings.plan import RecordRejected
from ledgerbridge_mappings.shared.vat_scenarios import VatParty, VatScenario

from .builders import ea_vat_codes

CODES = VatCodeIndex.from_records(ea_vat_codes())

BY_CODE = {
    "mode": "by_code",
    "home_country": "SE",
    "code_map": [{"exact_code": "2", "eaccounting_code": "MP1"}, {"exact_code": "1", "eaccounting_code": "MP2"}],
    "per_country": [{"country": "DE", "eaccounting_code": "DE19"}],
}
BY_COUNTRY = {
    "mode": "by_country",
    "home_country": "SE",
    "per_country": [{"country": "SE", "eaccounting_code": "MP1"}, {"country": "DE", "eaccounting_code": "DE19"}],
    "eu_reverse_charge_code": "MP0EU",
    "export_code": "MP0EX",
}


def resolve(config, exact_code, country, valid_vat=False):
    return VatResolver(VatRules.model_validate(config), CODES).resolve(
        exact_code, VatParty(country, valid_vat), "L.VATCode"
    )


@pytest.mark.parametrize(
    ("config", "exact_code", "country", "valid_vat", "code", "scenario"),
    [
        pytest.param(BY_CODE, "2", "SE", False, "MP1", VatScenario.MAPPED_CODE, id="code-mapped"),
        pytest.param(BY_CODE, " 1 ", "SE", False, "MP2", VatScenario.MAPPED_CODE, id="code-mapped-trimmed"),
        pytest.param(BY_CODE, "7", "DE", False, "DE19", VatScenario.COUNTRY_DEFAULT, id="unknown-code-country-default"),
        pytest.param(
            {**BY_CODE, "fallback_code": "MP1"},
            "7",
            "NL",
            False,
            "MP1",
            VatScenario.FALLBACK,
            id="unknown-code-fallback",
        ),
        pytest.param(BY_COUNTRY, None, "SE", False, "MP1", VatScenario.DOMESTIC, id="domestic"),
        pytest.param(
            BY_COUNTRY,
            None,
            "BE",
            True,
            "MP0EU",
            VatScenario.EU_REVERSE_CHARGE,
            id="eu-b2b-with-vat-number-reverse-charge",
        ),
        pytest.param(BY_COUNTRY, None, "DE", False, "DE19", VatScenario.EU_CONSUMER, id="eu-consumer-oss-rate"),
        pytest.param(BY_COUNTRY, None, "NO", True, "MP0EX", VatScenario.EXPORT, id="export-outside-eu"),
        pytest.param(
            {**BY_COUNTRY, "home_country": "NO", "per_country": [{"country": "NO", "eaccounting_code": "MP1"}]},
            None,
            "SE",
            True,
            "MP0EX",
            VatScenario.EXPORT,
            id="norwegian-company-every-foreign-sale-is-export",
        ),
        pytest.param(
            {**BY_COUNTRY, "fallback_code": "MP1"},
            None,
            "NL",
            False,
            "MP1",
            VatScenario.FALLBACK,
            id="eu-consumer-without-country-code-falls-back",
        ),
    ],
)
def test_given_a_sale_when_vat_is_resolved_then_the_expected_eaccounting_code(
    config, exact_code, country, valid_vat, code, scenario
):
    decision = resolve(config, exact_code, country, valid_vat)
    assert (decision.code.code, decision.scenario) == (code, scenario)


@pytest.mark.parametrize(
    ("config", "exact_code", "country", "message"),
    [
        pytest.param(
            BY_CODE,
            "7",
            "NL",
            "'7' is not in vat.code_map and there is no default for country 'NL'",
            id="unknown-code-without-default",
        ),
        pytest.param(BY_CODE, None, "NL", "no VAT code is not in vat.code_map", id="missing-code-without-default"),
        pytest.param(
            {**BY_CODE, "code_map": [{"exact_code": "2", "eaccounting_code": "GONE"}]},
            "2",
            "SE",
            "'GONE' from vat.code_map does not exist",
            id="mapped-to-unknown-eaccounting-code",
        ),
        pytest.param(
            {**BY_COUNTRY, "eu_reverse_charge_code": None},
            None,
            "BE",
            "eu reverse charge sale but vat.eu_reverse_charge_code is not set",
            id="reverse-charge-not-configured",
        ),
        pytest.param(BY_COUNTRY, None, None, "no country to decide VAT on", id="no-country"),
        pytest.param({**BY_COUNTRY, "per_country": []}, None, "SE", "vat.per_country[SE]", id="domestic-without-code"),
    ],
)
def test_given_a_sale_the_rules_cannot_decide_when_resolved_then_the_line_field_is_named(
    config, exact_code, country, message
):
    with pytest.raises(RecordRejected) as raised:
        resolve(config, exact_code, country, valid_vat=True)
    assert raised.value.field == "L.VATCode"
    assert message in raised.value.message
