"""Which divisions (Exact companies) a sync covers: the configured list, or the user's current division."""

from __future__ import annotations

from collections.abc import Sequence

from exact_online_client import ExactOnlineClient


class DivisionResolver:
    """Resolves the division list once per run; ``current/Me`` is only asked when the config names none."""

    def __init__(self, client: ExactOnlineClient, configured: Sequence[int | str]) -> None:
        self._client = client
        self._configured = [int(division) for division in configured]
        self._resolved: list[int] | None = None

    def divisions(self) -> list[int]:
        if self._resolved is None:
            self._resolved = list(dict.fromkeys(self._configured)) or [self._client.current_division()]
        return self._resolved

    def inaccessible(self) -> list[int]:
        """Configured divisions the user cannot open (one ``system/Divisions`` call lists those they can)."""
        divisions = self.divisions()
        accessible = {
            int(row["Code"])
            for row in self._client.list("system/Divisions", {"$select": "Code"}, division=divisions[0])
            if row.get("Code") is not None
        }
        return [division for division in divisions if division not in accessible]
