"""The chaos summary: what load was held, which faults were survived, which bad inputs were tried, and the two numbers
that must stay zero — records lost and duplicates — and the files left holding a secret."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

FAULT_STATUSES = {429: "429", 500: "500", 503: "503", 0: "dropped/timed out"}


@dataclass
class Scorecard:
    load: list[str] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)
    bad_inputs: Counter[str] = field(default_factory=Counter)
    records_lost: int = 0
    duplicates: int = 0
    secrets_at_rest: int = 0
    notes: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def held(self, text: str) -> None:
        with self._lock:
            self.load.append(text)

    def survived(self, kind: str, count: int = 1) -> None:
        with self._lock:
            self.faults[kind] += count

    def survived_log(self, log: list[dict]) -> None:
        """Counts the injected failures an emulator's request log shows (status 0 = connection dropped)."""
        for entry in log:
            kind = FAULT_STATUSES.get(entry["status"])
            if kind:
                self.survived(f"injected {kind}")

    def tried(self, kind: str, count: int = 1) -> None:
        with self._lock:
            self.bad_inputs[kind] += count

    def lost(self, count: int) -> None:
        with self._lock:
            self.records_lost += count

    def duplicated(self, count: int) -> None:
        with self._lock:
            self.duplicates += count

    def secrets_left(self, count: int) -> None:
        with self._lock:
            self.secrets_at_rest += count

    def note(self, text: str) -> None:
        with self._lock:
            self.notes.append(text)

    def lines(self) -> list[str]:
        out = ["load held:"]
        out += [f"  - {text}" for text in self.load] or ["  (none)"]
        out.append(f"faults survived: {sum(self.faults.values())}")
        out += [f"  - {kind}: {count}" for kind, count in sorted(self.faults.items())]
        out.append(f"bad inputs tried: {sum(self.bad_inputs.values())}")
        out += [f"  - {kind}: {count}" for kind, count in sorted(self.bad_inputs.items())]
        out.append(f"records lost: {self.records_lost} (must be 0)")
        out.append(f"duplicates: {self.duplicates} (must be 0)")
        out.append(f"files holding a secret after a kill: {self.secrets_at_rest} (must be 0)")
        out += [f"note: {text}" for text in self.notes]
        return out
