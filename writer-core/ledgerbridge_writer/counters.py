"""Counts for the end-of-sync summary: records per stream and outcome, requests sent, states released."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .activity import Outcome


@dataclass(slots=True)
class SyncCounters:
    records: Counter[tuple[str, str]] = field(default_factory=Counter)  # (stream, outcome) -> records
    writes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (collection, created|updated) -> requests
    ignored_streams: Counter[str] = field(default_factory=Counter)

    def count_record(self, stream: str, outcome: Outcome) -> None:
        self.records[(stream, outcome.value)] += 1

    def count_write(self, collection: str, outcome: Outcome) -> None:
        self.writes[(collection, outcome.value)] += 1

    @property
    def failed(self) -> int:
        return sum(n for (_, outcome), n in self.records.items() if outcome == Outcome.FAILED.value)

    @property
    def requests(self) -> int:
        return sum(self.writes.values())

    def as_json(self) -> dict[str, Any]:
        per_stream: dict[str, dict[str, int]] = {}
        for (stream, outcome), n in sorted(self.records.items()):
            per_stream.setdefault(stream, {})[outcome] = n
        per_collection: dict[str, dict[str, int]] = {}
        for (collection, outcome), n in sorted(self.writes.items()):
            per_collection.setdefault(collection, {})[outcome] = n
        return {
            "records": per_stream,
            "writes": per_collection,
            "ignored_streams": dict(self.ignored_streams),
        }
