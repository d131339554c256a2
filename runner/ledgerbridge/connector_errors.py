"""A connector's error trace in the runner's words: the refused-refresh-token case names the command that fixes it.

The connectors' own advice is written for the Airbyte UI ("re-authorise the connector in its settings"); a runner user
re-authorises with ``ledgerbridge authorize``. The clients mark that case with a code at the start of the trace's
``internal_message`` (``invalid_grant: …``), so no prose is parsed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .authorize import SYSTEMS

REFRESH_TOKEN_REFUSED = "invalid_grant"  # noqa: S105 - an OAuth error code, not a password


def error_text(error: dict[str, Any], connector: str, config: Path) -> str:
    internal = str(error.get("internal_message") or "")
    system = next((key for key in SYSTEMS if connector.endswith(key)), None)
    if internal.startswith(REFRESH_TOKEN_REFUSED) and system is not None:
        return (
            f"{SYSTEMS[system].name} refused the refresh token in {config} (it was revoked, expired unused, or used by "
            f"another client). Get a new one with: ledgerbridge authorize {system} --config {config}"
        )
    return str(error.get("message") or internal or "unknown error")
