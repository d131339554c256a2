"""The token endpoint authenticates the client by HTTP Basic or by form fields, as OAuth 2.0 requires.

Sources: RFC 6749 §2.3.1 ("The authorization server MUST support the HTTP Basic authentication scheme for
authenticating clients that were issued a client password"; the body parameters are an alternative, and a client
must not use more than one method); PyPI ``exact-online-sdk`` 2.0.0 ``auth.py`` sends ``Authorization: Basic`` with a
form of only grant_type/refresh_token (or code); research/exact-online.md §3 (form credentials, used by PICQER,
OSSOBV, Airbyte). Before this change a Basic-authenticated refresh was refused with ``invalid_client``.
"""

from __future__ import annotations

import base64

import requests


def _basic(client_id: str, client_secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()


def test_given_basic_client_authentication_when_refreshing_then_tokens_are_granted(fresh):
    response = requests.post(
        f"{fresh.base_url}/api/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": fresh.refresh_token},
        headers={"Authorization": _basic(fresh.client_id, fresh.client_secret), "Accept": "application/json"},
        timeout=10,
    )

    assert response.status_code == 200, response.text
    granted = response.json()
    assert granted["expires_in"] == "600" and granted["refresh_token"] != fresh.refresh_token
    me = requests.get(
        f"{fresh.base_url}/api/v1/current/Me",
        headers={"Authorization": f"Bearer {granted['access_token']}", "Accept": "application/json"},
        timeout=10,
    )
    assert me.status_code == 200


def test_given_form_client_credentials_when_refreshing_then_tokens_are_granted(fresh):
    response = fresh.token(grant_type="refresh_token", refresh_token=fresh.refresh_token)

    assert response.status_code == 200, response.text


def test_given_wrong_basic_secret_when_refreshing_then_401_invalid_client_with_challenge(fresh):
    response = requests.post(
        f"{fresh.base_url}/api/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": fresh.refresh_token},
        headers={"Authorization": _basic(fresh.client_id, "not-the-secret")},
        timeout=10,
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    # The refresh token was not spent by the refused call.
    assert fresh.token(grant_type="refresh_token", refresh_token=fresh.refresh_token).status_code == 200


def test_given_basic_and_form_secret_together_when_refreshing_then_invalid_request(fresh):
    response = requests.post(
        f"{fresh.base_url}/api/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": fresh.refresh_token,
            "client_id": fresh.client_id,
            "client_secret": fresh.client_secret,
        },
        headers={"Authorization": _basic(fresh.client_id, fresh.client_secret)},
        timeout=10,
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
