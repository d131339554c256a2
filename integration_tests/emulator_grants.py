"""OAuth grants and connector configs for the emulators, one grant per connector, as a user's authorisations give.

In Airbyte each connector is authorised on its own, so each holds its own refresh-token chain; two connectors sharing
one chain would revoke each other at the first rotation. The grants come from the emulators' authorisation-code
endpoints, exactly as the platform's OAuth flow would obtain them.
"""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import emulator_config
from ledgerbridge_testkit.live_token import token_url

REDIRECT_URI = "http://127.0.0.1:9/airbyte/oauth-callback"
EACCOUNTING_SCOPES = "ea:api offline_access ea:sales ea:accounting ea:purchase"
# Exact refuses a refresh within 570 s of a grant; an aged grant is one authorised that long ago.
EXACT_REFRESH_SPACING = 600


def _code_from(response: requests.Response) -> str:
    assert response.status_code in (302, 303), f"authorisation was not approved: {response.status_code}"
    query = parse_qs(urlparse(response.headers["Location"]).query)
    return query["code"][0]


def _issued(emulator: EmulatorProcess, authorize_path: str, **extra: str) -> dict[str, Any]:
    """The token answer to a consent the emulator approves at once (the authorisation-code flow)."""
    credentials = emulator.credentials
    authorised = requests.get(
        f"{emulator.root_url}{authorize_path}",
        params={"client_id": credentials["client_id"], "redirect_uri": REDIRECT_URI, "response_type": "code",
                "state": secrets.token_hex(8), **extra},
        allow_redirects=False, timeout=30,
    )  # fmt: skip
    token = requests.post(
        token_url(emulator),
        data={"grant_type": "authorization_code", "code": _code_from(authorised), "redirect_uri": REDIRECT_URI,
              "client_id": credentials["client_id"], "client_secret": credentials["client_secret"]},
        timeout=30,
    )  # fmt: skip
    token.raise_for_status()
    issued: dict[str, Any] = token.json()
    return issued


def exact_grant(emulator: EmulatorProcess, aged: bool = False) -> dict[str, Any]:
    """A new grant. Kept as the platform's OAuth flow stores it (with the access token), or ``aged`` past Exact's
    570 s refresh interval so the first run must refresh; ageing moves the emulator's clock, so only an emulator
    no other connector is using may be aged."""
    credentials, issued = emulator.credentials, _issued(emulator, "/api/oauth2/auth")
    if aged:
        emulator.advance_clock(EXACT_REFRESH_SPACING)
        return {**credentials, "refresh_token": issued["refresh_token"]}
    expiry = time.gmtime(time.time() + int(issued["expires_in"]))
    return {
        **credentials,
        "refresh_token": issued["refresh_token"],
        "access_token": issued["access_token"],
        "token_expiry_date": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", expiry),
    }


def eaccounting_grant(emulator: EmulatorProcess) -> dict[str, Any]:
    issued = _issued(emulator, "/connect/authorize", scope=EACCOUNTING_SCOPES)
    return {**emulator.credentials, "refresh_token": issued["refresh_token"]}


# The least a user must say to destination-exact-online: which currency eAccounting's prices are in (the seeded
# company's SEK) and its rate into the Exact division's EUR; prices are never written under another currency's code.
EXACT_DESTINATION_MAPPING: dict[str, Any] = {"items": {"prices": {"currency": "SEK", "rates": {"SEK": 0.087}}}}


def connector_config(
    connector: str, emulator: EmulatorProcess, credentials: dict[str, Any], mapping: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The config a user would enter for ``connector`` pointed at ``emulator``."""
    config = {**emulator_config(emulator), "credentials": credentials}
    if connector == "destination-exact-online":
        return {
            "base_url": config["base_url"],
            "division": config["divisions"][0],
            "credentials": credentials,
            "mapping": mapping or dict(EXACT_DESTINATION_MAPPING),
        }
    if connector == "destination-eaccounting":
        config["mapping"] = mapping or {}
    return config


def grant_for(emulator_kind: str, emulator: EmulatorProcess, aged: bool = False) -> dict[str, Any]:
    """A grant for a connector of ``emulator_kind``; ``aged`` makes its first run refresh (see exact_grant)."""
    return exact_grant(emulator, aged) if emulator_kind == "exact-online" else eaccounting_grant(emulator)


def revoked(credentials: dict[str, Any]) -> dict[str, Any]:
    """What a config holds after the user revoked the app: a refresh token the server no longer knows, no access."""
    kept = {key: value for key, value in credentials.items() if key not in ("access_token", "token_expiry_date")}
    return {**kept, "refresh_token": f"revoked-{secrets.token_hex(16)}"}
