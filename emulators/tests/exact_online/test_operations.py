"""Operating the emulator: fault injection, the state file that survives a restart mid-sync, the start contract, and
the fidelity check itself."""

from __future__ import annotations

import os

import pytest
import requests

from tests.exact_online.conftest import FIDELITY, QUIET_LIMITS, start_emulator


def test_given_fault_rules_when_calling_matching_paths_then_injected_statuses_in_exact_shape(fresh):
    requests.post(
        f"{fresh.base_url}/_emulator/faults", json={"faults": ["503:1.0:*vat/VATCodes*"]}, timeout=10
    ).raise_for_status()
    faulted = fresh.get("vat/VATCodes")
    untouched = fresh.get("hrm/Costcenters")
    requests.post(
        f"{fresh.base_url}/_emulator/faults", json={"faults": ["429:1.0:*hrm*"]}, timeout=10
    ).raise_for_status()
    throttled = fresh.get("hrm/Costcenters")
    requests.post(f"{fresh.base_url}/_emulator/faults", json={"faults": []}, timeout=10).raise_for_status()

    assert faulted.status_code == 503 and faulted.json()["error"]["message"]["value"]
    assert untouched.status_code == 200
    assert throttled.status_code == 429
    assert {"method": "GET", "path": f"/api/v1/{fresh.division}/vat/VATCodes", "status": 503} in fresh.admin("requests")


def test_given_state_file_when_restarted_mid_sync_then_data_tokens_and_timestamps_survive(tmp_path):
    state = tmp_path / "exact.json"
    first = start_emulator("--seed", "6", "--state-file", str(state), *QUIET_LIMITS)
    try:
        first.refresh()
        created = first.post("crm/Accounts", {"Name": "Persisted B.V."}).json()["d"]
        watermark = first.get("sync/CRM/Accounts", **{"$filter": "Timestamp gt 1L", "$select": "Timestamp"}).json()[
            "d"
        ]["results"][-1]["Timestamp"]
    finally:
        first.stop()
    second = start_emulator("--seed", "6", "--state-file", str(state), *QUIET_LIMITS)
    try:
        second.refresh_token, second.access_token = first.refresh_token, first.access_token
        kept = second.get(f"crm/Accounts(guid'{created['ID']}')")
        second.post("crm/Accounts", {"Name": "After restart B.V."})
        newer = second.get(
            "sync/CRM/Accounts", **{"$filter": f"Timestamp gt {watermark}L", "$select": "Name,Timestamp"}
        ).json()["d"]["results"]
        second.advance(571)
        rotated = second.token(grant_type="refresh_token", refresh_token=first.refresh_token)
    finally:
        second.stop()

    assert kept.status_code == 200 and kept.json()["d"]["Name"] == "Persisted B.V."
    assert [row["Name"] for row in newer] == ["After restart B.V."]
    assert rotated.status_code == 200


def test_given_same_seed_when_started_twice_then_same_data_and_credentials():
    one, two = start_emulator("--seed", "9", *QUIET_LIMITS), start_emulator("--seed", "9", *QUIET_LIMITS)
    try:
        dumps = [emulator.admin("dump") for emulator in (one, two)]
    finally:
        one.stop()
        two.stop()

    assert one.client_id == two.client_id and one.division == two.division
    assert [(r["ID"], r["Name"], r.get("VATNumber")) for r in dumps[0]["crm/Accounts"]] == [
        (r["ID"], r["Name"], r.get("VATNumber")) for r in dumps[1]["crm/Accounts"]
    ]


def test_fidelity_against_the_field_level_description():
    if FIDELITY is None:
        pytest.skip("LEDGERBRIDGE_SPECS is unset: cannot validate responses against Exact's field-level description")
    assert os.environ["LEDGERBRIDGE_SPECS"]
    assert FIDELITY.checked > 0, "no response bodies were validated in this run"
    assert FIDELITY.violations == []
