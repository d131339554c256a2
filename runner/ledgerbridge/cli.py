"""The ``ledgerbridge`` command: sync, preview, check, reconcile, authorize, log, reset, emulator, demo."""

from __future__ import annotations

import argparse
import io
import math
import os
import re
import sys
import webbrowser
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .activity_log import ActivityLog, LogFilter
from .authorize import DEFAULT_PORT, SYSTEMS, AuthorizationError, authorize
from .config_files import ConfigFileError, tighten_mode
from .connection_file import Connection, ConnectionFile, ConnectionFileError, load_connection_file
from .connector import ConnectorError, check
from .home import DataHome
from .pipe import config_files_of
from .preflight import preflight
from .progress import reporter_for
from .run_lock import RunLockBusy, run_lock
from .runs import run_connections
from .state_store import StateStore
from .stop_signals import STOP
from .summary import print_summary

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3
EMULATORS = {"exact-online": "exact-online-emulator", "eaccounting": "eaccounting-emulator"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ledgerbridge", description="Run ledgerbridge connections locally, the way Airbyte runs them."
    )
    parser.add_argument("--home", help="data directory (default $LEDGERBRIDGE_HOME or ~/.local/share/ledgerbridge)")
    commands = parser.add_subparsers(dest="command", required=True)

    for name, text in (
        ("sync", "run the connections: read, map, write; state kept for the next run"),
        ("preview", "dry run: read and plan every write, send nothing, keep no state"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("connection_file", type=Path)
        command.add_argument(
            "--only", action="append", default=[], metavar="NAME", help="this connection (+ its dependencies)"
        )
        _add_wait(command)

    command = commands.add_parser("check", help="check every connector's configuration (credentials, settings)")
    command.add_argument("connection_file", type=Path)
    _add_wait(command)

    command = commands.add_parser("reconcile", help="compare every document on both sides; exit 1 on any difference")
    command.add_argument("connection_file", type=Path)
    command.add_argument("--connection", metavar="NAME", help="only this connection")
    command.add_argument("--since", metavar="DATE", help="only documents dated on or after DATE (YYYY-MM-DD)")
    command.add_argument("--format", choices=["table", "csv", "json"], help="file format for --output")
    command.add_argument("--output", type=Path, metavar="PATH", help="write a row per document to this file")
    _add_wait(command)

    command = commands.add_parser("authorize", help="get the first OAuth tokens (authorisation-code flow)")
    command.add_argument("system", choices=sorted(SYSTEMS))
    command.add_argument("--config", type=Path, required=True, help="the connector config file to store tokens in")
    command.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"redirect listener port (default {DEFAULT_PORT})"
    )
    command.add_argument("--no-browser", action="store_true", help="print the URL instead of opening a browser")
    command.add_argument("--timeout", type=float, default=300.0)

    command = commands.add_parser("log", help="show the activity log")
    command.add_argument("--connection")
    command.add_argument("--stream")
    command.add_argument("--action", choices=["created", "updated", "skipped", "failed", "planned"])
    command.add_argument("--run")
    command.add_argument("--record", help="a source id or number")
    command.add_argument("--since", type=_since, help="e.g. 30m, 2h, 7d or 2026-11-01")
    command.add_argument("--limit", type=int, default=200, help="last N lines (0 = all)")
    command.add_argument("--json", action="store_true", help="JSON lines as stored")

    command = commands.add_parser("reset", help="forget a connection's state: its next run reads everything again")
    command.add_argument("connection_file", type=Path)
    command.add_argument("connection")
    command.add_argument("--stream", action="append", default=[])

    command = commands.add_parser("emulator", help="start an API emulator (options: see emulators/README.md)")
    command.add_argument("system", choices=sorted(EMULATORS))
    command.add_argument("options", nargs=argparse.REMAINDER)

    commands.add_parser("demo", help="both emulators, every flow, then an incremental second run")

    command = commands.add_parser("serve", help="run the connections by their schedules and Exact's webhooks")
    command.add_argument("connection_file", type=Path)
    command.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    command.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080; 0 = any free)")

    command = commands.add_parser("webhooks", help="Exact Online webhook subscriptions for the file's connections")
    command.add_argument("action", choices=["subscribe", "unsubscribe"])
    command.add_argument("connection_file", type=Path)
    return parser


def _add_wait(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--wait",
        nargs="?",
        type=float,
        const=math.inf,
        default=None,
        metavar="SECONDS",
        help="when another run holds the connection or a config file: wait for it (at most SECONDS); default exit 3",
    )


def main(argv: list[str] | None = None) -> int:
    os.umask(0o077)  # whatever the runner creates (state, logs, locks, rotated configs) is this user's alone
    arguments = _parser().parse_args(argv)
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)  # cron mail and CI logs: no wrapping of the summary table
    errors = Console(stderr=True, soft_wrap=True)  # an error line stays one line (grep, cron mail)
    try:
        code = _dispatch(arguments, console)
    except (ConnectionFileError, ConfigFileError, ConnectorError, AuthorizationError) as error:
        errors.print(f"[red]error:[/red] {error}", highlight=False)
        code = EXIT_USAGE
    except RunLockBusy as error:
        errors.print(f"[red]busy:[/red] {error}", highlight=False)
        code = EXIT_BUSY
    except KeyboardInterrupt:
        errors.print("interrupted")
        code = 130
    except OSError as error:  # a data directory or file the user pointed at that cannot be used: no traceback
        where = f"{error.filename}: " if error.filename else ""
        errors.print(f"[red]error:[/red] {where}{error.strerror or error}", highlight=False)
        code = EXIT_FAILED
    if argv is None:
        sys.exit(code)
    return code


def _dispatch(arguments: argparse.Namespace, console: Console) -> int:
    command = arguments.command
    if command == "emulator":
        executable = EMULATORS[arguments.system]
        options = [o for o in arguments.options if o != "--"]
        from .connector import executable as find

        path = find(executable)
        os.execv(path, [path, *options])  # noqa: S606 - the emulator replaces this process, options as given
    if command == "authorize":
        opener = (lambda url: None) if arguments.no_browser else webbrowser.open
        authorize(
            arguments.system, arguments.config, port=arguments.port, open_browser=opener, timeout=arguments.timeout
        )
        return EXIT_OK
    home = DataHome.resolve(arguments.home)
    if command in ("sync", "preview"):
        connections = load_connection_file(arguments.connection_file)
        selected = connections.in_dependency_order(set(arguments.only) or None)
        preflight(arguments.connection_file, connections, selected, home)
        with (
            _locked(home, selected, arguments.wait),
            STOP.handling(),
        ):
            result = run_connections(
                connections, home, reporter_for(console), dry_run=command == "preview", only=arguments.only
            )
        print_summary(console, result)
        console.print(f"Activity log: {home.activity_log}\nState: {home.state_db}", highlight=False)
        if result.interrupted:
            Console(stderr=True, soft_wrap=True).print(
                f"interrupted by {STOP.name}: every state already committed is kept"
            )
            return STOP.exit_code
        return EXIT_OK if result.ok else EXIT_FAILED
    if command == "check":
        return _check(arguments.connection_file, home, console, arguments.wait)
    if command == "reconcile":
        from .reconcile_command import run_reconcile

        connections = load_connection_file(arguments.connection_file)
        chosen = [c for c in connections.in_dependency_order() if arguments.connection in (None, c.name)]
        preflight(arguments.connection_file, connections, chosen, home)
        with _locked(home, chosen, arguments.wait), STOP.handling():
            return run_reconcile(arguments, home, console)
    if command == "log":
        return _log(arguments, home, console)
    if command == "reset":
        connections = load_connection_file(arguments.connection_file)
        if arguments.connection not in {c.name for c in connections.connections}:
            raise ConnectionFileError(f"{arguments.connection_file}: no connection is named {arguments.connection!r}")
        store = StateStore(home.state_db)
        removed = store.forget(arguments.connection, set(arguments.stream) or None)
        store.close()
        console.print(f"{arguments.connection}: forgot the state of {removed} stream(s)")
        return EXIT_OK
    if command == "demo":
        from .demo import run_demo

        return run_demo(console, home)
    if command == "serve":
        return _serve(arguments, home, console)
    if command == "webhooks":
        return _webhooks(arguments, home, console)
    raise AssertionError(command)


def _serve(arguments: argparse.Namespace, home: DataHome, console: Console) -> int:
    from .exact_budget import check_budget
    from .serve import Service
    from .serve_pages import pages_for

    path: Path = arguments.connection_file
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # a service's lines reach the journal (or a pipe) as they happen
    connections = load_connection_file(path)
    preflight(path, connections, connections.in_dependency_order(), home)
    store = StateStore(home.state_db)
    try:
        loads = check_budget(path, connections, store)
    finally:
        store.close()
    for load in loads:
        console.print(
            f"Exact {load.division}: schedules use about {load.per_day:,} of "
            f"{connections.exact_budget.daily_limit:,} calls a day",
            highlight=False,
        )
    service = Service(path, connections, home, console)
    return service.serve(
        arguments.host,
        arguments.port,
        pages_for(service),
        lambda url: console.print(f"serving {path} on {url} (SIGTERM or Ctrl-C stops)", highlight=False),
    )


def _webhooks(arguments: argparse.Namespace, home: DataHome, console: Console) -> int:
    from .webhook_commands import subscribe_all, unsubscribe_all

    path: Path = arguments.connection_file
    connections = load_connection_file(path)
    change = subscribe_all if arguments.action == "subscribe" else unsubscribe_all
    try:
        changes = change(path, connections, home)
    except (ConnectionFileError, RunLockBusy):
        raise
    except Exception as error:  # the client's refusals (token, HTTP status) are the user's to read, not a traceback
        message = getattr(error, "message", None) or str(error)
        Console(stderr=True, soft_wrap=True).print(f"[red]error:[/red] {message}", highlight=False)
        return EXIT_FAILED
    for made in changes:
        console.print(f"{made.config.name}: division {made.division}: {made.topic}: {made.action}", highlight=False)
    if not changes:
        console.print("no subscription to change (no connection reads an Exact stream incrementally)")
    return EXIT_OK


def _locked(home: DataHome, connections: list[Connection], wait: float | None) -> AbstractContextManager[None]:
    """The run lock over these connections and every config file they use (see run_lock.py)."""
    files = [ref.config for c in connections for ref in (c.source, c.destination)]
    for path in dict.fromkeys(files):
        old = tighten_mode(path)
        if old is not None:
            Console(stderr=True, soft_wrap=True).print(
                f"note: {path} holds credentials and was readable by others (mode {old:04o}); it is now 0600",
                highlight=False,
            )
    return run_lock(home.locks, [c.name for c in connections], files, wait=wait)


def _check(path: Path, home: DataHome, console: Console, wait: float | None = None) -> int:
    connections = load_connection_file(path)
    preflight(path, connections, connections.in_dependency_order(), home)
    with _locked(home, connections.in_dependency_order(), wait):
        return _check_each(connections, home, console)


def _check_each(connections: ConnectionFile, home: DataHome, console: Console) -> int:
    table = Table(title="check")
    for column in ("connection", "connector", "config", "status"):
        table.add_column(column)
    failed = False
    for connection in connections.in_dependency_order():
        source_file, destination_file = config_files_of(connection)
        for role, ref, config_file in (
            ("source", connection.source, source_file),
            ("destination", connection.destination, destination_file),
        ):
            log = home.logs / f"check-{connection.name}-{role}.log"
            try:
                ok, message = check(ref.connector, config_file, home.scratch, log)
            except ConnectorError as error:
                ok, message = False, str(error)
            failed |= not ok
            status = "[green]ok" if ok else f"[red]FAILED[/red] {message}"
            table.add_row(connection.name, ref.connector, str(ref.config), status)
    console.print(table)
    return EXIT_FAILED if failed else EXIT_OK


def parse_since(text: str, now: datetime | None = None) -> datetime:
    match = re.fullmatch(r"(\d+)\s*([mhd])", text.strip())
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        delta = {"m": timedelta(minutes=amount), "h": timedelta(hours=amount), "d": timedelta(days=amount)}[unit]
        return (now or datetime.now(UTC)) - delta
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _since(text: str) -> datetime:
    """``--since``: argparse reports a bad value as a usage error (exit 2), never a traceback."""
    try:
        return parse_since(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a duration (30m, 2h, 7d) nor a date (2026-11-01, 2026-11-01T08:00)"
        ) from None


def _log(arguments: argparse.Namespace, home: DataHome, console: Console) -> int:
    where = LogFilter(
        connection=arguments.connection,
        stream=arguments.stream,
        action=arguments.action,
        run=arguments.run,
        record=arguments.record,
        since=arguments.since,
    )
    entries = list(ActivityLog(home.activity_log).entries(where))
    if arguments.limit:
        entries = entries[-arguments.limit :]
    if arguments.json:
        import orjson

        for entry in entries:
            sys.stdout.write(orjson.dumps(entry).decode() + "\n")
        return EXIT_OK
    table = Table(title=f"activity ({len(entries)} lines) — {home.activity_log}")
    for column in ("time", "connection", "stream", "record", "action", "target", "target id", "reason"):
        table.add_column(column)
    for entry in entries:
        reason = entry.get("reason") or ""
        if entry.get("field"):
            reason = f"{entry['field']}: {reason}"
        table.add_row(
            entry.get("ts", "")[:19].replace("T", " "),
            entry.get("connection", ""),
            entry.get("stream", ""),
            str(entry.get("source_number") or entry.get("source_id") or ""),
            entry.get("action", ""),
            entry.get("target") or "",
            str(entry.get("target_id") or ""),
            reason,
        )
    console.print(table)
    return EXIT_OK
