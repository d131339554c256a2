"""Exact Online's token rules: rotation, 570-second refresh floor, reuse, 30-day expiry, 10-minute access tokens,
the consent redirect and the daily cap on token calls."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from tests.exact_online.conftest import QUIET_LIMITS, start_emulator


def test_given_start_credentials_when_refreshing_at_once_then_exact_token_shape_with_string_expires_in(fresh):
    granted = fresh.refresh()

    assert granted["expires_in"] == "600"
    assert granted["token_type"] == "bearer"
    assert granted["refresh_token"] != ""


def test_given_fresh_refresh_token_when_refreshing_before_570_seconds_then_access_denied_with_reason(fresh):
    fresh.refresh()
    fresh.advance(560)

    response = fresh.token(grant_type="refresh_token", refresh_token=fresh.refresh_token)

    assert response.status_code == 400
    assert response.json()["error"] == "access_denied"
    assert response.headers["Reason"].startswith("TooEarlyToRefreshTokens")
    fresh.advance(11)
    assert fresh.token(grant_type="refresh_token", refresh_token=fresh.refresh_token).status_code == 200


def test_given_used_refresh_token_when_reused_then_invalid_grant(fresh):
    old = fresh.refresh_token
    fresh.refresh()

    response = fresh.token(grant_type="refresh_token", refresh_token=old)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_given_refresh_token_unused_for_30_days_when_refreshing_then_expired(fresh):
    fresh.refresh()
    fresh.advance(30 * 24 * 3600 + 1)

    response = fresh.token(grant_type="refresh_token", refresh_token=fresh.refresh_token)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "expired at" in response.json()["error_description"]


def test_given_access_token_when_ten_minutes_pass_then_api_answers_401_access_token_expired(fresh):
    fresh.refresh()
    assert fresh.get("crm/Accounts", **{"$filter": "Name ne ''"}).status_code == 200
    fresh.advance(601)

    response = fresh.get("crm/Accounts", **{"$filter": "Name ne ''"})

    assert response.status_code == 401
    assert "access token expired" in response.headers["WWW-Authenticate"]
    fresh.refresh()
    assert fresh.get("crm/Accounts", **{"$filter": "Name ne ''"}).status_code == 200


def test_given_consent_url_when_user_arrives_then_redirect_with_single_use_code(fresh):
    response = fresh.session.get(
        f"{fresh.base_url}/api/oauth2/auth",
        params={
            "client_id": fresh.client_id,
            "redirect_uri": "http://localhost/cb",
            "response_type": "code",
            "state": "s1",
        },
        allow_redirects=False,
    )
    assert response.status_code == 302
    query = parse_qs(urlparse(response.headers["Location"]).query)
    assert query["state"] == ["s1"]
    code = query["code"][0]

    exchanged = fresh.token(grant_type="authorization_code", code=code, redirect_uri="http://localhost/cb")
    again = fresh.token(grant_type="authorization_code", code=code, redirect_uri="http://localhost/cb")

    assert exchanged.status_code == 200
    assert exchanged.json()["expires_in"] == "600"
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_given_wrong_client_secret_when_requesting_token_then_invalid_client(fresh):
    response = fresh.session.post(
        f"{fresh.base_url}/api/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": fresh.refresh_token,
            "client_id": fresh.client_id,
            "client_secret": "nope",
        },
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_given_daily_token_cap_when_exceeded_then_token_calls_are_refused():
    limits = [arg for arg in QUIET_LIMITS]
    limits[limits.index("--token-daily-limit") + 1] = "2"
    emulator = start_emulator("--seed", "3", "--empty", *limits)
    try:
        emulator.refresh()
        emulator.advance(571)
        emulator.refresh()
        emulator.advance(571)
        response = emulator.token(grant_type="refresh_token", refresh_token=emulator.refresh_token)
        assert response.status_code == 400
        assert response.json()["error"] == "access_denied"
    finally:
        emulator.stop()
