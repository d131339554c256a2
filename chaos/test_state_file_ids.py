"""An emulator restarted from its state file keeps handing out new ids: an object created after the restart must not
take the id of one created before it (which would silently replace it — a record lost that no client can see)."""

from __future__ import annotations

from urllib.parse import urlparse

from eaccounting_client import EAccountingClient
from emulator_kit.process import EmulatorProcess


def _create_customer(client: EAccountingClient, number: int) -> str:
    body = {"Name": f"Restart Test {number}", "EmailAddress": f"restart{number}@example.test", "InvoiceCity": "Stad",
            "InvoicePostalCode": "11122", "InvoiceCountryCode": "SE", "IsPrivatePerson": False,
            "IsActive": True}  # fmt: skip
    terms = client.get("termsofpayments")["Data"][0]["Id"]
    return client.create("customers", {**body, "TermsOfPaymentId": terms})["Id"]


def test_given_an_eaccounting_emulator_restarted_from_its_state_file_when_creating_then_ids_are_new(tmp_path):
    state = str(tmp_path / "state.json")
    with EmulatorProcess("eaccounting-emulator", "--state-file", state) as first:
        config = {k: first.start_line[k] for k in ("api_url", "identity_url", "credentials")}
        port = str(urlparse(first.root_url).port)
        before_restart = _create_customer(EAccountingClient(config, calls_per_minute=10_000), 1)
    with EmulatorProcess("eaccounting-emulator", "--port", port, "--state-file", state) as second:
        after_restart = _create_customer(EAccountingClient(config, calls_per_minute=10_000), 2)
        customers = {c["Id"]: c for c in second.dump()["customers"]}

    assert after_restart != before_restart
    assert customers[before_restart]["Name"] == "Restart Test 1"
    assert customers[after_restart]["Name"] == "Restart Test 2"
