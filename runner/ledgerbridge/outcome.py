"""What a run of one connection produced: counts per stream, failed records, connector errors, calls, time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACTIONS = ("created", "updated", "skipped", "failed", "planned")


@dataclass
class StreamTally:
    read: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    planned: int = 0

    @property
    def handled(self) -> int:
        return self.created + self.updated + self.skipped + self.failed + self.planned

    def count(self, action: str) -> None:
        if action in ACTIONS:
            setattr(self, action, getattr(self, action) + 1)


@dataclass(frozen=True)
class FailedRecord:
    connection: str
    stream: str
    record: str
    field: str | None
    reason: str

    def line(self) -> str:
        reason = self.reason
        if self.field and not reason.startswith(f"{self.field}:"):
            reason = f"{self.field}: {reason}"
        return f"{self.connection} / {self.stream} / record {self.record}: {reason}"


def distinct_lines(lines: list[str]) -> list[str]:
    """Several records of one document fail for one reason (all lines of an unbalanced entry): list it once."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    return [line if n == 1 else f"{line} ({n} records)" for line, n in counts.items()]


@dataclass
class ConnectionOutcome:
    name: str
    source: str
    destination: str
    dry_run: bool = False
    streams: dict[str, StreamTally] = field(default_factory=dict)
    failures: list[FailedRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    api_calls: dict[str, int] = field(default_factory=dict)
    states_committed: int = 0
    seconds: float = 0.0
    not_run_because: str | None = None
    destination_summary: dict[str, Any] | None = None
    # Per target entity (eAccounting "orders", "customers", Exact "crm/Accounts", …): what each write did. One source
    # record may create a customer and update an order; counted per entity, both show, each once.
    entities: dict[str, StreamTally] = field(default_factory=dict)
    # Exact division → the last {"remaining", "limit", "reset_ms", "calls"} its rate-limit headers showed this run
    # (source and destination each count their own calls; ``calls`` here is their sum).
    exact_budget: dict[str, dict[str, int | None]] = field(default_factory=dict)

    def tally(self, stream: str) -> StreamTally:
        return self.streams.setdefault(stream, StreamTally())

    def count_write(self, entity: str, action: str) -> None:
        if action in ("created", "updated", "planned"):
            self.entities.setdefault(entity, StreamTally()).count(action)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.errors and self.not_run_because is None

    @property
    def written(self) -> int:
        return sum(t.created + t.updated for t in self.streams.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "streams": {name: vars(t) for name, t in self.streams.items()},
            "entities": {name: vars(t) for name, t in self.entities.items()},
            "failed_records": len(self.failures),
            "errors": self.errors,
            "api_calls": self.api_calls,
            "states_committed": self.states_committed,
            "seconds": round(self.seconds, 2),
            "dry_run": self.dry_run,
            "not_run_because": self.not_run_because,
            "exact_budget": self.exact_budget,
        }
