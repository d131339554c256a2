"""Writes: validation against the official request schemas, full-replace PUT, business rules (balanced vouchers,
order status and stock, conversions, protected deletes)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import requests

from tests.eaccounting.conftest import Emulator, wire_time


def first(api: requests.Session, url: str, **params: Any) -> dict[str, Any]:
    return api.get(url, params={"$pagesize": 1, **params}).json()["Data"][0]


@pytest.fixture(scope="module")
def refs(emulator: Emulator, api: requests.Session) -> dict[str, Any]:
    url = emulator.api_url
    return {
        "terms": first(api, f"{url}/termsofpayments")["Id"],
        "stock_article": first(api, f"{url}/articles", **{"$filter": "IsStock eq true and StockBalance gt 100"}),
        "customer": first(
            api, f"{url}/customers", **{"$filter": "InvoiceCountryCode eq 'SE' and IsPrivatePerson eq false"}
        ),
        "unit": first(api, f"{url}/units")["Id"],
        "coding": first(api, f"{url}/articleaccountcodings")["Id"],
    }


def new_customer(refs: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "Name": "Fjällräven Testbolag AB",
        "InvoiceCity": "Örnsköldsvik",
        "InvoicePostalCode": "891 33",
        "InvoiceCountryCode": "SE",
        "TermsOfPaymentId": refs["terms"],
        "IsPrivatePerson": False,
        "IsActive": True,
        "EmailAddress": "faktura@testbolag.example",
        **overrides,
    }


def order_body(refs: dict[str, Any], status: int, quantity: float = 3.0) -> dict[str, Any]:
    return {
        "CustomerId": refs["customer"]["Id"],
        "CurrencyCode": "SEK",
        "Status": status,
        "EuThirdParty": False,
        "RotReducedInvoicingType": 0,
        "ReverseChargeOnConstructionServices": False,
        "DeliveryMethodName": "PostNord",
        "DeliveryMethodCode": "PN",
        "Rows": [
            {
                "LineNumber": 0,
                "ArticleId": refs["stock_article"]["Id"],
                "Quantity": quantity,
                "UnitPrice": 100.0,
                "DiscountPercentage": 0.1,
                "IsTextRow": False,
                "IsWorkCost": False,
                "EligibleForReverseChargeOnVat": False,
            },
            {
                "LineNumber": 1,
                "IsTextRow": True,
                "Text": "Lämnas vid dörren",
                "IsWorkCost": False,
                "EligibleForReverseChargeOnVat": False,
            },
        ],
    }


def stock(api: requests.Session, url: str, article_id: str) -> tuple[float, float, float]:
    article = api.get(f"{url}/articles/{article_id}").json()
    return article["StockBalance"], article["StockBalanceReserved"], article["StockBalanceAvailable"]


def test_given_missing_and_too_long_fields_when_creating_customer_then_400_naming_each_field(
    emulator, api, refs
) -> None:
    body = new_customer(refs, InvoiceCity="X" * 51)
    del body["Name"]
    response = api.post(f"{emulator.api_url}/customers", json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["ErrorCode"] == 2000
    fields = {entry["Field"]: entry for entry in error["Errors"]}
    assert set(fields) == {"Name", "InvoiceCity"}
    assert "50" in fields["InvoiceCity"]["Message"]


def test_given_wrong_types_and_ranges_in_rows_when_creating_order_then_field_paths_are_named(
    emulator, api, refs
) -> None:
    body = order_body(refs, 2)
    body["Rows"][0]["DiscountPercentage"] = 10
    body["Rows"][0]["Quantity"] = "three"
    body["Status"] = 9
    body["CustomerId"] = "not-a-guid"
    response = api.post(f"{emulator.api_url}/orders", json=body)
    assert response.status_code == 400
    fields = {entry["Field"] for entry in response.json()["Errors"]}
    assert fields == {"Rows[0].DiscountPercentage", "Rows[0].Quantity", "Status", "CustomerId"}


def test_given_enum_outside_values_when_creating_draft_then_rejected(emulator, api, refs) -> None:
    response = api.post(
        f"{emulator.api_url}/customerinvoicedrafts",
        json={"CustomerId": refs["customer"]["Id"], "EuThirdParty": False, "RotReducedInvoicingType": 7},
    )
    assert response.status_code == 400
    assert [entry["Field"] for entry in response.json()["Errors"]] == ["RotReducedInvoicingType"]


def test_given_unknown_reference_when_creating_customer_then_resource_not_found(emulator, api, refs) -> None:
    response = api.post(
        f"{emulator.api_url}/customers",
        json=new_customer(refs, TermsOfPaymentId="11111111-2222-4333-8444-555555555555"),
    )
    assert response.status_code == 400
    assert response.json()["ErrorCode"] == 3000
    assert response.json()["Errors"][0]["Field"] == "TermsOfPaymentId"


def test_given_new_customer_when_put_omits_a_field_then_it_is_reset(emulator, api, refs) -> None:
    created = api.post(f"{emulator.api_url}/customers", json=new_customer(refs, Telephone="070-123 45 67"))
    assert created.status_code == 201, created.text
    customer = created.json()
    assert customer["CustomerNumber"] and customer["Telephone"] == "070-123 45 67"
    replaced = api.put(f"{emulator.api_url}/customers/{customer['Id']}", json=new_customer(refs, Name="Nytt Namn AB"))
    assert replaced.status_code == 200
    body = replaced.json()
    assert (body["Name"], body["Telephone"], body["CustomerNumber"]) == (
        "Nytt Namn AB",
        None,
        customer["CustomerNumber"],
    )
    assert wire_time(body["ChangedUtc"]) > wire_time(customer["ChangedUtc"])
    assert api.delete(f"{emulator.api_url}/customers/{customer['Id']}").status_code == 200
    assert api.get(f"{emulator.api_url}/customers/{customer['Id']}").status_code == 404


def test_given_duplicate_customer_number_when_creating_then_conflict_4000(emulator, api, refs) -> None:
    response = api.post(
        f"{emulator.api_url}/customers", json=new_customer(refs, CustomerNumber=refs["customer"]["CustomerNumber"])
    )
    assert response.status_code == 400
    assert response.json()["ErrorCode"] == 4000


def test_given_customer_with_documents_when_deleting_then_4001(emulator, api) -> None:
    order = first(api, f"{emulator.api_url}/orders")
    response = api.delete(f"{emulator.api_url}/customers/{order['CustomerId']}")
    assert response.status_code == 400
    assert response.json()["ErrorCode"] == 4001


def test_given_unbalanced_voucher_when_posting_then_rejected_and_balanced_one_accepted(emulator, api) -> None:
    rows = [
        {"AccountNumber": 5010, "DebitAmount": 1000.0, "TransactionText": "Hyra"},
        {"AccountNumber": 2641, "DebitAmount": 250.0},
        {"AccountNumber": 1930, "CreditAmount": 1200.0},
    ]
    today = date.today().isoformat()
    body = {"VoucherDate": today, "VoucherText": "Hyra", "Rows": rows}
    rejected = api.post(f"{emulator.api_url}/vouchers", json=body)
    assert rejected.status_code == 400
    assert rejected.json()["Errors"][0]["Field"] == "Rows"
    assert "balanced" in rejected.json()["DeveloperErrorMessage"]
    rows[2]["CreditAmount"] = 1250.0
    accepted = api.post(f"{emulator.api_url}/vouchers", json=body)
    assert accepted.status_code == 201, accepted.text
    voucher = accepted.json()
    assert voucher["NumberAndNumberSeries"].startswith("A")
    assert voucher["Rows"][0]["AccountDescription"] == "Lokalhyra"
    year = first(api, f"{emulator.api_url}/fiscalyears", **{"$filter": f"StartDate le {today} and EndDate ge {today}"})
    fetched = api.get(f"{emulator.api_url}/vouchers/{year['Id']}/{voucher['Id']}")
    assert fetched.status_code == 200 and fetched.json()["Id"] == voucher["Id"]


def test_given_voucher_on_unknown_account_when_posting_then_account_not_found(emulator, api) -> None:
    body = {
        "VoucherText": "Fel konto",
        "Rows": [{"AccountNumber": 9999, "DebitAmount": 5.0}, {"AccountNumber": 1930, "CreditAmount": 5.0}],
    }
    response = api.post(f"{emulator.api_url}/vouchers", json=body)
    assert response.status_code == 400
    assert response.json()["ErrorCode"] == 3002
    assert response.json()["Errors"][0]["Field"] == "Rows[0].AccountNumber"


def test_given_ongoing_order_when_created_then_stock_is_reserved_and_totals_computed(emulator, api, refs) -> None:
    article_id = refs["stock_article"]["Id"]
    balance, reserved, available = stock(api, emulator.api_url, article_id)
    created = api.post(f"{emulator.api_url}/orders", json=order_body(refs, 2, quantity=4.0))
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["Amount"] == 360.0 and order["VatAmount"] == 90.0
    assert order["Rows"][0]["VatRate"] == 0.25 and order["Rows"][1]["VatRate"] is None
    assert order["DeliveryMethodId"] is not None
    assert stock(api, emulator.api_url, article_id) == (balance, reserved + 4.0, available - 4.0)
    assert api.delete(f"{emulator.api_url}/orders/{order['Id']}").status_code == 200
    assert stock(api, emulator.api_url, article_id) == (balance, reserved, available)


def test_given_order_when_converted_to_invoice_then_invoiced_with_stock_shipped(emulator, api, refs) -> None:
    url = emulator.api_url
    article_id = refs["stock_article"]["Id"]
    order = api.post(f"{url}/orders", json=order_body(refs, 1, quantity=2.0)).json()
    balance, reserved, _ = stock(api, url, article_id)
    early = api.post(f"{url}/orders/{order['Id']}/convert", json={})
    assert early.status_code == 400 and early.json()["ErrorCode"] == 4002
    assert api.post(f"{url}/orders/{order['Id']}/converteddrafttoorder").json()["Status"] == 2
    assert stock(api, url, article_id)[1] == reserved + 2.0
    converted = api.post(f"{url}/orders/{order['Id']}/convert", json={"WorkHouseOtherCosts": None})
    assert converted.status_code == 200, converted.text
    invoice = converted.json()
    assert invoice["CreatedFromOrderId"] == order["Id"]
    assert invoice["TotalAmount"] == 225.0 and invoice["TotalVatAmount"] == 45.0
    assert invoice["InvoiceNumber"] > 0 and invoice["VoucherId"]
    invoiced = api.get(f"{url}/orders/{order['Id']}").json()
    assert invoiced["Status"] == 4
    assert stock(api, url, article_id)[:2] == (balance - 2.0, reserved)
    assert api.delete(f"{url}/orders/{order['Id']}").json()["ErrorCode"] == 4001
    assert api.get(f"{url}/customerinvoices/{invoice['Id']}").json()["Rows"][0]["ArticleId"] == article_id


def test_given_shipped_order_when_voided_then_back_to_ongoing_and_stock_returns(emulator, api, refs) -> None:
    url = emulator.api_url
    article_id = refs["stock_article"]["Id"]
    balance, reserved, _ = stock(api, url, article_id)
    order = api.post(f"{url}/orders", json=order_body(refs, 2, quantity=1.0)).json()
    shipped = api.post(f"{url}/orders/{order['Id']}/completed").json()
    assert shipped["Status"] == 3 and shipped["Rows"][0]["DeliveredQuantity"] == 1.0
    assert stock(api, url, article_id)[:2] == (balance - 1.0, reserved)
    assert api.post(f"{url}/orders/{order['Id']}/voided").json()["Status"] == 2
    assert stock(api, url, article_id)[:2] == (balance, reserved + 1.0)


def test_given_draft_when_converted_then_invoice_created_and_draft_gone(emulator, api, refs) -> None:
    url = emulator.api_url
    draft = api.post(
        f"{url}/customerinvoicedrafts",
        json={
            "CustomerId": refs["customer"]["Id"],
            "EuThirdParty": False,
            "RotReducedInvoicingType": 0,
            "Rows": [
                {
                    "ArticleId": refs["stock_article"]["Id"],
                    "Quantity": 1,
                    "IsTextRow": False,
                    "ReversedConstructionServicesVatFree": False,
                }
            ],
        },
    )
    assert draft.status_code == 201, draft.text
    converted = api.post(f"{url}/customerinvoicedrafts/{draft.json()['Id']}/convert", json={})
    assert converted.status_code == 201
    assert converted.json()["CreatedFromDraftId"] == draft.json()["Id"]
    assert api.get(f"{url}/customerinvoicedrafts/{draft.json()['Id']}").status_code == 404


def test_given_eu_business_customer_when_ordering_then_reverse_charge_zero_vat(emulator, api, refs) -> None:
    url = emulator.api_url
    german = first(api, f"{url}/customers", **{"$filter": "InvoiceCountryCode eq 'DE' and IsPrivatePerson eq false"})
    body = order_body(refs, 1)
    body.update(CustomerId=german["Id"], CurrencyCode="EUR")
    order = api.post(f"{url}/orders", json=body).json()
    assert order["VatAmount"] == 0.0 and order["Rows"][0]["VatRate"] == 0.0


def test_given_article_when_created_then_stock_fields_and_prices_derived(emulator, api, refs) -> None:
    body = {
        "Number": "TEST-ART-1",
        "Name": "Testartikel",
        "CodingId": refs["coding"],
        "UnitId": refs["unit"],
        "IsActive": True,
        "NetPrice": 200.0,
        "IsStock": True,
        "StockBalance": 12.0,
    }
    created = api.post(f"{emulator.api_url}/articles", json=body)
    assert created.status_code == 201, created.text
    article = created.json()
    assert (article["StockBalance"], article["StockBalanceReserved"], article["StockBalanceAvailable"]) == (
        12.0,
        0.0,
        12.0,
    )
    assert article["GrossPrice"] == 250.0 and article["UnitName"] and article["CodingName"]
    assert api.post(f"{emulator.api_url}/articles", json=body).json()["ErrorCode"] == 4000


def test_given_project_and_account_when_written_then_documented_statuses(emulator, api) -> None:
    url = emulator.api_url
    project = api.post(f"{url}/projects", json={"Number": "P-77", "Name": "Fjällprojekt", "Status": 1})
    assert project.status_code == 201
    replaced = api.put(
        f"{url}/projects/{project.json()['Id']}", json={"Number": "P-77", "Name": "Fjällprojekt 2", "Status": 2}
    )
    assert replaced.status_code == 201 and replaced.json()["Status"] == 2
    year = first(api, f"{url}/fiscalyears", **{"$orderby": "StartDate desc"})
    account = api.post(
        f"{url}/accounts",
        json={"Number": "6110", "Name": "Kontorsmateriel", "FiscalYearId": year["Id"], "IsActive": True},
    )
    assert account.status_code == 201, account.text
    fetched = api.get(f"{url}/accounts/{year['Id']}/6110")
    assert fetched.json()["Name"] == "Kontorsmateriel"
    updated = api.put(f"{url}/accounts/{year['Id']}/6110", json={**fetched.json(), "Name": "Kontorsmaterial"})
    assert updated.status_code == 200 and updated.json()["Name"] == "Kontorsmaterial"


def test_given_cost_center_item_when_created_then_listed_under_its_cost_center(emulator, api) -> None:
    url = emulator.api_url
    center = first(api, f"{url}/costcenters")
    item = api.post(
        f"{url}/costcenteritems",
        json={"CostCenterId": center["Id"], "Name": "Export", "ShortName": "EXP", "IsActive": True},
    )
    assert item.status_code == 201, item.text
    centers = api.get(f"{url}/costcenters").json()["Data"]
    assert item.json()["Id"] in [entry["Id"] for c in centers if c["Id"] == center["Id"] for entry in c["Items"]]


def test_given_company_settings_when_put_then_writable_fields_change_and_read_only_stay(emulator, api) -> None:
    url = emulator.api_url
    settings = api.get(f"{url}/companysettings").json()
    response = api.put(f"{url}/companysettings", json={**settings, "Phone": "08-999 99 99", "CurrencyCode": "EUR"})
    assert response.status_code == 200
    assert response.json()["Phone"] == "08-999 99 99" and response.json()["CurrencyCode"] == "SEK"


def test_given_concurrent_clients_when_creating_customers_then_every_number_is_unique(emulator, refs) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def create(index: int) -> str:
        session = emulator.session(emulator.tokens()["access_token"])
        response = session.post(f"{emulator.api_url}/customers", json=new_customer(refs, Name=f"Parallell {index} AB"))
        assert response.status_code == 201, response.text
        return response.json()["CustomerNumber"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(create, range(24)))
    assert len(set(numbers)) == 24
