"""Checks the eAccounting → Exact rules against the Exact administration, so ``check`` names a setting that cannot
work before any record is mapped."""

from __future__ import annotations

from ledgerbridge_mappings.eaccounting_to_exact.lookups import CodeIndex, ExactLookups
from ledgerbridge_mappings.eaccounting_to_exact.prices import missing_currency
from ledgerbridge_mappings.eaccounting_to_exact.rules.flow import ExactRules
from ledgerbridge_mappings.eaccounting_to_exact.rules.items import PriceBasis, SourcePrice
from ledgerbridge_mappings.shared.config_problems import ConfigProblem
from ledgerbridge_mappings.shared.match_keys import code_key


def _missing(index: CodeIndex, code: str | None) -> bool:
    return code is not None and code not in index


def check_exact_rules(rules: ExactRules, lookups: ExactLookups) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    customers = rules.customers
    for setting, code in customers.vat.configured_codes():
        if _missing(lookups.vat_codes, code):
            problems.append(ConfigProblem(setting, f"Exact has no VAT code {code!r}"))
    revenue = customers.revenue
    if _missing(lookups.gl_accounts, revenue.default_gl_account):
        problems.append(
            ConfigProblem("customers.revenue.default_gl_account", f"no G/L account {revenue.default_gl_account!r}")
        )
    for index, entry in enumerate(revenue.per_country):
        setting = f"customers.revenue.per_country[{index}]"
        gl_account = lookups.gl_accounts.get(entry.gl_account)
        if gl_account is None:
            problems.append(ConfigProblem(f"{setting}.gl_account", f"no G/L account {entry.gl_account!r}"))
        for name, wanted, index_of, linked in (
            ("cost_center", entry.cost_center, lookups.cost_centers, "Costcenter"),
            ("cost_unit", entry.cost_unit, lookups.cost_units, "Costunit"),
        ):
            if wanted is None:
                continue
            if _missing(index_of, wanted):
                problems.append(ConfigProblem(f"{setting}.{name}", f"Exact has no {name.replace('_', ' ')} {wanted!r}"))
            elif gl_account is not None and code_key(gl_account.get(linked)) != code_key(wanted):
                # Accounts cannot carry a cost centre; Exact books revenue with the one linked to the G/L account.
                problems.append(
                    ConfigProblem(
                        f"{setting}.{name}",
                        f"G/L account {entry.gl_account!r} carries {linked} {code_key(gl_account.get(linked))!r} in "
                        f"Exact, so revenue would not land on {wanted!r}",
                    )
                )
    items = rules.items
    if _missing(lookups.vat_codes, items.sales_vat_code):
        problems.append(ConfigProblem("items.sales_vat_code", f"Exact has no VAT code {items.sales_vat_code!r}"))
    for index, coding in enumerate(items.vat_by_coding):
        if _missing(lookups.vat_codes, coding.exact_code):
            problems.append(
                ConfigProblem(
                    f"items.vat_by_coding[{index}].exact_code", f"Exact has no VAT code {coding.exact_code!r}"
                )
            )
    for index, unit in enumerate(items.unit_map):
        if _missing(lookups.units, unit.exact_unit):
            problems.append(ConfigProblem(f"items.unit_map[{index}].exact_unit", f"no Exact unit {unit.exact_unit!r}"))
    if _missing(lookups.units, items.default_unit):
        problems.append(ConfigProblem("items.default_unit", f"no Exact unit {items.default_unit!r}"))
    prices = items.prices
    converts = (prices.source_price is SourcePrice.GROSS_PRICE) != (prices.exact_basis is PriceBasis.INCL_VAT)
    if prices.enabled and converts and not (items.sales_vat_code or items.vat_by_coding):
        problems.append(
            ConfigProblem(
                "items.prices.exact_basis",
                "converting prices between excl. and incl. VAT needs items.sales_vat_code or items.vat_by_coding",
            )
        )
    if prices.enabled and (items.create_missing or items.update_existing):
        problem = missing_currency(prices, lookups)
        if problem is not None:
            problems.append(ConfigProblem(*problem))
    for setting, code in items.item_groups.configured_codes():
        if _missing(lookups.item_groups, code):
            problems.append(ConfigProblem(setting, f"Exact has no item group {code!r}"))
    stock = rules.stock
    if stock.enabled and lookups.warehouses.resolve(stock.warehouse) is None:
        shown = f"warehouse {stock.warehouse!r}" if stock.warehouse else "main warehouse"
        problems.append(ConfigProblem("stock.warehouse", f"Exact has no {shown}"))
    shipments = rules.shipments
    for index, method in enumerate(shipments.shipping_method_map):
        if lookups.shipping_methods.resolve(method.exact_method) is None:
            problems.append(
                ConfigProblem(
                    f"shipments.shipping_method_map[{index}].exact_method",
                    f"no Exact shipping method {method.exact_method!r}",
                )
            )
    default = shipments.default_shipping_method
    if default and lookups.shipping_methods.resolve(default) is None:
        problems.append(ConfigProblem("shipments.default_shipping_method", f"no Exact shipping method {default!r}"))
    return problems
