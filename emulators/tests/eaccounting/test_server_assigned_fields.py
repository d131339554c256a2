"""Read-only fields the real API fills on its own are filled, and a client sending them changes nothing.

Sources: the official description (LEDGERBRIDGE_SPECS ``eaccounting-v2.swagger.json``): ``CustomerApi.PayToAccountId``
readOnly "The account Id on which payments are registered"; ``CustomerInvoiceApi.CreatedByUserId`` readOnly;
``ArticleApi.PurchasePriceManuallyChangedUtc`` / ``FreightCostsManuallyChangedUtc`` readOnly "Set when the purchase
price / freight costs is changed manually"; research/eaccounting.md Appendix B ("201 + full CustomerApi incl.
server-set Id, ChangedUtc, PayToAccountId"). Before this change all four stayed null.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.eaccounting.conftest import Emulator
from tests.eaccounting.test_writes import first, new_customer


@pytest.fixture(scope="module")
def refs(emulator: Emulator, api) -> dict[str, Any]:
    url = emulator.api_url
    return {
        "terms": first(api, f"{url}/termsofpayments")["Id"],
        "stock_article": first(api, f"{url}/articles", **{"$filter": "IsStock eq true"}),
    }


def test_given_new_customer_when_created_then_pay_to_account_id_is_assigned_and_kept(emulator: Emulator, api, refs):
    sent = new_customer(refs, PayToAccountId="11111111-2222-4333-8444-555555555555")
    created = api.post(f"{emulator.api_url}/customers", json=sent)
    assert created.status_code == 201, created.text
    customer = created.json()
    assigned = customer["PayToAccountId"]

    assert assigned and uuid.UUID(assigned) and assigned != sent["PayToAccountId"]
    customer["Telephone"] = "+46 660 100 00"
    customer["PayToAccountId"] = "11111111-2222-4333-8444-555555555555"
    replaced = api.put(f"{emulator.api_url}/customers/{customer['Id']}", json=customer).json()
    assert replaced["PayToAccountId"] == assigned


def test_given_seeded_customers_when_listed_then_each_has_its_own_pay_to_account_id(emulator: Emulator, api) -> None:
    customers = api.get(f"{emulator.api_url}/customers", params={"$pagesize": 500}).json()["Data"]

    ids = [customer["PayToAccountId"] for customer in customers]
    assert all(ids) and len(set(ids)) == len(ids)


def test_given_issued_invoices_when_listed_then_created_by_user_is_the_api_user(emulator: Emulator, api) -> None:
    invoices = api.get(f"{emulator.api_url}/customerinvoices", params={"$pagesize": 50}).json()["Data"]

    users = {invoice["CreatedByUserId"] for invoice in invoices}
    assert len(users) == 1 and uuid.UUID(users.pop())


def test_given_article_when_purchase_price_changes_then_manually_changed_stamp_is_set(emulator: Emulator, api, refs):
    article = api.get(f"{emulator.api_url}/articles/{refs['stock_article']['Id']}").json()
    before = article["PurchasePriceManuallyChangedUtc"]
    article["PurchasePrice"] = round((article["PurchasePrice"] or 0) + 12.5, 2)

    after = api.put(f"{emulator.api_url}/articles/{article['Id']}", json=article).json()

    assert after["PurchasePriceManuallyChangedUtc"] is not None and after["PurchasePriceManuallyChangedUtc"] != before
    assert after["FreightCostsManuallyChangedUtc"] == article["FreightCostsManuallyChangedUtc"]
