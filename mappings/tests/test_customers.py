import pytest

from ledgerbridge_mappings import EAccountingRules, SalesDocumentPlanner
from ledgerbridge_mappings.plan import Action

from .builders import (
    ea_customers,
    exact_account,
    exact_contact,
    guid,
    lookups,
    order_line,
    private_account,
    rules_dict,
    sales_order,
)


def plan_for(order, *, known=(), accounts=(), contacts=(), **rule_sections):
    rules = EAccountingRules.model_validate(rules_dict(**rule_sections))
    planner = SalesDocumentPlanner(
        rules, lookups(accounts=list(accounts), contacts=list(contacts), customers=list(known))
    )
    return planner, planner.plan_sales_order(order)


def created_customer(plan):
    [write] = plan.writes_to("customers")
    assert write.action is Action.CREATE
    return write.body


def test_given_a_company_with_a_main_contact_when_none_matches_then_a_company_customer_with_contact_person():
    acme = exact_account("acme", "SE")
    _, plan = plan_for(sales_order(account=acme), accounts=[acme], contacts=[exact_contact(acme)])
    body = created_customer(plan)
    assert body["IsPrivatePerson"] is False
    assert body["ContactPersonName"] == "Eva de Vries" and body["ContactPersonEmail"] == "eva@contact.example"
    assert body["VatNumber"] == "SE556036079301" and body["CorporateIdentityNumber"] == "34123456"
    assert body["InvoiceCountryCode"] == "SE" and body["InvoicePostalCode"] == "111 51"
    assert body["CustomerNumber"] == acme["Code"].strip()
    [order] = plan.writes_to("orders")
    assert order.body["CustomerId"] is None and order.links == {"CustomerId": "customers/email:billing@acme.example"}


def test_given_a_company_without_contact_when_planned_then_the_customer_has_no_contact_person():
    acme = exact_account("acme", "NL", MainContact=None)
    order = sales_order(account=acme, lines=[order_line(VATPercentage=0.0)])  # reverse charge in Exact too
    _, plan = plan_for(order, accounts=[acme])
    body = created_customer(plan)
    assert body["IsPrivatePerson"] is False
    assert not any(key.startswith("ContactPerson") for key in body)


def test_given_an_account_named_like_its_contact_without_vat_or_coc_then_it_becomes_a_private_person():
    jan = private_account("jan", "NL")
    contact = exact_contact(jan, "Jan", "Jansen")
    _, plan = plan_for(sales_order(account=jan), accounts=[jan], contacts=[contact])
    body = created_customer(plan)
    assert body["IsPrivatePerson"] is True and body["Name"] == "Jan Jansen"
    assert "VatNumber" not in body and "ContactPersonName" not in body


@pytest.mark.parametrize(
    ("match_key", "customer", "account_overrides"),
    [
        pytest.param("email", ("found", None, " BILLING@acme.example ", None), {}, id="email-case-insensitive"),
        pytest.param(
            "customer_number", ("found", "4711", None, None), {"Code": "              4711"}, id="padded-exact-code"
        ),
        pytest.param("vat_number", ("found", None, None, "SE 5560 3607 9301"), {}, id="vat-number-compacted"),
    ],
)
def test_given_an_existing_customer_when_matched_on_the_key_then_no_customer_is_created(
    match_key, customer, account_overrides
):
    acme = exact_account("acme", "SE", **account_overrides)
    _, plan = plan_for(
        sales_order(account=acme), accounts=[acme], known=ea_customers(customer), customers={"match_key": match_key}
    )
    assert plan.ok, plan.errors
    assert plan.writes_to("customers") == []
    [order] = plan.writes_to("orders")
    assert order.body["CustomerId"] == guid("ea-customer/found") and order.links == {}


def test_given_two_orders_of_one_new_customer_when_planned_in_one_sync_then_the_customer_is_created_once():
    acme = exact_account("acme", "SE")
    planner, first = plan_for(sales_order(1, account=acme), accounts=[acme])
    second = planner.plan_sales_order(sales_order(2, account=acme))
    assert len(first.writes_to("customers")) == 1
    assert second.writes_to("customers") == []
    assert second.writes_to("orders")[0].links == first.writes_to("orders")[0].links


@pytest.mark.parametrize(
    ("account_overrides", "debtor", "expected_field"),
    [
        pytest.param({"Email": None}, "off", "OrderedBy.Email", id="missing-email-without-default-debtor"),
        pytest.param({"Email": None}, "fallback", None, id="missing-email-falls-back-to-default-debtor"),
    ],
)
def test_given_an_account_without_email_when_matching_on_email_then_error_or_default_debtor(
    account_overrides, debtor, expected_field
):
    acme = exact_account("acme", "SE", MainContact=None, **account_overrides)
    section = {"default_debtor": {"mode": debtor, "customer_number": "9999"}} if debtor != "off" else {}
    _, plan = plan_for(
        sales_order(account=acme),
        accounts=[acme],
        known=ea_customers(("debtor", "9999", None, None)),
        customers=section,
    )
    if expected_field is None:
        assert plan.ok and plan.writes_to("orders")[0].body["CustomerId"] == guid("ea-customer/debtor")
        assert plan.warnings == ["booked on the default debtor"]
    else:
        assert [e.field for e in plan.errors] == [expected_field]
        assert "no email" in plan.errors[0].message


def test_given_email_only_on_the_main_contact_when_matching_on_email_then_the_contact_email_is_used():
    acme = exact_account("acme", "SE", Email=None)
    _, plan = plan_for(sales_order(account=acme), accounts=[acme], contacts=[exact_contact(acme)])
    assert plan.writes_to("orders")[0].links == {"CustomerId": "customers/email:eva@contact.example"}


@pytest.mark.parametrize(
    ("mode", "known_customer", "expected"),
    [
        pytest.param("fallback", True, "ea-customer/found", id="fallback-keeps-matched-customer"),
        pytest.param("force", True, "ea-customer/debtor", id="force-overrides-matched-customer"),
        pytest.param("fallback", False, "ea-customer/debtor", id="fallback-used-when-account-unknown"),
    ],
)
def test_given_a_default_debtor_when_fallback_or_force_then_the_debtor_is_used_only_as_configured(
    mode, known_customer, expected
):
    acme = exact_account("acme", "SE")
    known = ea_customers(("found", None, "billing@acme.example", None), ("debtor", "9999", None, None))
    _, plan = plan_for(
        sales_order(account=acme),
        accounts=[acme] if known_customer else [],
        known=known,
        customers={"default_debtor": {"mode": mode, "customer_number": "9999"}},
    )
    assert plan.ok, plan.errors
    assert plan.writes_to("orders")[0].body["CustomerId"] == guid(expected)


def test_given_an_order_of_an_account_not_read_when_no_default_debtor_then_the_error_names_ordered_by():
    _, plan = plan_for(sales_order(account=exact_account("ghost")))
    assert [e.field for e in plan.errors] == ["OrderedBy"]
    assert "not among the Exact accounts read" in plan.errors[0].message


def test_given_creating_customers_is_off_when_none_matches_then_the_order_fails():
    acme = exact_account("acme", "SE")
    _, plan = plan_for(sales_order(account=acme), accounts=[acme], customers={"create_missing": False})
    assert [e.field for e in plan.errors] == ["OrderedBy"] and plan.writes == []


@pytest.mark.parametrize(
    ("account_overrides", "field", "message"),
    [
        pytest.param({"Name": "X" * 73}, "OrderedBy.Name", "73 characters; the target allows 50", id="name-too-long"),
        pytest.param({"Postcode": None}, "OrderedBy.Postcode", "InvoicePostalCode", id="no-postcode"),
        pytest.param({"City": "  "}, "OrderedBy.City", "InvoiceCity", id="blank-city"),
        pytest.param({"Country": "Narnia"}, "OrderedBy.Country", "not an ISO 3166 country", id="unknown-country"),
        pytest.param(
            {"PaymentConditionSales": "99"},
            "OrderedBy.PaymentConditionSales",
            "'99' is not in payment_terms.map",
            id="unmapped-terms-for-new-customer",
        ),
    ],
)
def test_given_an_account_eaccounting_cannot_take_when_a_customer_is_needed_then_the_error_names_the_account_field(
    account_overrides, field, message
):
    acme = exact_account("acme", "SE", **account_overrides)
    _, plan = plan_for(sales_order(account=acme), accounts=[acme])
    assert [e.field for e in plan.errors] == [field]
    assert message in plan.errors[0].message
    assert plan.writes == []


def test_given_truncate_for_long_text_when_the_name_is_too_long_then_it_is_cut_to_fifty():
    acme = exact_account("acme", "SE", Name="Ö" * 60)
    _, plan = plan_for(sales_order(account=acme), accounts=[acme], customers={"long_text": "truncate"})
    assert created_customer(plan)["Name"] == "Ö" * 50


def test_given_non_latin_names_when_mapped_then_they_pass_through_unchanged():
    acme = exact_account("acme", "SE", Name="Σπύρος Ltd", City="Göteborg")
    _, plan = plan_for(sales_order(account=acme), accounts=[acme])
    body = created_customer(plan)
    assert body["Name"] == "Σπύρος Ltd" and body["InvoiceCity"] == "Göteborg"


def test_given_a_customer_field_map_entry_when_a_customer_is_created_then_it_lands_in_the_customer_body():
    acme = exact_account("acme", "SE", Remarks="VIP")
    entry = {"applies_to": "customer", "source": "Remarks", "target": "Note", "transforms": [{"name": "upper"}]}
    _, plan = plan_for(sales_order(account=acme), accounts=[acme], field_map={"entries": [entry]})
    assert created_customer(plan)["Note"] == "VIP"


def test_given_the_account_code_is_another_customers_number_when_planned_then_the_record_fails_before_any_post():
    acme = exact_account("acme", "SE")
    taken = ea_customers(("other", acme["Code"].strip(), "someone@else.example", None))

    _, plan = plan_for(sales_order(account=acme), accounts=[acme], known=taken)

    assert not plan.ok
    assert [e.field for e in plan.errors] == ["OrderedBy.Code"]
    assert f"customer number {acme['Code'].strip()} already belongs to another eAccounting customer" in (
        plan.errors[0].message
    )


def test_given_a_taken_number_and_eaccounting_numbering_when_planned_then_the_customer_is_created_without_one():
    acme = exact_account("acme", "SE")
    taken = ea_customers(("other", acme["Code"].strip(), "someone@else.example", None))

    _, plan = plan_for(
        sales_order(account=acme),
        accounts=[acme],
        known=taken,
        customers={"customer_number_taken": "eaccounting_numbers"},
    )

    assert plan.ok, plan.errors
    assert "CustomerNumber" not in created_customer(plan)


def test_given_the_first_order_of_a_new_customer_is_refused_when_the_next_one_is_planned_then_it_creates_the_customer():
    acme = exact_account("acme", "SE")
    planner, refused = plan_for(sales_order(1, account=acme, lines=[order_line("NOPE")]), accounts=[acme])
    second = planner.plan_sales_order(sales_order(2, account=acme))
    third = planner.plan_sales_order(sales_order(3, account=acme))
    assert not refused.ok and refused.writes == []
    [create] = second.writes_to("customers")
    assert create.action is Action.CREATE and create.source_ref.number == "2"
    assert second.writes_to("orders")[0].links == {"CustomerId": create.key}
    assert third.writes_to("customers") == [] and third.writes_to("orders")[0].links == {"CustomerId": create.key}
