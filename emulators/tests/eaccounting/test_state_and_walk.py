"""A plain HTTP client's whole cycle (token → list → page → create → update → dump) and restarts with --state-file."""

from __future__ import annotations

import requests

from tests.eaccounting.conftest import Emulator


def test_walk_token_list_page_create_update_dump(emulator: Emulator) -> None:
    tokens = emulator.tokens()
    api = emulator.session(tokens["access_token"])
    url = emulator.api_url
    listing = api.get(f"{url}/customers", params={"$pagesize": 10}).json()
    assert listing["Meta"]["TotalNumberOfPages"] > 1
    page_two = api.get(f"{url}/customers", params={"$pagesize": 10, "$page": 2}).json()
    assert page_two["Data"][0]["Id"] not in {c["Id"] for c in listing["Data"]}
    terms = api.get(f"{url}/termsofpayments").json()["Data"][0]["Id"]
    created = api.post(
        f"{url}/customers",
        json={
            "Name": "Walk Cycle BV",
            "InvoiceCity": "Utrecht",
            "InvoicePostalCode": "3511 AB",
            "InvoiceCountryCode": "NL",
            "TermsOfPaymentId": terms,
            "IsPrivatePerson": False,
            "IsActive": True,
            "VatNumber": "NL123456782B01",
        },
    )
    assert created.status_code == 201, created.text
    customer = created.json()
    updated = api.put(f"{url}/customers/{customer['Id']}", json={**customer, "IsActive": False})
    assert updated.status_code == 200 and updated.json()["IsActive"] is False
    dump = emulator.admin("GET", "dump")
    assert {"customers", "orders", "articles", "vouchers", "companysettings"} <= set(dump)
    stored = [c for c in dump["customers"] if c["Id"] == customer["Id"]]
    assert stored and stored[0]["IsActive"] is False


def test_given_state_file_when_restarted_then_data_and_tokens_survive(own_emulator, tmp_path) -> None:
    state = str(tmp_path / "eaccounting.json")
    first: Emulator = own_emulator("--empty", "--state-file", state)
    tokens = first.tokens()
    api = first.session(tokens["access_token"])
    unit = api.get(f"{first.api_url}/units").json()["Data"][0]["Id"]
    coding = api.get(f"{first.api_url}/articleaccountcodings").json()["Data"][0]["Id"]
    article = api.post(
        f"{first.api_url}/articles",
        json={"Number": "KEEP-1", "Name": "Behålls", "CodingId": coding, "UnitId": unit, "IsActive": True},
    ).json()
    rotated = first.token_request({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}).json()
    first.stop()

    second: Emulator = own_emulator("--empty", "--state-file", state)
    assert second.credentials == {**first.credentials, "refresh_token": second.credentials["refresh_token"]}
    still_valid = second.session(rotated["access_token"]).get(f"{second.api_url}/articles/{article['Id']}")
    assert still_valid.status_code == 200 and still_valid.json()["Number"] == "KEEP-1"
    reused = second.token_request({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert reused.json()["error"] == "invalid_grant"
    assert (
        second.token_request({"grant_type": "refresh_token", "refresh_token": rotated["refresh_token"]}).status_code
        == 200
    )
    next_article = requests.get(f"{second.base_url}/_emulator/dump", timeout=10).json()["articles"]
    assert [a["Number"] for a in next_article] == ["KEEP-1"]
