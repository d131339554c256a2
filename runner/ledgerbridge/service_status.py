"""What `ledgerbridge serve` shows about itself: per connection its last runs, its last failures and its next run.

One snapshot, read from what the runs recorded (the ``runs`` table, the activity log) plus what only the live service
knows (its schedule, Exact's remaining budget, what is running now). The status page and the metrics both render this
snapshot, so a person and a scraper never disagree.

Messages shown here come from the runner's own records, which hold ids, field names and the mapping's reasons only;
they are still scrubbed of anything shaped like an e-mail address or a credential, because the page may be reachable
by more people than the data directory is.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePath

from .activity_log import ActivityLog
from .connection_file import ConnectionFile
from .home import DataHome
from .state_store import RunRow, StateStore

RUNS_SHOWN = 10
FAILURES_SHOWN = 5


@dataclass(frozen=True)
class LiveInfo:
    """What the running service knows and the data directory does not (filled in by the server)."""

    next_runs: dict[str, datetime | None] = field(default_factory=dict)
    exact_budget_left: dict[str, int | None] = field(default_factory=dict)
    running: frozenset[str] = frozenset()
    airbyte_jobs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RunStatus:
    run_id: str
    started: datetime
    seconds: float | None
    outcome: str  # "ok", "failed", "running", or "interrupted" (started, never finished: the process stopped)
    read: int
    written: int
    failed: int
    api_calls: Mapping[str, int]


@dataclass(frozen=True)
class Failure:
    run_id: str
    at: datetime | None
    message: str


@dataclass(frozen=True)
class ConnectionStatus:
    name: str
    source: str
    destination: str
    runs: tuple[RunStatus, ...]
    runs_by_outcome: Mapping[str, int]
    failures: tuple[Failure, ...]
    next_run: datetime | None
    exact_budget_left: int | None
    running: bool
    airbyte_job: str | None

    @property
    def last_run(self) -> RunStatus | None:
        return self.runs[0] if self.runs else None


@dataclass(frozen=True)
class ServiceStatus:
    generated_at: datetime
    connections: tuple[ConnectionStatus, ...]


def collect(
    home: DataHome,
    connections: ConnectionFile,
    live: LiveInfo,
    *,
    now: datetime | None = None,
    runs_shown: int = RUNS_SHOWN,
    failures_shown: int = FAILURES_SHOWN,
) -> ServiceStatus:
    names = [connection.name for connection in connections.connections]
    record_failures = _record_failures(ActivityLog(home.activity_log), set(names), failures_shown)
    store = StateStore(home.state_db)
    try:
        statuses = []
        for connection in connections.connections:
            rows = store.last_runs(connection.name, runs_shown)
            running = connection.name in live.running
            runs = tuple(_run_status(row, running and index == 0) for index, row in enumerate(rows))
            failures = sorted(
                [*_run_errors(rows), *record_failures.get(connection.name, ())],
                key=lambda failure: failure.at or datetime.min.replace(tzinfo=UTC),
                reverse=True,
            )
            statuses.append(
                ConnectionStatus(
                    name=connection.name,
                    source=PurePath(connection.source.connector).name,
                    destination=PurePath(connection.destination.connector).name,
                    runs=runs,
                    runs_by_outcome=store.outcome_counts(connection.name),
                    failures=tuple(failures[:failures_shown]),
                    next_run=live.next_runs.get(connection.name),
                    exact_budget_left=live.exact_budget_left.get(connection.name),
                    running=running,
                    airbyte_job=live.airbyte_jobs.get(connection.name),
                )
            )
    finally:
        store.close()
    return ServiceStatus(generated_at=now or datetime.now(UTC), connections=tuple(statuses))


def _run_status(row: RunRow, running_now: bool) -> RunStatus:
    summary = row.summary or {}
    streams = summary.get("streams") or {}
    tallies = [tally for tally in streams.values() if isinstance(tally, dict)]
    if row.finished_at is not None:
        outcome, seconds = row.outcome or "failed", row.finished_at - row.started_at
    else:
        outcome, seconds = ("running" if running_now else "interrupted"), None
    calls = summary.get("api_calls") or {}
    return RunStatus(
        run_id=row.run_id,
        started=datetime.fromtimestamp(row.started_at, UTC),
        seconds=seconds,
        outcome=outcome,
        read=sum(int(t.get("read", 0)) for t in tallies),
        written=sum(int(t.get("created", 0)) + int(t.get("updated", 0)) for t in tallies),
        failed=int(summary.get("failed_records", sum(int(t.get("failed", 0)) for t in tallies))),
        api_calls={str(system): int(count) for system, count in calls.items()},
    )


def _run_errors(rows: list[RunRow]) -> list[Failure]:
    """Errors that stopped a whole run (credentials refused, API down) or kept it from starting."""
    failures: list[Failure] = []
    for row in rows:
        summary = row.summary or {}
        at = datetime.fromtimestamp(row.finished_at or row.started_at, UTC)
        reasons = [str(error) for error in summary.get("errors") or []]
        if summary.get("not_run_because"):
            reasons.append(f"not run: {summary['not_run_because']}")
        failures.extend(Failure(row.run_id, at, scrub(reason)) for reason in reasons)
    return failures


def _record_failures(log: ActivityLog, names: set[str], keep: int) -> dict[str, deque[Failure]]:
    """The newest ``keep`` failed records per connection, from one pass over the activity log."""
    found: dict[str, deque[Failure]] = {}
    for entry in log.entries():
        name = entry.get("connection")
        if entry.get("action") != "failed" or name not in names:
            continue
        record = entry.get("source_number") or entry.get("source_id") or "?"
        reason = str(entry.get("reason") or "failed")
        where = entry.get("field")
        if where and not reason.startswith(f"{where}:"):
            reason = f"{where}: {reason}"
        message = f"{entry.get('stream') or '?'} / record {record}: {reason}"
        found.setdefault(str(name), deque(maxlen=keep)).append(
            Failure(str(entry.get("run") or ""), _timestamp(entry.get("ts")), scrub(message))
        )
    return found


def _timestamp(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_CREDENTIAL = re.compile(
    r"(?i)\b(access_token|refresh_token|id_token|client_secret|password|api_key|webhook_secret)(\"?\s*[:=]\s*\"?)[^\s\"&,;]+"
)


def scrub(message: str) -> str:
    """The message without e-mail addresses or credential values (kept readable: only the value is replaced)."""
    message = _EMAIL.sub("[e-mail]", message)
    message = _BEARER.sub(lambda m: f"{m.group(1)} [hidden]", message)
    return _CREDENTIAL.sub(lambda m: f"{m.group(1)}{m.group(2)}[hidden]", message)
