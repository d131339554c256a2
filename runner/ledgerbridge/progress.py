"""Progress while connections run: live bars per stream on a terminal, plain lines when the output is not one."""

from __future__ import annotations

import threading
from typing import Any, Protocol

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from .outcome import ConnectionOutcome


class Reporter(Protocol):
    def connection_started(self, name: str, streams: list[str]) -> None: ...
    def record_read(self, stream: str) -> None: ...
    def record_handled(self, stream: str, action: str) -> None: ...
    def write_planned(self, line: str) -> None: ...
    def connection_finished(self, outcome: ConnectionOutcome) -> None: ...


def reporter_for(console: Console) -> Reporter:
    return LiveBars(console) if console.is_terminal else PlainLines(console)


class PlainLines:
    """One line when a connection starts and one per stream when it ends: readable in cron mail and CI logs."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def connection_started(self, name: str, streams: list[str]) -> None:
        self.console.print(f"{name}: started ({', '.join(streams)})", highlight=False, soft_wrap=True)

    def record_read(self, stream: str) -> None:
        pass

    def record_handled(self, stream: str, action: str) -> None:
        pass

    def write_planned(self, line: str) -> None:
        self.console.print(line, highlight=False, markup=False, soft_wrap=True)

    def connection_finished(self, outcome: ConnectionOutcome) -> None:
        if outcome.not_run_because:
            self.console.print(f"{outcome.name}: not run — {outcome.not_run_because}", highlight=False, soft_wrap=True)
            return
        for stream, tally in outcome.streams.items():
            written = f"planned {tally.planned}" if outcome.dry_run else f"written {tally.created + tally.updated}"
            self.console.print(
                f"{outcome.name}: {stream}: read {tally.read}, {written}, "
                f"skipped {tally.skipped}, failed {tally.failed}",
                highlight=False,
                soft_wrap=True,
            )
        state = "finished" if not outcome.errors else "stopped: " + "; ".join(outcome.errors)
        self.console.print(f"{outcome.name}: {state} in {outcome.seconds:.1f} s", highlight=False, soft_wrap=True)


class LiveBars:
    """A rich progress row per stream: read by the source; written, skipped, failed by the destination."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._lock = threading.Lock()
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}
        self._counts: dict[str, dict[str, int]] = {}
        self._name = ""

    def connection_started(self, name: str, streams: list[str]) -> None:
        self._name = name
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            TextColumn("read {task.fields[read]:>6}"),
            TextColumn("[green]written {task.fields[written]:>6}"),
            TextColumn("skipped {task.fields[skipped]:>6}"),
            TextColumn("[red]failed {task.fields[failed]:>4}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self._progress.start()
        self._tasks, self._counts = {}, {}
        for stream in streams:
            self._add(stream)

    def _add(self, stream: str) -> TaskID:
        assert self._progress is not None
        self._counts[stream] = {"read": 0, "written": 0, "skipped": 0, "failed": 0}
        counts: dict[str, Any] = self._counts[stream]
        task = self._progress.add_task(f"{self._name} / {stream}", total=None, **counts)
        self._tasks[stream] = task
        return task

    def _bump(self, stream: str, column: str) -> None:
        with self._lock:
            if self._progress is None:
                return
            task = self._tasks.get(stream)
            if task is None:
                task = self._add(stream)
            self._counts[stream][column] += 1
            column_count: dict[str, Any] = {column: self._counts[stream][column]}
            self._progress.update(task, **column_count)

    def record_read(self, stream: str) -> None:
        self._bump(stream, "read")

    def write_planned(self, line: str) -> None:
        with self._lock:
            console = self._progress.console if self._progress is not None else self.console
        console.print(line, highlight=False, markup=False, soft_wrap=True)  # above the live rows

    def record_handled(self, stream: str, action: str) -> None:
        column = {"created": "written", "updated": "written", "planned": "written"}.get(action, action)
        if column in ("written", "skipped", "failed"):
            self._bump(stream, column)

    def connection_finished(self, outcome: ConnectionOutcome) -> None:
        with self._lock:
            if self._progress is not None:
                for task in self._tasks.values():
                    self._progress.update(task, total=1, completed=1)
                self._progress.stop()
                self._progress = None
        if outcome.not_run_because:
            self.console.print(f"[yellow]{outcome.name}: not run — {outcome.not_run_because}")
        elif outcome.errors:
            self.console.print(f"[red]{outcome.name}: stopped — " + "; ".join(outcome.errors))
