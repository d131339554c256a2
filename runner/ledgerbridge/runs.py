"""A run of a connection file: retention first, then each connection in dependency order, then the notification.

A connection whose connectors stopped with an error (credentials refused, API down, bad catalog) holds back the
connections that depend on it — they would work from stale data. Failed *records* do not: the destination already
skipped them and the dependants can still do their part.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .activity_log import ActivityLog
from .api_calls import CallCounter, NoCounter, spent
from .catalog import CatalogError
from .config_files import ConfigFileError
from .connection_file import ConnectionFile
from .connector import ConnectorError
from .home import DataHome
from .notify import notify_failures
from .outcome import ConnectionOutcome
from .pipe import ConnectionRun, RunContext
from .progress import Reporter
from .state_store import StateStore
from .stop_signals import STOP


@dataclass
class RunResult:
    run_id: str
    outcomes: list[ConnectionOutcome] = field(default_factory=list)
    seconds: float = 0.0
    retention_removed: int = 0
    notified: bool | None = None
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def run_connections(
    connections: ConnectionFile,
    home: DataHome,
    reporter: Reporter,
    *,
    dry_run: bool = False,
    only: Sequence[str] = (),
    with_dependencies: bool = True,
    counter: CallCounter | None = None,
    run_id: str | None = None,
    catalogs: dict[tuple[str, str], dict[str, Any]] | None = None,
) -> RunResult:
    """Runs ``only`` these connections (all when empty), with the ones they depend on unless told otherwise.

    ``catalogs``: discovered catalogs to reuse and fill (a long-running service discovers each source once)."""
    counter = counter or NoCounter()
    result = RunResult(run_id or new_run_id())
    started = time.monotonic()
    activity = ActivityLog(home.activity_log)
    result.retention_removed = activity.apply_retention(connections.activity_log.retention_days)
    store = StateStore(home.state_db)
    context = RunContext(result.run_id, home, store, activity, reporter, dry_run=dry_run)
    if catalogs is not None:
        context.catalogs = catalogs
    stopped: dict[str, str] = {}
    try:
        for connection in connections.in_dependency_order(set(only) or None, with_dependencies=with_dependencies):
            if STOP.requested:
                result.interrupted = True
                break  # a stop signal: the connections not started yet stay for the next run
            blockers = [name for name in connection.depends_on if name in stopped]
            if blockers:
                outcome = ConnectionOutcome(
                    connection.name, connection.source.connector, connection.destination.connector, dry_run=dry_run
                )
                outcome.not_run_because = f"it depends on {', '.join(blockers)}, which stopped with an error"
                reporter.connection_finished(outcome)
                stopped[connection.name] = outcome.not_run_because
                result.outcomes.append(outcome)
                continue
            store.run_started(result.run_id, connection.name)
            before = counter.snapshot()
            run = ConnectionRun(connection, context)
            try:
                outcome = run.run()
            except (ConnectorError, CatalogError, ConfigFileError, OSError) as error:
                outcome = run.outcome
                outcome.errors.append(str(error))
            outcome.api_calls = {**outcome.api_calls, **spent(before, counter.snapshot())}
            reporter.connection_finished(outcome)
            if outcome.errors:
                stopped[connection.name] = outcome.errors[0]
            store.run_finished(result.run_id, connection.name, "ok" if outcome.ok else "failed", outcome.as_dict())
            result.outcomes.append(outcome)
        result.interrupted = STOP.requested
    finally:
        store.close()
        result.seconds = time.monotonic() - started
    if result.interrupted:
        return result  # someone stopped the run on purpose; a notification would be noise (and could hold the exit)
    result.notified = notify_failures(connections.notify, result.outcomes, result.run_id)
    return result
