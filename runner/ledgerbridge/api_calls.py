"""API calls spent per system during a connection run.

Connectors may report their own count as a LOG line ``{"event": "api_calls", "system": …, "calls": n}`` (the runner
adds those up). Against the emulators the count is exact and needs no cooperation: each emulator lists every API and
token request it served (``GET /_emulator/requests``), so the runner reads the list's length before and after.
"""

from __future__ import annotations

from typing import Protocol

import requests


class CallCounter(Protocol):
    def snapshot(self) -> dict[str, int]: ...


class NoCounter:
    def snapshot(self) -> dict[str, int]:
        return {}


class EmulatorCallCounter:
    def __init__(self, admin_roots: dict[str, str]) -> None:
        self.admin_roots = admin_roots

    def snapshot(self) -> dict[str, int]:
        counts = {}
        for system, root in self.admin_roots.items():
            response = requests.get(f"{root}/_emulator/requests", timeout=60)
            response.raise_for_status()
            counts[system] = len(response.json())
        return counts


def spent(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {system: after[system] - before.get(system, 0) for system in after}
