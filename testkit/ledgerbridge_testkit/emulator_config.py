"""The connector config that reaches a running emulator, read from its start line (the DESIGN.md contract)."""

from __future__ import annotations

from typing import Any, Protocol


class _Started(Protocol):
    start_line: dict[str, Any]


def emulator_config(emulator: _Started) -> dict[str, Any]:
    """Exact's ``base_url``/``divisions`` or eAccounting's ``api_url``/``identity_url``, with the credentials."""
    line = emulator.start_line
    if "base_url" in line:
        return {"base_url": line["base_url"], "divisions": [line["division"]], "credentials": line["credentials"]}
    return {"api_url": line["api_url"], "identity_url": line["identity_url"], "credentials": line["credentials"]}
