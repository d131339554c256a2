"""What a connector changed on an emulator, read from the emulator's request log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Redeeming a refresh token is a POST too, but it changes nothing a user sees.
TOKEN_PATHS = ("/connect/token", "/oauth2/token")


def writes(log: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The POST, PUT and DELETE calls of ``log`` (an emulator's ``requests_log()``), token redemptions left out."""
    return [r for r in log if r["method"] in ("POST", "PUT", "DELETE") and not r["path"].endswith(TOKEN_PATHS)]
