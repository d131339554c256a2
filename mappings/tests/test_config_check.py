from ledgerbridge_mappings import EAccountingRules, check_eaccounting_rules

from .builders import ea_customers, lookups, rules_dict


def problems(**sections):
    rules = EAccountingRules.model_validate(rules_dict(**sections))
    return {
        p.setting: p.message
        for p in check_eaccounting_rules(rules, lookups(customers=ea_customers(("d", "9999", None, None))))
    }


def test_given_a_config_that_matches_the_company_then_there_are_no_problems():
    assert problems() == {}


def test_given_settings_naming_things_the_company_lacks_then_each_problem_names_its_setting():
    found = problems(
        vat={"home_country": "SE", "code_map": [{"exact_code": "2", "eaccounting_code": "XX"}], "fallback_code": "YY"},
        customers={"default_debtor": {"mode": "fallback", "customer_number": "1234"}},
        payment_terms={"map": [{"exact_code": "30", "eaccounting_terms": "90 days"}], "default_terms": "Never"},
        shipping={
            "map": [{"exact_method": "X", "eaccounting_method": "Pigeon", "shipping_cost": 5}],
            "shipping_article_number": "SHIP",
        },
        discounts={"order_discount": "row", "discount_article_number": "NONE"},
        documents={"target": "voucher"},
        cost_centres={"cost_center_dimension": 3},
    )
    assert set(found) == {
        "vat.code_map[0].eaccounting_code",
        "vat.fallback_code",
        "customers.default_debtor.customer_number",
        "payment_terms.map[0].eaccounting_terms",
        "payment_terms.default_terms",
        "shipping.map[0].eaccounting_method",
        "shipping.shipping_article_number",
        "discounts.discount_article_number",
        "ledger.receivable_account",
        "ledger.default_revenue_account",
        "cost_centres.cost_center_dimension",
    }
    assert "'XX'" in found["vat.code_map[0].eaccounting_code"]
