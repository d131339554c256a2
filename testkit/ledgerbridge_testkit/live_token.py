"""A live access token redeemed from an emulator, for suites whose many runs share one config: with it no run has to
refresh, so the single-use refresh token in the file is never spent twice (and Exact's one refresh per 570 s is kept).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import requests

if TYPE_CHECKING:
    from emulator_kit.process import EmulatorProcess


def token_url(emulator: EmulatorProcess) -> str:
    """Exact's token endpoint under its ``base_url``, eAccounting's on its identity host (the DESIGN.md start line)."""
    line = emulator.start_line
    if "base_url" in line:
        return f"{line['base_url']}/api/oauth2/token"
    return f"{line['identity_url'].rstrip('/')}/connect/token"


def redeem(emulator: EmulatorProcess, credentials: dict[str, str]) -> requests.Response:
    """The emulator's answer to spending ``credentials``' refresh token, as a connector would: a spent or revoked
    token is refused (400), not raised."""
    return requests.post(
        token_url(emulator),
        data={
            "grant_type": "refresh_token",
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
            "refresh_token": credentials["refresh_token"],
        },
        timeout=30,
    )


def live_credentials(emulator: EmulatorProcess, credentials: dict[str, str] | None = None) -> dict[str, str]:
    """``credentials`` (the start line's by default) with their refresh token spent: the rotated refresh token, the
    access token and its expiry, as a connector would store them."""
    current = dict(credentials if credentials is not None else emulator.credentials)
    response = redeem(emulator, current)
    response.raise_for_status()
    token = response.json()
    expiry = time.time() + int(token.get("expires_in", 3600))
    return {
        **current,
        "refresh_token": token["refresh_token"],
        "access_token": token["access_token"],
        "token_expiry_date": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(expiry)),
    }
