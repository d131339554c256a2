"""Checks a rule config against the company's reference data, so ``check`` fails naming a setting that cannot work."""

from __future__ import annotations

from ledgerbridge_mappings.exact_to_eaccounting.lookups import EAccountingLookups
from ledgerbridge_mappings.exact_to_eaccounting.rules.customers import DefaultDebtorMode
from ledgerbridge_mappings.exact_to_eaccounting.rules.documents import OrderTarget
from ledgerbridge_mappings.exact_to_eaccounting.rules.flow import EAccountingRules
from ledgerbridge_mappings.shared.config_problems import ConfigProblem


def check_eaccounting_rules(rules: EAccountingRules, lookups: EAccountingLookups) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for setting, code in rules.vat.configured_codes():
        if lookups.vat_codes.get(code) is None:
            problems.append(ConfigProblem(setting, f"eAccounting has no VAT code {code!r}"))
    debtor = rules.customers.default_debtor
    if (
        debtor.mode is not DefaultDebtorMode.OFF
        and lookups.customers.find("customer_number", debtor.customer_number) is None
    ):
        problems.append(
            ConfigProblem(
                "customers.default_debtor.customer_number", f"no customer has number {debtor.customer_number!r}"
            )
        )
    terms = rules.payment_terms
    for index, entry in enumerate(terms.map):
        if lookups.terms_of_payment.resolve(entry.eaccounting_terms) is None:
            problems.append(
                ConfigProblem(f"payment_terms.map[{index}].eaccounting_terms", f"no terms {entry.eaccounting_terms!r}")
            )
    if terms.default_terms and lookups.terms_of_payment.resolve(terms.default_terms) is None:
        problems.append(ConfigProblem("payment_terms.default_terms", f"no terms {terms.default_terms!r}"))
    shipping = rules.shipping
    for index, method in enumerate(shipping.map):
        if lookups.delivery_methods.resolve(method.eaccounting_method) is None:
            problems.append(
                ConfigProblem(
                    f"shipping.map[{index}].eaccounting_method", f"no delivery method {method.eaccounting_method!r}"
                )
            )
    if shipping.default_method and lookups.delivery_methods.resolve(shipping.default_method) is None:
        problems.append(ConfigProblem("shipping.default_method", f"no delivery method {shipping.default_method!r}"))
    needs_shipping_article = shipping.shipping_item_codes or any(e.shipping_cost for e in shipping.map)
    if needs_shipping_article and lookups.articles.get(shipping.shipping_article_number) is None:
        problems.append(
            ConfigProblem(
                "shipping.shipping_article_number",
                f"shipping costs need an article; {shipping.shipping_article_number!r} is none",
            )
        )
    discount_article = rules.discounts.discount_article_number
    if discount_article and lookups.articles.get(discount_article) is None:
        problems.append(ConfigProblem("discounts.discount_article_number", f"no article {discount_article!r}"))
    if rules.documents.target is OrderTarget.VOUCHER:
        if rules.ledger.receivable_account is None:
            problems.append(ConfigProblem("ledger.receivable_account", "required when orders are sent as vouchers"))
        if rules.ledger.default_revenue_account is None and not rules.ledger.revenue_per_country:
            problems.append(
                ConfigProblem("ledger.default_revenue_account", "required when orders are sent as vouchers")
            )
    for setting, dimension in (
        ("cost_centres.cost_center_dimension", rules.cost_centres.cost_center_dimension),
        ("cost_centres.cost_unit_dimension", rules.cost_centres.cost_unit_dimension),
    ):
        if dimension is not None and dimension not in lookups.cost_center_items.by_dimension:
            problems.append(ConfigProblem(setting, f"eAccounting has no cost centre number {dimension}"))
    return problems
