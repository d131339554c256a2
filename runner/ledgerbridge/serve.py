"""``ledgerbridge serve FILE``: the connections run by their schedules and by Exact's webhooks, until SIGTERM/SIGINT.

One run at a time: the connections share config files (one refresh-token chain each) and one Exact budget per
division, and a short run queue keeps an order's latency low without racing two connectors for a token. Every run
still takes the runner's lock (run_lock.py), so a manual ``ledgerbridge sync`` next to the service never runs a
connection twice at once. Triggers that arrive while a connection runs, or within the debounce window of another,
make one more run of it, not one each.

Where a connection names an Airbyte instance (``airbyte:``), its triggers start that connection's sync through
Airbyte's public API (``AirbyteTarget``) instead of a local run.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console

from .activity_log import ActivityLog, now_utc
from .airbyte_jobs import AirbyteError, AirbyteJobs
from .config_files import tighten_mode
from .connection_file import AirbyteConnection, Connection, ConnectionFile
from .exact_budget import BudgetWatch
from .home import DataHome
from .progress import PlainLines
from .run_lock import RunLockBusy, run_lock
from .runs import new_run_id, run_connections
from .schedules import LastRuns, next_run
from .serve_http import Page, PageHandler, ServeHttp
from .service_status import LiveInfo
from .state_store import StateStore
from .stop_signals import STOP
from .webhook_topics import connections_for

STOP_GRACE_SECONDS = 25.0  # a running sync is told to stop at once; pipe.py kills its connectors after 7 s
LOCK_WAIT_SECONDS = 10.0
LOCK_RETRY_SECONDS = 5.0
SEEN_EVENTS = 10_000  # Exact retries a callback it thinks failed: the same event again, skipped by identity
TICK_SECONDS = 0.2
AIRBYTE_WAIT_SECONDS = 6 * 3600.0
SCHEDULE_FILE = "serve-schedule.json"


@dataclass(frozen=True)
class RunReport:
    ok: bool
    message: str
    exact_budget: dict[str, dict[str, int | None]] = field(default_factory=dict)
    airbyte_job: str | None = None


class RunTarget(Protocol):
    def run(self, connection: Connection, reason: str) -> RunReport: ...


class LocalTarget:
    """A run of one connection on this machine, exactly as ``ledgerbridge sync --only NAME`` would do it."""

    def __init__(self, connections: ConnectionFile, home: DataHome, console: Console) -> None:
        self.connections = connections
        self.home = home
        self.reporter = PlainLines(console)
        # Each source is discovered once per service: a discover is a process start on every run's path otherwise.
        self.catalogs: dict[tuple[str, str], dict[str, Any]] = {}

    def run(self, connection: Connection, reason: str) -> RunReport:
        files = [connection.source.config, connection.destination.config]
        for path in files:
            tighten_mode(path)
        with run_lock(
            self.home.locks, [connection.name], files, wait=LOCK_WAIT_SECONDS, command=f"ledgerbridge serve ({reason})"
        ):
            result = run_connections(
                self.connections,
                self.home,
                self.reporter,
                only=[connection.name],
                with_dependencies=False,
                catalogs=self.catalogs,
            )
        outcome = result.outcomes[0] if result.outcomes else None
        if outcome is None:
            return RunReport(False, "not run (stopping)")
        message = "; ".join(outcome.errors) or (
            f"{len(outcome.failures)} record(s) failed" if outcome.failures else f"{outcome.written} written"
        )
        return RunReport(outcome.ok, message, outcome.exact_budget)


class AirbyteTarget:
    """The connection's sync started on an Airbyte instance; the service waits for and reports the job's outcome.

    The job is stored as a run of the connection (outcome, the job's id and status, its error), so the status page,
    the metrics and ``ledgerbridge log`` show Airbyte-run connections beside local ones."""

    def __init__(self, home: DataHome) -> None:
        self.home = home

    def run(self, connection: Connection, reason: str) -> RunReport:
        assert connection.airbyte is not None
        run_id = new_run_id()
        store = StateStore(self.home.state_db)
        try:
            store.run_started(run_id, connection.name)
            report = self._sync(connection.airbyte)
            summary: dict[str, Any] = {"airbyte_job": report.airbyte_job, "trigger": reason}
            if not report.ok:
                summary["errors"] = [report.message]
            store.run_finished(run_id, connection.name, "ok" if report.ok else "failed", summary)
        finally:
            store.close()
        return report

    def _sync(self, settings: AirbyteConnection) -> RunReport:
        jobs = AirbyteJobs(settings.url, settings.client_id, settings.client_secret.get_secret_value())
        try:
            job_id = jobs.start_sync(settings.connection_id)
        except AirbyteError as error:
            return RunReport(False, f"Airbyte did not start the sync: {error}")
        try:
            outcome = jobs.wait(job_id, AIRBYTE_WAIT_SECONDS)
        except AirbyteError as error:
            return RunReport(False, f"Airbyte job {job_id}: its outcome is unknown: {error}", {}, job_id)
        return RunReport(outcome.ok, f"Airbyte job {job_id}: {outcome.status} {outcome.message}".strip(), {}, job_id)


class Service:
    def __init__(
        self,
        path: Path,
        connections: ConnectionFile,
        home: DataHome,
        console: Console,
        *,
        local: RunTarget | None = None,
        airbyte: RunTarget | None = None,
    ) -> None:
        self.path = path
        self.connections = connections
        self.home = home
        self.console = console
        self.by_name = {c.name: c for c in connections.connections}
        self.local = local or LocalTarget(connections, home, console)
        self.airbyte = airbyte or AirbyteTarget(home)
        self.activity = ActivityLog(home.activity_log)
        self.budget = BudgetWatch(connections.exact_budget.reserve)
        self.last_runs = LastRuns(home.root / SCHEDULE_FILE)
        self._lock = threading.Condition()
        self._due: dict[str, tuple[float, str]] = {}  # name -> (monotonic due time, reason): the run queue
        self._next_scheduled: dict[str, datetime] = {}
        self._running: str | None = None
        self._worker: threading.Thread | None = None
        self._seen: OrderedDict[tuple[str, ...], None] = OrderedDict()
        self._airbyte_jobs: dict[str, str] = {}
        self._absorb_stored_budget()
        now = datetime.now(UTC)
        for connection in connections.connections:
            schedule = connection.timing
            if schedule is not None:
                self._next_scheduled[connection.name] = next_run(schedule, self.last_runs.get(connection.name), now)

    # ----------------------------------------------------------------------------------------- triggers

    def trigger(self, name: str, reason: str, delay: float = 0.0) -> None:
        """Asks for a run of ``name``; one already asked for (or waiting behind a running one) absorbs this one."""
        with self._lock:
            due = time.monotonic() + delay
            if name not in self._due:
                self._due[name] = (due, reason)
            self._lock.notify_all()

    def webhook(self, named: str | None, body: bytes, client: str) -> Page:
        from exact_online_client.webhook_subscriptions import BadCallback, is_validation_request, verified_event

        settings = self.connections.webhooks
        if named is not None and named not in self.by_name:
            return Page.text(f"no connection is named {named!r}\n", 404)
        if is_validation_request(body):
            return Page.text("ok\n")  # Exact's check of a new subscription's callback URL
        if settings is None:
            return Page.text("webhooks are not configured in the connection file\n", 404)
        try:
            event = verified_event(body, settings.secret.get_secret_value())
        except BadCallback as error:
            self._log(named or "", "webhook-refused", f"from {client}: {error}")
            self.console.print(f"webhook refused (401) from {client}: {error}", highlight=False, soft_wrap=True)
            return Page.text("refused: the HashCode does not match\n", 401)
        identity = (event.topic, str(event.division), event.key, event.action, event.created_on)
        with self._lock:
            if identity in self._seen:
                return Page.text("ok (already seen)\n")
            self._seen[identity] = None
            while len(self._seen) > SEEN_EVENTS:
                self._seen.popitem(last=False)
        woken = connections_for(self.connections, event.topic, event.division)
        for connection in woken:
            self.trigger(connection.name, f"webhook {event.topic} {event.action}", settings.debounce_seconds)
        names = ", ".join(c.name for c in woken) or "no connection reads it"
        return Page.text(f"ok: {names}\n")

    # ----------------------------------------------------------------------------------------- loop

    def serve(self, host: str, port: int, pages: Mapping[str, PageHandler], ready: Callable[[str], None]) -> int:
        """Runs until SIGTERM/SIGINT; returns the exit code (0 for a clean stop)."""
        http = ServeHttp(host, port, {"/": self.plain_status, **pages}, self.webhook)
        with STOP.handling():
            http.start()
            ready(http.url)
            self._log("", "serve-started", f"{self.path} on {http.url}")
            try:
                while not STOP.requested:
                    self._tick()
                    with self._lock:
                        self._lock.wait(timeout=TICK_SECONDS)
            finally:
                self._stop(http)
        return 0

    def _tick(self) -> None:
        now = datetime.now(UTC)
        for name, at in list(self._next_scheduled.items()):
            if at > now:
                continue
            wait = self.budget.wait_until(name)
            if wait is not None and wait > now:
                self._next_scheduled[name] = wait
                self._log(name, "run-postponed", f"Exact's daily budget is below the reserve; next try at {wait}")
                continue
            schedule = self.by_name[name].timing
            assert schedule is not None
            self._next_scheduled[name] = schedule.next_after(now)
            self.trigger(name, "schedule")
        with self._lock:
            if self._running is not None or STOP.requested:
                return
            ready = [(due, name) for name, (due, _) in self._due.items() if due <= time.monotonic()]
            if not ready:
                return
            _, name = min(ready)
            _, reason = self._due.pop(name)
            self._running = name
            self._worker = threading.Thread(target=self._run, args=(name, reason), name=f"run-{name}", daemon=True)
            self._worker.start()

    def _run(self, name: str, reason: str) -> None:
        connection = self.by_name[name]
        started = datetime.now(UTC)
        self.last_runs.mark(name, started)
        self._log(name, "run-started", reason)
        target = self.airbyte if connection.airbyte is not None else self.local
        try:
            report = target.run(connection, reason)
        except RunLockBusy as error:
            report = RunReport(False, f"not run: {error}")
            self.trigger(name, reason, LOCK_RETRY_SECONDS)
        except Exception as error:
            report = RunReport(False, f"{type(error).__name__}: {error}")
        self.budget.absorb(name, report.exact_budget)
        if report.airbyte_job:
            self._airbyte_jobs[name] = report.airbyte_job
        seconds = (datetime.now(UTC) - started).total_seconds()
        self._log(name, "run-finished" if report.ok else "run-failed", f"{report.message} ({seconds:.1f} s)")
        with self._lock:
            self._running = None
            self._lock.notify_all()

    def _stop(self, http: ServeHttp) -> None:
        worker = self._worker
        if worker is not None and worker.is_alive():
            self.console.print(f"stopping: waiting for {self._running} to stop safely", highlight=False)
            worker.join(timeout=STOP_GRACE_SECONDS)
        http.stop()
        self._log("", "serve-stopped", f"by {STOP.name or 'request'}")

    # ----------------------------------------------------------------------------------------- what it shows

    def live(self) -> LiveInfo:
        with self._lock:
            running = frozenset({self._running} if self._running else set())
            queued = dict(self._due)
        now_mono, now = time.monotonic(), datetime.now(UTC)
        next_runs: dict[str, datetime | None] = {}
        for name in self.by_name:
            candidates = [self._next_scheduled[name]] if name in self._next_scheduled else []
            if name in queued:
                candidates.append(now + timedelta(seconds=max(queued[name][0] - now_mono, 0)))
            next_runs[name] = min(candidates) if candidates else None
        return LiveInfo(
            next_runs=next_runs,
            exact_budget_left={name: self.budget.left(name) for name in self.by_name},
            running=running,
            airbyte_jobs=dict(self._airbyte_jobs),
        )

    def plain_status(self) -> Page:
        """``/`` until a richer page is plugged in: one line per connection."""
        live = self.live()
        lines = [f"ledgerbridge serve: {self.path}"]
        store = StateStore(self.home.state_db)
        try:
            for name in self.by_name:
                last = store.recent_runs(name, 1)
                summary = last[0] if last else None
                state = "running" if name in live.running else "idle"
                if summary is None:
                    last_text = "no run yet"
                else:
                    errors = summary.get("errors") or []
                    failed = summary.get("failed_records") or 0
                    last_text = f"last run {summary.get('seconds')} s, {failed} failed record(s)"
                    if errors:
                        last_text += f", error: {errors[0]}"
                next_at = live.next_runs.get(name)
                next_text = next_at.isoformat(timespec="seconds") if next_at else "on webhooks only"
                budget = live.exact_budget_left.get(name)
                budget_text = f", Exact calls left today {budget}" if budget is not None else ""
                lines.append(f"{name}: {state}; {last_text}; next {next_text}{budget_text}")
        finally:
            store.close()
        return Page.text("\n".join(lines) + "\n")

    # ----------------------------------------------------------------------------------------- helpers

    def _absorb_stored_budget(self) -> None:
        store = StateStore(self.home.state_db)
        try:
            for name in self.by_name:
                for summary in store.recent_runs(name, 1):
                    figures = summary.get("exact_budget")
                    if isinstance(figures, dict):
                        self.budget.absorb(name, figures)
        finally:
            store.close()

    def _log(self, connection: str, action: str, reason: str) -> None:
        entry = {"ts": now_utc().isoformat(timespec="milliseconds"), "stream": "serve", "action": action}
        if connection:
            entry["connection"] = connection
        entry["reason"] = reason
        self.activity.append([entry])
        self.console.print(
            f"{entry['ts'][:19]} {connection or 'serve'}: {action} {reason}", highlight=False, markup=False
        )
