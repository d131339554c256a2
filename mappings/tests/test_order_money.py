"""Currencies, shipping methods by code and the totals guard on Exact orders and invoices."""

from __future__ import annotations

from typing import Any

import pytest

from ledgerbridge_mappings import EAccountingRules, SalesDocumentPlanner

from .builders import ea_customers, exact_account, guid, lookups, order_line, rules_dict, sales_invoice, sales_order

ACME = exact_account("acme", "SE")
LEDGER = {"receivable_account": 1510, "default_revenue_account": 3001}
EXACT_METHODS = [
    {"ID": guid("exact-sm/dhl"), "Code": "DHL", "Description": "DHL Parcel"},
    {"ID": guid("exact-sm/postnl"), "Code": "POSTNL", "Description": "PostNL parcel"},
]


def planner(
    *, company_currency: str = "SEK", customers: list[dict[str, Any]] = (), shipping_methods=(), **sections: Any
) -> SalesDocumentPlanner:
    found = lookups(accounts=[ACME], customers=list(customers), company_currency=company_currency)
    for method in shipping_methods:
        found.shipping_methods.add(method)
    return SalesDocumentPlanner(EAccountingRules.model_validate(rules_dict(**sections)), found)


def document_write(plan):
    assert plan.ok, plan.errors
    [write] = [w for w in plan.writes if w.target_collection not in ("customers", "articles")]
    return write


def only_error(plan):
    [error] = plan.errors
    assert [w for w in plan.writes if w.target_collection != "customers" or w.action.value != "create"] == []
    return error


# ------------------------------------------------------------------------------------------------ currencies


def test_given_a_eur_order_in_a_sek_company_when_sent_as_order_then_it_keeps_eur_and_four_decimal_prices():
    order = sales_order(account=ACME, Currency="EUR", lines=[order_line(unit_price=12.3456, quantity=1)])
    write = document_write(planner().plan_sales_order(order))
    assert write.body["CurrencyCode"] == "EUR"
    assert write.body["Rows"][0]["UnitPrice"] == 12.3456  # a foreign currency allows 4 decimals


def test_given_a_eur_invoice_for_a_customer_who_invoices_in_sek_then_it_is_refused_naming_the_currency():
    known = ea_customers(("acme", "100", "billing@acme.example", None))  # no CurrencyCode: the company's SEK
    invoice = sales_invoice(account=ACME, Currency="EUR")
    plan = planner(customers=known, documents={"target": "invoice"}).plan_sales_invoice(invoice)
    error = only_error(plan)
    assert error.field == "Currency"
    assert "EUR document, but the eAccounting customer invoices in SEK" in error.message


def test_given_a_eur_invoice_for_a_eur_customer_when_a_rate_is_configured_then_it_carries_that_currency_rate():
    known = ea_customers(("acme", "100", "billing@acme.example", None))
    known[0]["CurrencyCode"] = "EUR"
    invoice = sales_invoice(account=ACME, Currency="EUR")
    plan = planner(
        customers=known, documents={"target": "invoice"}, currency={"rates": {"EUR": 11.45}}
    ).plan_sales_invoice(invoice)
    write = document_write(plan)
    assert write.body["CurrencyRate"] == 11.45
    assert "rate 11.45 (currency.rates.EUR)" in write.reason


def test_given_exact_books_in_the_company_currency_then_the_invoice_rate_is_exacts_own():
    known = ea_customers(("acme", "100", "billing@acme.example", None))
    known[0]["CurrencyCode"] = "EUR"
    invoice = sales_invoice(account=ACME, Currency="EUR", AmountDC=1431.25)  # AmountFC 125.00 at 11.45
    plan = planner(
        customers=known, documents={"target": "invoice"}, currency={"exact_currency": "SEK"}
    ).plan_sales_invoice(invoice)
    assert document_write(plan).body["CurrencyRate"] == 11.45


def test_given_a_eur_order_as_voucher_in_a_sek_company_without_a_rate_then_it_is_refused_not_relabelled():
    plan = planner(documents={"target": "voucher"}, ledger=LEDGER).plan_sales_order(sales_order(account=ACME))
    error = only_error(plan)
    assert error.field == "Currency"
    assert "amounts must be booked in SEK" in error.message


def test_given_a_eur_order_as_voucher_with_a_rate_then_every_amount_is_in_sek():
    order = sales_order(account=ACME, lines=[order_line(unit_price=100.0, quantity=3, VATPercentage=0.25)])
    plan = planner(documents={"target": "voucher"}, ledger=LEDGER, currency={"rates": {"EUR": 11.45}}).plan_sales_order(
        order
    )
    rows = document_write(plan).body["Rows"]
    receivable, revenue, vat = rows
    assert revenue["CreditAmount"] == 3435.0  # 300.00 EUR x 11.45
    assert vat["CreditAmount"] == 858.75  # 25 % of it
    assert receivable["DebitAmount"] == 4293.75


# ------------------------------------------------------------------------------------------------ shipping


@pytest.mark.parametrize(
    ("exact_method", "id_on_order", "description_on_order"),
    [
        pytest.param("DHL", guid("exact-sm/dhl"), "DHL Parcel", id="by-code-through-exact-shipping-methods"),
        pytest.param("DHL Parcel", guid("exact-sm/dhl"), "DHL Parcel", id="by-description-on-the-order"),
        pytest.param(guid("exact-sm/dhl"), guid("exact-sm/dhl"), None, id="by-id"),
    ],
)
def test_given_a_shipping_map_entry_when_the_order_names_that_method_then_the_cost_row_is_added_and_explained(
    exact_method, id_on_order, description_on_order
):
    order = sales_order(account=ACME, ShippingMethod=id_on_order, ShippingMethodDescription=description_on_order)
    shipping = {
        "map": [{"exact_method": exact_method, "eaccounting_method": "DHL", "shipping_cost": 7.5}],
        "shipping_article_number": "FRAKT",
    }
    write = document_write(planner(shipping=shipping, shipping_methods=EXACT_METHODS).plan_sales_order(order))
    assert write.body["Rows"][-1]["UnitPrice"] == 7.5
    assert "(shipping.map) (net +7.50" in write.reason


def test_given_a_map_by_code_but_no_exact_shipping_methods_read_then_the_log_says_why_it_cannot_match():
    order = sales_order(account=ACME, ShippingMethod=guid("exact-sm/dhl"), ShippingMethodDescription="DHL Parcel")
    shipping = {"map": [{"exact_method": "DHL", "eaccounting_method": "DHL"}]}
    plan = planner(shipping=shipping).plan_sales_order(order)
    assert "DeliveryMethodName" not in document_write(plan).body
    assert any("not in shipping.map" in w and "shipping_methods stream" in w for w in plan.warnings)


# ------------------------------------------------------------------------------------------------ the guard


@pytest.mark.parametrize("missing", ["AmountFCExclVat", "AmountFC", "Currency"])
def test_given_a_document_without_the_totals_the_guard_needs_then_it_is_refused_naming_the_field(missing):
    order = sales_order(account=ACME)
    order[missing] = None
    error = only_error(planner(company_currency="EUR").plan_sales_order(order))
    assert error.field == missing


def test_given_lines_that_do_not_add_up_to_the_header_and_no_remainder_rule_then_nothing_is_written():
    order = sales_order(account=ACME, AmountFCExclVat=90.0, AmountFC=112.5)  # the line says 100.00
    plan = planner(company_currency="EUR", discounts={"order_discount": "ignore"}).plan_sales_order(order)
    error = only_error(plan)
    assert error.message.startswith("net 100.00 ≠ Exact 90.00 (+10.00)")


def test_given_eaccounting_would_book_another_vat_rate_than_exact_then_it_is_refused_unless_accepted():
    order = sales_order(account=ACME, lines=[order_line(VATPercentage=0.21)])  # Exact charged 21 %, MP1 is 25 %
    error = only_error(planner(company_currency="EUR").plan_sales_order(order))
    assert (error.field, error.message) == ("AmountFC", "vat 25.00 ≠ Exact 21.00 (+4.00): VAT rate or VAT rule")
    accepted = planner(company_currency="EUR", vat={**rules_dict()["vat"], "accept_rate_differences": True})
    write = document_write(accepted.plan_sales_order(order))
    assert "vat.accept_rate_differences: eAccounting books 25 % where Exact charged 21 % (VAT +4.00)" in write.reason


def test_given_a_reverse_charge_sale_then_the_zero_rate_rule_explains_the_vat_exact_charged():
    german = exact_account("berlin", "DE")
    order = sales_order(account=german, lines=[order_line(VATPercentage=0.19)])
    vat = {"mode": "by_country", "home_country": "SE", "eu_reverse_charge_code": "MP0EU"}
    found = lookups(accounts=[german], customers=[], company_currency="EUR")
    plan = SalesDocumentPlanner(EAccountingRules.model_validate(rules_dict(vat=vat)), found).plan_sales_order(order)
    write = document_write(plan)
    assert "0 % VAT rule eu_reverse_charge (vat.eu_reverse_charge_code MP0EU) (VAT -19.00)" in write.reason
