"""``check``: the credentials work and the rules fit this company, or a message naming the setting that does not.

Reads only what the configured rules name (a filtered customer list for the default debtor, filtered articles for
the shipping and discount articles) so ``check`` stays a few calls even for a large company.
"""

from __future__ import annotations

from eaccounting_client import EAccountingClient, odata_string
from ledgerbridge_mappings import (
    ArticleIndex,
    ConfigProblem,
    CostCenterItemIndex,
    CustomerIndex,
    DeliveryMethodIndex,
    EAccountingLookups,
    EAccountingRules,
    TermsOfPaymentIndex,
    VatCodeIndex,
    check_eaccounting_rules,
)
from ledgerbridge_mappings.exact_to_eaccounting.rules.customers import DefaultDebtorMode

from .lookups import ARTICLE_FIELDS, CUSTOMER_FIELDS
from .spec import MAPPING_PROPERTY


def _any_of(field: str, values: list[str]) -> dict[str, str]:
    return {"$filter": " or ".join(f"{field} eq {odata_string(v)}" for v in values)}


def rule_lookups(client: EAccountingClient, rules: EAccountingRules) -> EAccountingLookups:
    lookups = EAccountingLookups(
        vat_codes=VatCodeIndex.from_records(client.list("vatcodes")),
        terms_of_payment=TermsOfPaymentIndex.from_records(client.list("termsofpayments")),
        delivery_methods=DeliveryMethodIndex.from_records(client.list("deliverymethods")),
        cost_center_items=CostCenterItemIndex.from_records(client.list("costcenters")),
    )
    debtor = rules.customers.default_debtor
    if debtor.mode is not DefaultDebtorMode.OFF and debtor.customer_number:
        query = {**_any_of("CustomerNumber", [debtor.customer_number.strip()]), "$select": CUSTOMER_FIELDS}
        lookups.customers = CustomerIndex.from_records(client.list("customers", query))
    numbers = [
        n.strip() for n in (rules.shipping.shipping_article_number, rules.discounts.discount_article_number) if n
    ]
    if numbers:
        query = {**_any_of("Number", numbers), "$select": ARTICLE_FIELDS}
        lookups.articles = ArticleIndex.from_records(client.list("articles", query))
    return lookups


def creation_problems(client: EAccountingClient, rules: EAccountingRules) -> list[ConfigProblem]:
    """Settings used to create articles must name an existing account coding and unit."""
    articles = rules.articles
    if not articles.create_missing:
        return []
    problems = []
    codings = {str(c.get("Id")).lower() for c in client.list("articleaccountcodings")}
    if (articles.new_article_coding_id or "").lower() not in codings:
        problems.append(ConfigProblem("articles.new_article_coding_id", "no article account coding has this id"))
    units = {str(u.get("Id")).lower() for u in client.list("units")}
    if (articles.new_article_unit_id or "").lower() not in units:
        problems.append(ConfigProblem("articles.new_article_unit_id", "no unit has this id"))
    return problems


def ledger_problems(client: EAccountingClient, rules: EAccountingRules) -> list[ConfigProblem]:
    """Accounts named by the voucher rules must exist in the current fiscal year's chart of accounts."""
    named: list[tuple[str, int]] = []
    ledger = rules.ledger
    if ledger.receivable_account is not None:
        named.append(("ledger.receivable_account", ledger.receivable_account))
    if ledger.default_revenue_account is not None:
        named.append(("ledger.default_revenue_account", ledger.default_revenue_account))
    named += [
        (f"ledger.revenue_per_country[{i}].account_number", e.account_number)
        for i, e in enumerate(ledger.revenue_per_country)
    ]
    mutations = rules.financial_mutations
    named += [
        (f"financial_mutations.gl_account_map[{i}].eaccounting_account", m.eaccounting_account)
        for i, m in enumerate(mutations.gl_account_map)
    ]
    if mutations.rounding_account is not None:
        named.append(("financial_mutations.rounding_account", mutations.rounding_account))
    if not named:
        return []
    known = {int(a["Number"]) for a in client.list("accounts", {"$select": "Number"}) if a.get("Number")}
    return [
        ConfigProblem(setting, f"account {number} is not in the chart of accounts")
        for setting, number in named
        if number not in known
    ]


def config_problems(client: EAccountingClient, rules: EAccountingRules) -> list[str]:
    problems = check_eaccounting_rules(rules, rule_lookups(client, rules))
    problems += creation_problems(client, rules)
    problems += ledger_problems(client, rules)
    return [f"{MAPPING_PROPERTY}.{problem.setting}: {problem.message}" for problem in problems]
