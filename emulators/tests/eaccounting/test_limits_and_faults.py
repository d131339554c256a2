"""The 600-calls-per-minute quota (per client and endpoint, on the emulated clock) and injected faults."""

from __future__ import annotations

from tests.eaccounting.conftest import Emulator


def test_given_limit_reached_when_calling_same_endpoint_then_429_with_4010_until_window_passes(own_emulator) -> None:
    emulator: Emulator = own_emulator("--empty", "--per-minute-limit", "5")
    api = emulator.api()
    statuses = [api.get(f"{emulator.api_url}/units").status_code for _ in range(5)]
    assert statuses == [200] * 5
    limited = api.get(f"{emulator.api_url}/units")
    assert limited.status_code == 429
    body = limited.json()
    assert body["ErrorCode"] == 4010
    assert "maximum admitted 5 per Minute" in body["DeveloperErrorMessage"]
    assert api.get(f"{emulator.api_url}/countries").status_code == 200
    emulator.advance_clock(61)
    assert api.get(f"{emulator.api_url}/units").status_code == 200


def test_default_quota_is_600_per_minute(own_emulator) -> None:
    emulator: Emulator = own_emulator("--empty")
    api = emulator.api()
    statuses = [api.get(f"{emulator.api_url}/currencies").status_code for _ in range(601)]
    assert statuses[:600] == [200] * 600
    assert statuses[600] == 429


def test_given_fault_rule_when_calling_matching_route_then_fault_in_eaccounting_shape(emulator: Emulator, api) -> None:
    emulator.admin("POST", "faults", {"faults": ["503:1.0:/v2/deliveryterms*"]})
    try:
        response = api.get(f"{emulator.api_url}/deliveryterms")
        assert response.status_code == 503
        assert response.json()["ErrorCode"] == 5001
        assert api.get(f"{emulator.api_url}/deliverymethods").status_code == 200
        emulator.admin("POST", "faults", {"faults": ["429:1.0:/v2/deliveryterms*"]})
        throttled = api.get(f"{emulator.api_url}/deliveryterms")
        assert throttled.status_code == 429 and throttled.json()["ErrorCode"] == 4010
    finally:
        emulator.admin("POST", "faults", {"faults": []})
    assert api.get(f"{emulator.api_url}/deliveryterms").status_code == 200
    logged = emulator.admin("GET", "requests")
    assert {"method": "GET", "path": "/v2/deliveryterms", "status": 503} in logged


def test_given_fault_retry_seconds_when_a_429_is_injected_then_it_announces_that_wait(own_emulator) -> None:
    emulator: Emulator = own_emulator("--empty", "--fault", "429:1.0:/v2/units*", "--fault-retry-seconds", "3")
    throttled = emulator.api().get(f"{emulator.api_url}/units")
    assert throttled.status_code == 429
    assert "Try again in 3 seconds" in throttled.text
