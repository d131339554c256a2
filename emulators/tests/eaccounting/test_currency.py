"""Customer invoices in a foreign currency, as the official description has them (../shared/specs/
eaccounting-v2.swagger.json): ``CustomerInvoiceApi.CurrencyRate`` "Default: Automatic calculation of the currency
rate. Enter this value to provide a custom rate"; ``CustomerInvoiceApi.CurrencyCode`` and
``CustomerInvoiceDraftApi.InvoiceCurrencyCode`` are readOnly, which research/eaccounting.md (Appendix A: "RO =
readOnly (ignored on write)"; §6.5: drafts' currency is "taken from customer") reads as ignored on write: the
document's currency is the customer's. ``OrderApi`` has a writable, required ``CurrencyCode`` and no rate field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.eaccounting.conftest import Emulator, Fidelity, start_emulator


@pytest.fixture(scope="module")
def emulator(fidelity: Fidelity | None) -> Iterator[Emulator]:
    """An emulator of this module's own: the documents written here must not change the shared seed others read."""
    running = start_emulator(fidelity, "--seed", "1")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def api(emulator: Emulator) -> requests.Session:
    return emulator.api()


def _first(api: requests.Session, url: str, **params: Any) -> dict[str, Any]:
    return api.get(url, params={"$pagesize": 1, **params}).json()["Data"][0]


@pytest.fixture(scope="module")
def euro_customer(emulator: Emulator, api: requests.Session) -> dict[str, Any]:
    return _first(api, f"{emulator.api_url}/customers", **{"$filter": "CurrencyCode eq 'EUR'"})


@pytest.fixture(scope="module")
def article(emulator: Emulator, api: requests.Session) -> dict[str, Any]:
    return _first(api, f"{emulator.api_url}/articles", **{"$filter": "IsActive eq true"})


def _invoice(customer: dict[str, Any], article: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "CustomerId": customer["Id"],
        "EuThirdParty": False,
        "RotReducedInvoicingType": 0,
        "Rows": [{"ArticleId": article["Id"], "Quantity": 3, "UnitPrice": 41.25, "IsTextRow": False}],
        **extra,
    }


def _voucher_debit(emulator: Emulator, api: requests.Session, invoice: dict[str, Any]) -> float:
    voucher = api.get(f"{emulator.api_url}/vouchers", params={"$filter": f"Id eq {invoice['VoucherId']}"}).json()
    return sum(row["DebitAmount"] for row in voucher["Data"][0]["Rows"])


def test_given_a_custom_currency_rate_when_posting_an_invoice_then_base_currency_totals_and_voucher_use_it(
    emulator, api, euro_customer, article
) -> None:
    body = _invoice(euro_customer, article, CurrencyRate=11.0)

    response = api.post(f"{emulator.api_url}/customerinvoices", json=body)

    assert response.status_code == 201, response.text
    invoice = response.json()
    assert invoice["CurrencyCode"] == "EUR" and invoice["CurrencyRate"] == 11.0
    in_euro = invoice["TotalAmountInvoiceCurrency"]
    assert in_euro == pytest.approx(123.75 * (1 + invoice["Rows"][0]["PercentVat"]), abs=0.005)
    assert invoice["TotalAmount"] == round(in_euro * 11.0, 2)
    assert invoice["TotalVatAmount"] == round(invoice["TotalVatAmountInvoiceCurrency"] * 11.0, 2)
    assert invoice["RemainingAmount"] == invoice["TotalAmount"]
    assert _voucher_debit(emulator, api, invoice) == pytest.approx(invoice["TotalAmount"], abs=0.005)


def test_given_no_currency_rate_when_posting_an_invoice_then_the_automatic_rate_is_used(
    emulator, api, euro_customer, article
) -> None:
    custom = api.post(f"{emulator.api_url}/customerinvoices", json=_invoice(euro_customer, article, CurrencyRate=9.5))
    automatic = api.post(f"{emulator.api_url}/customerinvoices", json=_invoice(euro_customer, article))

    assert custom.status_code == automatic.status_code == 201
    rate = automatic.json()["CurrencyRate"]
    assert rate not in (None, 1.0, 9.5)
    assert automatic.json()["TotalAmount"] == round(automatic.json()["TotalAmountInvoiceCurrency"] * rate, 2)
    assert custom.json()["TotalAmount"] == round(custom.json()["TotalAmountInvoiceCurrency"] * 9.5, 2)


def test_given_a_domestic_customer_when_posting_an_invoice_with_a_rate_then_the_rate_is_one(
    emulator, api, article
) -> None:
    swede = _first(api, f"{emulator.api_url}/customers", **{"$filter": "CurrencyCode eq 'SEK'"})

    invoice = api.post(f"{emulator.api_url}/customerinvoices", json=_invoice(swede, article, CurrencyRate=11.0)).json()

    assert invoice["CurrencyCode"] == "SEK" and invoice["CurrencyRate"] == 1.0
    assert invoice["TotalAmount"] == invoice["TotalAmountInvoiceCurrency"]


def test_given_a_zero_or_negative_currency_rate_when_posting_an_invoice_then_400_names_currency_rate(
    emulator, api, euro_customer, article
) -> None:
    for rate in (0, -11.0):
        response = api.post(
            f"{emulator.api_url}/customerinvoices", json=_invoice(euro_customer, article, CurrencyRate=rate)
        )

        assert response.status_code == 400
        assert [error["Field"] for error in response.json()["Errors"]] == ["CurrencyRate"]


def test_given_read_only_currency_fields_when_posting_an_invoice_or_draft_then_the_customers_currency_wins(
    emulator, api, euro_customer, article
) -> None:
    invoice_body = _invoice(euro_customer, article, CurrencyCode="USD")
    invoice = api.post(f"{emulator.api_url}/customerinvoices", json=invoice_body)
    draft_body = _invoice(euro_customer, article, InvoiceCurrencyCode="USD")
    draft_body["Rows"][0]["ReversedConstructionServicesVatFree"] = False
    draft = api.post(f"{emulator.api_url}/customerinvoicedrafts", json=draft_body)

    assert invoice.status_code == draft.status_code == 201, draft.text
    assert invoice.json()["CurrencyCode"] == "EUR"
    assert draft.json()["InvoiceCurrencyCode"] == "EUR"
    rate = invoice.json()["CurrencyRate"]
    assert draft.json()["TotalAmountBaseCurrency"] == round(draft.json()["TotalAmount"] * rate, 2)


def test_given_an_order_in_euro_when_posted_with_a_rate_then_the_currency_stays_and_no_rate_field_exists(
    emulator, api, euro_customer, article
) -> None:
    body = {
        "CustomerId": euro_customer["Id"],
        "CurrencyCode": "EUR",
        "CurrencyRate": 11.0,
        "Status": 1,
        "EuThirdParty": False,
        "RotReducedInvoicingType": 0,
        "ReverseChargeOnConstructionServices": False,
        "Rows": [
            {
                "LineNumber": 0,
                "ArticleId": article["Id"],
                "Quantity": 2,
                "UnitPrice": 10.0,
                "IsTextRow": False,
                "IsWorkCost": False,
                "EligibleForReverseChargeOnVat": False,
            }
        ],
    }

    response = api.post(f"{emulator.api_url}/orders", json=body)

    assert response.status_code == 201, response.text
    assert response.json()["CurrencyCode"] == "EUR" and "CurrencyRate" not in response.json()
    assert response.json()["Amount"] == 20.0
