import pytest

from ledgerbridge_mappings import AccountPlanner, Action

from .builders import guid
from .exact_builders import ea_customer, ea_private_customer, exact_account, exact_lookups, exact_rules, only_write


def plan_for(record, *, accounts=(), contacts=(), **sections):
    planner = AccountPlanner(exact_rules(**sections), exact_lookups(accounts=list(accounts), contacts=list(contacts)))
    return planner.plan_customer(record)


def test_given_a_new_company_when_planned_then_an_account_and_its_contact_linked_to_the_new_account_id():
    plan = plan_for(ea_customer("acme", "SE", CustomerNumber="1001"))
    assert plan.ok, plan.errors
    account = only_write(plan, "crm/Accounts", Action.CREATE)
    assert account.body == {
        "Name": "Acme AB",
        "Status": "C",
        "Code": "1001",
        "Email": "billing@acme.example",
        "AddressLine1": "Drottninggatan 5",
        "Postcode": "111 51",
        "City": "Stockholm",
        "Country": "SE",
        "Phone": "+46 8 123 456",
        "Website": "https://acme.example",
        "SalesCurrency": "EUR",
        "VATNumber": "SE556036079301",
        "ChamberOfCommerce": "556036-0793",
    }
    contact = only_write(plan, "crm/Contacts", Action.CREATE)
    assert contact.body == {
        "FirstName": "Eva",
        "LastName": "de Vries",
        "Email": "eva@contact.example",
        "Phone": "+46 70 123 45 67",
    }
    assert contact.links == {"Account": account.key} and account.key == "crm/Accounts/email:billing@acme.example"


def test_given_a_private_person_when_planned_then_one_account_of_its_own_without_company_identifiers():
    plan = plan_for(ea_private_customer("jan", "NL"))
    account = only_write(plan, "crm/Accounts", Action.CREATE)
    assert account.body["Name"] == "Jan Jansen"
    assert "VATNumber" not in account.body and "ChamberOfCommerce" not in account.body
    assert plan.writes_to("crm/Contacts") == []


@pytest.mark.parametrize(
    ("match_key", "account_fields"),
    [
        pytest.param("email", {"Email": " BILLING@acme.example "}, id="email-case-insensitive"),
        pytest.param("customer_number", {"Code": "              1001"}, id="padded-exact-code"),
        pytest.param("vat_number", {"VATNumber": "SE 5560 3607 9301"}, id="vat-number-compacted"),
    ],
)
def test_given_a_matching_account_and_updates_off_when_planned_then_skipped_naming_the_account(
    match_key, account_fields
):
    existing = exact_account("acme", **{"Code": "              1001", **account_fields})
    plan = plan_for(
        ea_customer("acme", "SE", CustomerNumber="1001"),
        accounts=[existing],
        contacts=[EVA],
        customers={"match_key": match_key},
    )
    write = only_write(plan, "crm/Accounts", Action.SKIP)
    assert write.target_id == existing["ID"] and "1001" in write.reason and "updating is off" in write.reason
    assert plan.writes_to("crm/Contacts") == []


def test_given_a_matched_company_without_any_contact_and_updates_off_when_planned_then_its_contact_is_created():
    """A sync stopped between the account and its contact: the rerun completes the pair instead of skipping it."""
    existing = exact_account("acme", Code="              1001", Email="billing@acme.example")
    plan = plan_for(ea_customer("acme", "SE", CustomerNumber="1001"), accounts=[existing])
    contact = only_write(plan, "crm/Contacts", Action.CREATE)
    assert contact.body["Account"] == existing["ID"] and plan.writes_to("crm/Accounts") == []


def current_account(**changes):
    """Exact's copy of ea_customer('acme', 'SE') as it would read back, with ``changes`` applied."""
    fields = {
        "Name": "Acme AB",
        "Status": "C",
        "Email": "billing@acme.example",
        "AddressLine1": "Drottninggatan 5",
        "AddressLine2": "",
        "Postcode": "111 51",
        "City": "Stockholm",
        "Country": "SE",
        "Phone": "+46 8 123 456",
        "Website": "https://acme.example",
        "SalesCurrency": "EUR",
        "VATNumber": "SE556036079301",
        "ChamberOfCommerce": "556036-0793",
        "MainContact": guid("exact-contact/eva"),
    }
    fields.update(changes)
    return exact_account("acme", **fields)


EVA = {
    "ID": guid("exact-contact/eva"),
    "Account": guid("exact-account/acme"),
    "FirstName": "Eva",
    "LastName": "de Vries",
    "FullName": "Eva de Vries",
    "Email": "eva@contact.example",
    "Phone": "+46 70 123 45 67",
}


@pytest.mark.parametrize(
    ("exact_now", "create_only", "expected_account_update"),
    [
        pytest.param({}, [], None, id="unchanged-record-skipped"),
        pytest.param({"City": "Göteborg"}, [], {"City": "Stockholm"}, id="changed-field-only"),
        pytest.param({"Phone": "+46 8 999"}, ["Phone"], None, id="create-only-field-kept"),
        pytest.param(
            {"Phone": "+46 8 999", "City": "Malmö"}, ["Phone"], {"City": "Stockholm"}, id="create-only-beside-change"
        ),
        pytest.param({"Code": "  99", "Status": "P"}, [], None, id="code-and-status-never-updated"),
    ],
)
def test_given_updates_on_when_an_account_matches_then_only_changed_not_create_only_fields_are_sent(
    exact_now, create_only, expected_account_update
):
    existing = current_account(**exact_now)
    plan = plan_for(
        ea_customer("acme", "SE"),
        accounts=[existing],
        contacts=[EVA],
        customers={"update_existing": True, "create_only_fields": create_only},
    )
    assert plan.ok, plan.errors
    assert plan.writes_to("crm/Contacts") == []
    if expected_account_update is None:
        write = only_write(plan, "crm/Accounts", Action.SKIP)
        assert write.reason == "unchanged"
    else:
        write = only_write(plan, "crm/Accounts", Action.UPDATE)
        assert write.body == expected_account_update and write.target_id == existing["ID"]


def test_given_a_matched_company_whose_contact_changed_then_only_the_contact_is_updated():
    plan = plan_for(
        ea_customer("acme", "SE", ContactPersonPhone="+46 70 000"),
        accounts=[current_account()],
        contacts=[EVA],
        customers={"update_existing": True},
    )
    write = only_write(plan, "crm/Contacts", Action.UPDATE)
    assert write.body == {"Phone": "+46 70 000"} and write.target_id == EVA["ID"]
    assert plan.writes_to("crm/Accounts") == []


def test_given_a_matched_company_without_that_contact_then_the_contact_is_created_on_the_existing_account():
    plan = plan_for(
        ea_customer("acme", "SE", ContactPersonName="Lars Berg", ContactPersonEmail="lars@acme.example"),
        accounts=[current_account(MainContact=None)],
        contacts=[],
        customers={"update_existing": True},
    )
    write = only_write(plan, "crm/Contacts", Action.CREATE)
    assert write.body["Account"] == guid("exact-account/acme") and write.body["LastName"] == "Berg"


@pytest.mark.parametrize(
    ("country", "vat_number", "expected"),
    [
        pytest.param("NL", "NL004495445B01", "1", id="domestic-per-country"),
        pytest.param("BE", "BE0403170701", "4", id="eu-business-reverse-charge"),
        pytest.param("BE", None, "2", id="eu-without-vat-number-per-country"),
        pytest.param("NO", "NO974760673MVA", "5", id="export"),
        pytest.param("DE", None, "1", id="unlisted-country-default"),
    ],
)
def test_given_vat_rules_when_planned_then_the_sales_vat_code_follows_the_customers_country(
    country, vat_number, expected
):
    vat = {
        "home_country": "NL",
        "per_country": [{"country": "NL", "exact_code": "1"}, {"country": "BE", "exact_code": "2"}],
        "eu_reverse_charge_code": "4",
        "export_code": "5",
        "default_code": "1",
    }
    plan = plan_for(ea_customer("acme", country, VatNumber=vat_number), customers={"vat": vat})
    assert only_write(plan, "crm/Accounts", Action.CREATE).body["SalesVATCode"] == expected


@pytest.mark.parametrize(
    ("country", "expected_gl"),
    [pytest.param("DE", "8010", id="listed-country"), pytest.param("SE", "8000", id="default-account")],
)
def test_given_revenue_per_country_when_planned_then_gl_account_sales_is_the_accounts_id(country, expected_gl):
    revenue = {"per_country": [{"country": "DE", "gl_account": "8010"}], "default_gl_account": "8000"}
    plan = plan_for(ea_customer("acme", country), customers={"revenue": revenue})
    assert only_write(plan, "crm/Accounts", Action.CREATE).body["GLAccountSales"] == guid(f"gl/{expected_gl}")


def test_given_a_field_map_for_accounts_and_contacts_then_custom_fields_land_in_each_body():
    field_map = {
        "entries": [
            {"applies_to": "account", "source": "Note", "target": "Remarks", "transforms": [{"name": "trim"}]},
            {"applies_to": "contact", "source": "CustomerNumber", "target": "Notes"},
        ]
    }
    plan = plan_for(ea_customer("acme", Note="  VIP  ", CustomerNumber="1001"), field_map=field_map)
    assert only_write(plan, "crm/Accounts", Action.CREATE).body["Remarks"] == "VIP"
    assert only_write(plan, "crm/Contacts", Action.CREATE).body["Notes"] == "1001"


def test_given_the_same_new_customer_twice_in_one_sync_then_the_second_is_skipped():
    planner = AccountPlanner(exact_rules(), exact_lookups())
    first, second = planner.plan_customer(ea_customer("acme")), planner.plan_customer(ea_customer("acme"))
    assert [w.action for w in first.writes] == [Action.CREATE, Action.CREATE]
    assert [(w.action, w.reason) for w in second.writes] == [(Action.SKIP, "created earlier in this sync")]


def test_given_creating_is_off_when_nothing_matches_then_skipped_with_the_reason():
    plan = plan_for(ea_customer("acme"), customers={"create_missing": False})
    assert only_write(plan, "crm/Accounts", Action.SKIP).reason == "no Exact account matches and creating is off"


@pytest.mark.parametrize(
    ("overrides", "sections", "field", "message"),
    [
        pytest.param({"EmailAddress": None}, {}, "EmailAddress", "matched on email", id="no-email"),
        pytest.param(
            {"CustomerNumber": " "}, {"match_key": "customer_number"}, "CustomerNumber", "missing", id="no-number"
        ),
        pytest.param({"Name": "  "}, {}, "Name", "missing", id="no-name"),
        pytest.param({"InvoiceCountryCode": "Atlantis"}, {}, "InvoiceCountryCode", "ISO 3166", id="bad-country"),
        pytest.param(
            {},
            {"vat": {"default_code": "99"}},
            "InvoiceCountryCode",
            "VAT code '99'",
            id="unknown-vat-code",
        ),
        pytest.param(
            {}, {"revenue": {"default_gl_account": "7777"}}, "InvoiceCountryCode", "'7777'", id="unknown-gl-account"
        ),
    ],
)
def test_given_a_bad_customer_when_planned_then_an_error_names_record_and_field_while_others_still_plan(
    overrides, sections, field, message
):
    planner = AccountPlanner(exact_rules(customers=sections), exact_lookups())
    bad = planner.plan_customer(ea_customer("bad", **overrides))
    good = planner.plan_customer(ea_private_customer("jan"))
    assert bad.writes == [] and len(bad.errors) == 1
    [error] = bad.errors
    assert error.field == field and message in error.message
    assert str(error.source_ref).startswith("customers #") and guid("ea-customer/bad") in str(error.source_ref)
    if not sections:
        assert good.ok and good.writes[0].action is Action.CREATE
