"""Exact Online's API limits: the six X-RateLimit-* headers, 429 carrying only the exceeded limit's headers, and the
block after more than the allowed errors on one endpoint within an hour."""

from __future__ import annotations

import pytest

from tests.exact_online.conftest import start_emulator

MINUTELY = ("X-RateLimit-Minutely-Limit", "X-RateLimit-Minutely-Remaining", "X-RateLimit-Minutely-Reset")
DAILY = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
VAT = "vat/VATCodes"


@pytest.fixture
def limited():
    emulator = start_emulator(
        "--seed", "4", "--empty", "--minutely-limit", "5", "--daily-limit", "8", "--error-block", "3"
    )
    emulator.refresh()
    # Start at the top of an emulated minute so the window cannot roll over mid-test.
    emulator.advance(60 - emulator.now() % 60 + 0.5)
    yield emulator
    emulator.stop()


def test_given_division_call_when_answered_then_six_ratelimit_headers_in_epoch_ms_and_me_is_not_counted(limited):
    limited.get(f"{limited.base_url}/api/v1/current/Me")
    response = limited.get(VAT)

    assert all(name in response.headers for name in MINUTELY + DAILY)
    assert response.headers["X-RateLimit-Remaining"] == "7"
    assert response.headers["X-RateLimit-Minutely-Remaining"] == "4"
    assert int(response.headers["X-RateLimit-Minutely-Reset"]) % 60000 == 0
    assert int(response.headers["X-RateLimit-Reset"]) % 86_400_000 == 0
    assert int(response.headers["X-RateLimit-Minutely-Reset"]) > limited.now() * 1000


def test_given_minutely_limit_reached_when_calling_again_then_429_with_only_minutely_headers_until_next_minute(limited):
    for _ in range(5):
        assert limited.get(VAT).status_code == 200

    refused = limited.get(VAT)
    limited.advance(60)
    after_reset = limited.get(VAT)

    assert refused.status_code == 429 and refused.content == b""
    assert all(name in refused.headers for name in MINUTELY)
    assert not any(name in refused.headers for name in DAILY)
    assert refused.headers["X-RateLimit-Minutely-Remaining"] == "0"
    assert after_reset.status_code == 200


def test_given_daily_limit_reached_when_calling_again_then_429_with_only_daily_headers(limited):
    for _ in range(2):
        for _ in range(4):
            assert limited.get(VAT).status_code == 200
        limited.advance(60)

    refused = limited.get(VAT)

    assert refused.status_code == 429
    assert all(name in refused.headers for name in DAILY)
    assert not any(name in refused.headers for name in MINUTELY)


def test_given_too_many_errors_on_one_endpoint_when_calling_it_then_blocked_while_other_endpoints_work():
    emulator = start_emulator(
        "--seed", "5", "--empty", "--minutely-limit", "0", "--daily-limit", "0", "--error-block", "3"
    )
    try:
        for _ in range(4):
            assert emulator.get("crm/Accounts").status_code == 400  # no mandatory filter

        blocked = emulator.get("crm/Accounts", **{"$filter": "Name ne ''"})
        other = emulator.get(VAT)
        emulator.advance(3601)
        unblocked = emulator.get("crm/Accounts", **{"$filter": "Name ne ''"})
    finally:
        emulator.stop()

    assert blocked.status_code == 403 and "blocked" in blocked.json()["error"]["message"]["value"]
    assert other.status_code == 200
    assert unblocked.status_code == 401  # the access token expired during the hour; the block itself is over
