"""One connection, run the way the Airbyte platform runs it: ``SOURCE read`` piped into ``DESTINATION write``.

Both connectors are real processes speaking the real protocol. The runner sits in the middle, as the platform does:
it passes RECORD and STATE messages from source to destination, keeps the CONTROL messages (rotated tokens) of both
and writes them back to the user's files at once, commits each STATE the destination echoes (the destination echoes a
state only once everything before it is written), and turns the destination's activity LOG lines into the activity
log, the counts and the list of failed records.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .activity_log import ActivityLog, entry_from_destination, now_utc
from .airbyte_messages import parse_line, rotated_config, structured_log, trace_error
from .catalog import configured_catalog, incremental_streams
from .child_processes import child_options
from .config_files import ConnectorConfigFile
from .connection_file import Connection
from .connector import discover, executable, private_files
from .connector_errors import error_text
from .home import DataHome
from .outcome import ConnectionOutcome, FailedRecord
from .planned_writes import describe
from .progress import Reporter
from .state_store import StateStore
from .stop_signals import STOP

# The line exact_online_client's pacer logs after each answer (exact_online_client.rate_limits.BUDGET_EVENT).
BUDGET_EVENT = "exact_budget"
FORWARDED = frozenset({"RECORD", "STATE"})
# How a ledgerbridge destination's closing error trace starts when records failed (its internal_message).
FAILED_RECORDS = "failed_records"
# On SIGINT/SIGTERM: the source is told to stop at once and the destination's input ends; the destination then has
# this long to write what it holds and echo its states before it is terminated, and a little more before it is killed.
SOURCE_KILL_AFTER = 2.0
DESTINATION_TERMINATE_AFTER = 5.0
DESTINATION_KILL_AFTER = 7.0


@dataclass
class RunContext:
    run_id: str
    home: DataHome
    store: StateStore
    activity: ActivityLog
    reporter: Reporter
    dry_run: bool = False
    catalogs: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def discovered(self, connector: str, config_file: ConnectorConfigFile, stderr: Path) -> dict[str, Any]:
        """One ``discover`` per source and config per run: connections reading one source share its catalog."""
        key = (connector, str(config_file.path))
        if key not in self.catalogs:
            self.catalogs[key] = discover(connector, config_file, self.home.scratch, stderr)
        return self.catalogs[key]


def config_files_of(connection: Connection, dry_run: bool = False) -> tuple[ConnectorConfigFile, ConnectorConfigFile]:
    overlay: dict[str, Any] = {}
    if connection.destination.mapping is not None:
        overlay["mapping"] = connection.destination.mapping
    if dry_run:
        overlay["dry_run"] = True
    elif connection.destination.dry_run is not None:
        overlay["dry_run"] = connection.destination.dry_run
    return ConnectorConfigFile(connection.source.config), ConnectorConfigFile(connection.destination.config, overlay)


class ConnectionRun:
    def __init__(self, connection: Connection, context: RunContext) -> None:
        self.connection = connection
        self.context = context
        self.source_config, self.destination_config = config_files_of(connection, context.dry_run)
        self.outcome = ConnectionOutcome(
            connection.name, connection.source.connector, connection.destination.connector, dry_run=context.dry_run
        )
        self._config_lock = threading.Lock()
        self._activity_lock = threading.Lock()
        self._logs_lock = threading.Lock()
        self._budget_lock = threading.Lock()
        self._budget_calls: dict[str, dict[str, int]] = {}
        self._stopping = threading.Event()
        self._failed_records_trace: dict[str, Any] | None = None

    def _stderr(self, role: str) -> Path:
        return self.context.home.logs / f"{self.context.run_id}-{self.connection.name}-{role}.log"

    def run(self) -> ConnectionOutcome:
        started = time.monotonic()
        try:
            self._run()
        finally:
            self.outcome.seconds = time.monotonic() - started
        return self.outcome

    def _run(self) -> None:
        connection, context = self.connection, self.context
        discovered = context.discovered(connection.source.connector, self.source_config, self._stderr("source"))
        if STOP.requested:
            self.outcome.errors.append(f"interrupted ({STOP.name}) before the connectors started")
            return
        catalog = configured_catalog(connection, discovered)
        streams = [s["stream"]["name"] for s in catalog["streams"]]
        for stream in streams:
            self.outcome.tally(stream)
        states = context.store.states_for(connection.name, incremental_streams(catalog))
        context.reporter.connection_started(connection.name, streams)
        inputs: dict[str, Any] = {
            "source_config": self.source_config.effective(),
            "destination_config": self.destination_config.effective(),
            "catalog": catalog,
        }
        if states:
            inputs["state"] = states
        with private_files(context.home.scratch, **inputs) as handed_over:
            files = handed_over.paths
            source_command = [
                executable(connection.source.connector), "read",
                "--config", str(files["source_config"]), "--catalog", str(files["catalog"]),
            ]  # fmt: skip
            if states:
                source_command += ["--state", str(files["state"])]
            destination_command = [
                executable(connection.destination.connector), "write",
                "--config", str(files["destination_config"]), "--catalog", str(files["catalog"]),
            ]  # fmt: skip
            with self._stderr("source").open("ab") as source_err, self._stderr("destination").open("ab") as dest_err:
                destination = subprocess.Popen(
                    destination_command,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=dest_err,
                    pass_fds=handed_over.descriptors_for("destination_config", "catalog"),
                    **child_options(),
                )
                source = subprocess.Popen(
                    source_command,
                    stdout=subprocess.PIPE,
                    stderr=source_err,
                    pass_fds=handed_over.descriptors_for("source_config", "catalog", "state"),
                    **child_options(),
                )
                assert destination.stdin and destination.stdout and source.stdout
                pump = threading.Thread(target=self._pump, args=(source, destination.stdin), daemon=True)
                pump.start()
                try:
                    with STOP.listening(lambda: self._stop(source, destination)):
                        self._drain(destination.stdout)
                finally:
                    pump.join()
                    source_code = _finish(source)
                    destination_code = _finish(destination)
        if self._stopping.is_set():
            self.outcome.errors.append(f"interrupted ({STOP.name}): the connectors were stopped")
            return
        if source_code != 0 and not any(e.startswith("source:") for e in self.outcome.errors):
            self.outcome.errors.append(f"source: {connection.source.connector} exited with {source_code}")
        if self._failed_records_trace is not None and not self.outcome.failures:
            self.outcome.errors.append(f"destination: {self._failed_records_trace.get('message')}")
        elif self._failed_records_trace is not None:
            return  # the destination's non-zero exit says "records failed", which the failures already list
        if destination_code != 0 and not any(e.startswith("destination:") for e in self.outcome.errors):
            self.outcome.errors.append(
                f"destination: {connection.destination.connector} exited with {destination_code}"
            )

    def _stop(self, source: subprocess.Popen[bytes], destination: subprocess.Popen[bytes]) -> None:
        """Called from the signal handler: only signals and timers here, the threads finish the run themselves."""
        self._stopping.set()
        _signal(source, "terminate")
        for delay, process, action in (
            (SOURCE_KILL_AFTER, source, "kill"),
            (DESTINATION_TERMINATE_AFTER, destination, "terminate"),
            (DESTINATION_KILL_AFTER, destination, "kill"),
        ):
            timer = threading.Timer(delay, _signal, args=(process, action))
            timer.daemon = True
            timer.start()

    # ------------------------------------------------------------------------------------------ source side

    def _pump(self, source: subprocess.Popen[bytes], into: IO[bytes]) -> None:
        assert source.stdout is not None
        try:
            for line in source.stdout:
                if self._stopping.is_set():
                    break  # interrupted: what the destination already has is all it gets
                message = parse_line(line)
                if message is None:
                    continue
                kind = message["type"]
                if kind == "RECORD":
                    stream = message["record"]["stream"]
                    self.outcome.tally(stream).read += 1
                    self.context.reporter.record_read(stream)
                if kind in FORWARDED:
                    into.write(line if line.endswith(b"\n") else line + b"\n")
                elif kind == "CONTROL":
                    self._persist(self.source_config, message)
                elif kind == "LOG":
                    if not self._budget_line("source", message):
                        self._keep_log("source", message)
                else:
                    self._note_error("source", message)
        except BrokenPipeError:
            # The destination is gone; whatever it committed is committed. Stop reading, the source has no one to tell.
            source.terminate()
        finally:
            with contextlib.suppress(BrokenPipeError):
                into.close()

    # ------------------------------------------------------------------------------------------ destination side

    def _drain(self, output: IO[bytes]) -> None:
        for line in output:
            message = parse_line(line)
            if message is None:
                continue
            kind = message["type"]
            if kind == "STATE":
                self._commit(message["state"])
            elif kind == "CONTROL":
                self._persist(self.destination_config, message)
            elif kind == "LOG":
                if not self._log_line(message):
                    self._keep_log("destination", message)
            else:
                self._note_error("destination", message)

    def _commit(self, state: dict[str, Any]) -> None:
        if self.context.dry_run:
            return  # a preview must never move the cursor: the real run still has to see those records
        self.context.store.commit_state(self.connection.name, state)
        self.outcome.states_committed += 1

    def _persist(self, config_file: ConnectorConfigFile, message: dict[str, Any]) -> None:
        rotated = rotated_config(message)
        if rotated is not None:
            with self._config_lock:
                config_file.absorb_rotated(rotated)

    def _note_error(self, role: str, message: dict[str, Any]) -> None:
        error = trace_error(message)
        if error is not None and str(error.get("internal_message") or "").startswith(FAILED_RECORDS):
            # The destination's closing "N records failed": each failed record came as an activity line already,
            # and failed records do not hold back the connections that depend on this one.
            self._failed_records_trace = error
            return
        if error is not None:
            ref = self.connection.source if role == "source" else self.connection.destination
            self.outcome.errors.append(f"{role}: {error_text(error, ref.connector, ref.config)}")

    def _keep_log(self, role: str, message: dict[str, Any]) -> None:
        """Connectors log through the protocol (stdout); their lines go next to their stderr, with a time stamp."""
        log = message.get("log") or {}
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        line = f"{stamp} {log.get('level', 'INFO')} {log.get('message', '')}\n"
        with self._logs_lock, self._stderr(role).open("a", encoding="utf-8") as handle:
            handle.write(line)

    def _log_line(self, message: dict[str, Any]) -> bool:
        """Handles the destination's structured lines; False for an ordinary log line."""
        payload = structured_log(message)
        if payload is None:
            return False
        event = payload.get("event")
        if event == "summary":
            self.outcome.destination_summary = payload
        elif event == "api_calls":
            system, calls = payload.get("system"), payload.get("calls")
            if isinstance(system, str) and isinstance(calls, int):
                self.outcome.api_calls[system] = self.outcome.api_calls.get(system, 0) + calls
        elif event == "activity":
            self._activity(payload)
        elif event == BUDGET_EVENT:
            return self._budget_line("destination", message)
        elif event == "preview":
            if self.context.dry_run:  # on the terminal only: never into the activity log or the log files
                self.context.reporter.write_planned(describe(self.connection.name, payload))
        else:
            return False
        return True

    def _budget_line(self, role: str, message: dict[str, Any]) -> bool:
        """Exact's daily budget as a connector saw it (``{"event": "exact_budget", …}``, one line per answer)."""
        payload = structured_log(message)
        if payload is None or payload.get("event") != BUDGET_EVENT or not isinstance(payload.get("division"), str):
            return False
        with self._budget_lock:
            calls = self._budget_calls.setdefault(payload["division"], {})
            calls[role] = _int_or_none(payload.get("calls")) or 0
            self.outcome.exact_budget[payload["division"]] = {
                "remaining": _int_or_none(payload.get("remaining")),
                "limit": _int_or_none(payload.get("limit")),
                "reset_ms": _int_or_none(payload.get("reset_ms")),
                "calls": sum(calls.values()),
            }
        return True

    def _activity(self, payload: dict[str, Any]) -> None:
        stream = str(payload.get("stream") or "?")
        action = str(payload.get("action") or "")
        entry = entry_from_destination(
            payload,
            run_id=self.context.run_id,
            connection=self.connection.name,
            source=self.connection.source.connector,
            destination=self.connection.destination.connector,
            at=now_utc(),
        )
        with self._activity_lock:
            self.context.activity.append([entry])
        self.outcome.tally(stream).count(action)
        for write in _writes_of(payload):
            self.outcome.count_write(str(write.get("target") or stream), str(write.get("action") or ""))
        self.context.reporter.record_handled(stream, action)
        if action == "failed":
            record = payload.get("source_number") or payload.get("source_id") or "?"
            self.outcome.failures.append(
                FailedRecord(
                    self.connection.name, stream, str(record), payload.get("field"), str(payload.get("reason"))
                )
            )


def _writes_of(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Every write of one activity line: its ``writes`` list, or the single target and action it names."""
    writes = payload.get("writes")
    if isinstance(writes, list):
        return [w for w in writes if isinstance(w, dict)]
    if payload.get("action") in ("created", "updated", "planned"):
        return [{"target": payload.get("target"), "action": payload.get("action")}]
    return []


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _signal(process: subprocess.Popen[bytes], action: str) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate() if action == "terminate" else process.kill()


def _finish(process: subprocess.Popen[bytes], grace: float = 30.0) -> int:
    try:
        return process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()
