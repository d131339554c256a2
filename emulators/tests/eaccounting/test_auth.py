"""The identity server's rules: client authentication, authorization codes, 1-hour access tokens, rotating
single-use refresh tokens, and the API's answers to missing, expired or under-scoped tokens."""

from __future__ import annotations

import requests

from tests.eaccounting.conftest import Emulator

CALLBACK = "http://127.0.0.1/callback"


def test_given_start_line_refresh_token_when_refreshed_with_basic_auth_then_tokens_rotate(own_emulator) -> None:
    emulator: Emulator = own_emulator("--empty")
    first = emulator.token_request(
        {"grant_type": "refresh_token", "refresh_token": emulator.credentials["refresh_token"]}
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["refresh_token"] != emulator.credentials["refresh_token"]
    assert first.headers["Cache-Control"] == "no-store"

    reused = emulator.token_request(
        {"grant_type": "refresh_token", "refresh_token": emulator.credentials["refresh_token"]}
    )
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"

    second = emulator.token_request(
        {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}, basic=False
    )
    assert second.status_code == 200, second.text
    assert second.json()["refresh_token"] not in (body["refresh_token"], emulator.credentials["refresh_token"])


def test_given_client_credentials_in_body_when_refreshing_then_accepted(emulator: Emulator) -> None:
    refresh_token = emulator.tokens()["refresh_token"]
    response = emulator.token_request({"grant_type": "refresh_token", "refresh_token": refresh_token}, basic=False)
    assert response.status_code == 200, response.text
    assert emulator.session(response.json()["access_token"]).get(f"{emulator.api_url}/units").status_code == 200


def test_given_wrong_client_secret_when_requesting_token_then_invalid_client(emulator: Emulator) -> None:
    response = requests.post(
        f"{emulator.identity_url}/connect/token",
        data={"grant_type": "refresh_token", "refresh_token": "whatever"},
        auth=(emulator.credentials["client_id"], "not-the-secret"),
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_given_json_body_when_requesting_token_then_rejected_because_form_encoding_is_required(
    emulator: Emulator,
) -> None:
    response = requests.post(
        f"{emulator.identity_url}/connect/token",
        json={"grant_type": "refresh_token", "refresh_token": "x"},
        auth=(emulator.credentials["client_id"], emulator.credentials["client_secret"]),
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_given_unknown_grant_type_when_requesting_token_then_unsupported_grant_type(emulator: Emulator) -> None:
    response = emulator.token_request({"grant_type": "client_credentials"})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_given_authorize_request_when_consent_auto_approves_then_code_works_once(emulator: Emulator) -> None:
    code = emulator.authorize(state="xyz")
    exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    first = emulator.token_request(exchange)
    assert first.status_code == 200, first.text
    assert set(first.json()) >= {"access_token", "refresh_token", "expires_in", "token_type"}
    assert emulator.token_request(exchange).json()["error"] == "invalid_grant"


def test_given_code_when_exchanged_with_other_redirect_uri_then_invalid_grant(emulator: Emulator) -> None:
    code = emulator.authorize()
    response = emulator.token_request(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1/elsewhere"}
    )
    assert response.json()["error"] == "invalid_grant"


def test_given_no_offline_access_when_exchanging_code_then_no_refresh_token(emulator: Emulator) -> None:
    assert "refresh_token" not in emulator.tokens("ea:api ea:sales")


def test_given_no_token_when_calling_api_then_401_with_error_4005(emulator: Emulator) -> None:
    response = emulator.session().get(f"{emulator.api_url}/customers")
    assert response.status_code == 401
    assert response.json()["ErrorCode"] == 4005


def test_given_unknown_token_when_calling_api_then_401(emulator: Emulator) -> None:
    response = emulator.session("made-up-token").get(f"{emulator.api_url}/customers")
    assert response.status_code == 401
    assert response.json()["ErrorCode"] == 4005


def test_given_token_without_accounting_scope_when_reading_vouchers_then_403_with_error_4006(
    emulator: Emulator,
) -> None:
    sales_only = emulator.api("ea:api offline_access ea:sales")
    assert sales_only.get(f"{emulator.api_url}/customers").status_code == 200
    response = sales_only.get(f"{emulator.api_url}/vouchers")
    assert response.status_code == 403
    assert response.json()["ErrorCode"] == 4006


def test_given_readonly_scope_when_writing_then_403(emulator: Emulator) -> None:
    readonly = emulator.api("ea:api offline_access ea:sales_readonly")
    assert readonly.get(f"{emulator.api_url}/articles").status_code == 200
    response = readonly.post(f"{emulator.api_url}/customers", json={"Name": "X"})
    assert response.status_code == 403
    assert response.json()["ErrorCode"] == 4006


def test_given_access_token_when_an_hour_passes_then_401_and_refresh_gives_a_working_one(own_emulator) -> None:
    emulator: Emulator = own_emulator("--empty")
    tokens = emulator.tokens()
    session = emulator.session(tokens["access_token"])
    emulator.advance_clock(3590)
    assert session.get(f"{emulator.api_url}/units").status_code == 200
    emulator.advance_clock(11)
    expired = session.get(f"{emulator.api_url}/units")
    assert expired.status_code == 401
    assert expired.json()["ErrorCode"] == 4005
    refreshed = emulator.token_request({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    assert emulator.session(refreshed.json()["access_token"]).get(f"{emulator.api_url}/units").status_code == 200


def test_given_authorization_code_when_five_minutes_pass_then_it_is_expired(own_emulator) -> None:
    emulator: Emulator = own_emulator("--empty")
    code = emulator.authorize()
    emulator.advance_clock(301)
    response = emulator.token_request({"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK})
    assert response.json()["error"] == "invalid_grant"
