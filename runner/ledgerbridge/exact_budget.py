"""Exact Online's daily budget (5,000 calls per app and division) under ``serve``'s schedules.

Before the service accepts a connection file it estimates each scheduled connection's Exact calls per day: the runs
its schedule makes in the busiest day times the calls one run needs. The calls a run needs are measured: each run
stores, per division, the calls its connectors made (their pacer logs one ``exact_budget`` line per answer; see
pipe.py). Before a connection's first run the estimate is documented and deliberately generous:
``CALLS_PER_STREAM_ESTIMATE`` per Exact stream read plus ``CALLS_PER_RUN_ESTIMATE`` per run (token refresh, the
current division, a destination's lookups). Runs started by webhooks are not in the estimate — they are what the
reserve is for, and at run time scheduled runs wait while a division has less than the reserve left.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .config_files import ConfigFileError, read_config
from .connection_file import Connection, ConnectionFile, ConnectionFileError
from .state_store import StateStore

EXACT_SOURCE, EXACT_DESTINATION = "source-exact-online", "destination-exact-online"
CALLS_PER_STREAM_ESTIMATE = 3
CALLS_PER_RUN_ESTIMATE = 10
MEASURED_RUNS = 5


class BudgetExceeded(ConnectionFileError):
    """The schedules would spend more than a division's daily budget; the message names connections and numbers."""


def exact_divisions(connection: Connection) -> list[str]:
    """The Exact divisions a connection spends calls on, as keys ``BASE_URL division N`` (or the current one)."""
    found = []
    for ref, key in ((connection.source, "divisions"), (connection.destination, "division")):
        if Path(ref.connector).name not in (EXACT_SOURCE, EXACT_DESTINATION):
            continue
        try:
            config = read_config(ref.config)
        except ConfigFileError:
            continue  # preflight reports the file itself
        base = str(config.get("base_url") or "https://start.exactonline.nl").rstrip("/")
        value = config.get(key)
        divisions = value if isinstance(value, list) else [value] if value is not None else []
        if divisions:
            found += [f"{base} division {d}" for d in divisions]
        else:
            found.append(f"{base} current division of {ref.config.name}")
    return list(dict.fromkeys(found))


def measured_calls(store: StateStore, connection: str) -> int | None:
    """The most Exact calls (all divisions) one of the connection's last runs needed, or None before any."""
    rows = store.recent_runs(connection, MEASURED_RUNS)
    figures = []
    for summary in rows:
        budget = summary.get("exact_budget")
        if isinstance(budget, dict) and budget:
            figures.append(sum(int(v.get("calls") or 0) for v in budget.values() if isinstance(v, dict)))
    return max(figures) if figures else None


def estimated_calls(connection: Connection) -> int:
    exact_streams = len(connection.streams) if Path(connection.source.connector).name == EXACT_SOURCE else 0
    return exact_streams * CALLS_PER_STREAM_ESTIMATE + CALLS_PER_RUN_ESTIMATE


@dataclass
class DivisionLoad:
    division: str
    lines: list[tuple[str, str, int, int, bool]] = field(default_factory=list)  # name, schedule, runs, calls, measured

    @property
    def per_day(self) -> int:
        return sum(runs * calls for _, _, runs, calls, _ in self.lines)


def daily_load(connections: ConnectionFile, store: StateStore) -> list[DivisionLoad]:
    loads: dict[str, DivisionLoad] = {}
    for connection in connections.connections:
        schedule = connection.timing
        if schedule is None or connection.airbyte is not None:
            continue  # runs on webhooks only, or Airbyte runs it (its own budget check is its own)
        divisions = exact_divisions(connection)
        if not divisions:
            continue
        measured = measured_calls(store, connection.name)
        calls = measured if measured is not None else estimated_calls(connection)
        runs = schedule.runs_per_day()
        for division in divisions:
            loads.setdefault(division, DivisionLoad(division)).lines.append(
                (connection.name, schedule.describe(), runs, calls, measured is not None)
            )
    return list(loads.values())


def check_budget(path: Path, connections: ConnectionFile, store: StateStore) -> list[DivisionLoad]:
    """Raises :class:`BudgetExceeded` when a division's schedules exceed its daily limit; else the loads."""
    limit = connections.exact_budget.daily_limit
    loads = daily_load(connections, store)
    problems = []
    for load in loads:
        if load.per_day <= limit:
            continue
        over = load.per_day - limit
        parts = [
            f"{name} ({schedule}: {runs:,} runs x {calls:,} calls {'measured' if measured else 'estimated'}"
            f" = {runs * calls:,})"
            for name, schedule, runs, calls, measured in sorted(load.lines, key=lambda line: -line[2] * line[3])
        ]
        problems.append(
            f"Exact {load.division}: the schedules would spend {load.per_day:,} calls a day, {over:,} over the "
            f"daily budget of {limit:,}: " + "; ".join(parts)
        )
    if problems:
        raise BudgetExceeded(f"{path}: " + "\n  ".join(problems) + "\n  (space the schedules out, e.g. every: 30m)")
    return loads


@dataclass(frozen=True)
class DivisionBudget:
    remaining: int
    limit: int | None
    reset: datetime | None


class BudgetWatch:
    """The latest daily budget left per division, from the runs' ``exact_budget`` figures."""

    def __init__(self, reserve: int) -> None:
        self.reserve = reserve
        self._lock = threading.Lock()
        self._divisions: dict[str, DivisionBudget] = {}
        self._of_connection: dict[str, list[str]] = {}

    def absorb(self, connection: str, figures: dict[str, dict[str, int | None]]) -> None:
        with self._lock:
            for division, values in figures.items():
                remaining, reset_ms = values.get("remaining"), values.get("reset_ms")
                if remaining is None:
                    continue
                reset = datetime.fromtimestamp(reset_ms / 1000, UTC) if reset_ms else None
                self._divisions[division] = DivisionBudget(remaining, values.get("limit"), reset)
            if figures:
                self._of_connection[connection] = sorted(figures)

    def left(self, connection: str) -> int | None:
        """The fewest calls left today among the divisions this connection used last time (None: not known yet)."""
        now = datetime.now(UTC)
        with self._lock:
            figures = [self._divisions[d] for d in self._of_connection.get(connection, []) if d in self._divisions]
        known = [f.remaining for f in figures if f.reset is None or f.reset > now]
        return min(known) if known else None

    def wait_until(self, connection: str) -> datetime | None:
        """When a scheduled run of this connection may go, if its division is below the reserve now."""
        now = datetime.now(UTC)
        with self._lock:
            figures = [self._divisions[d] for d in self._of_connection.get(connection, []) if d in self._divisions]
        low = [f for f in figures if f.remaining <= self.reserve and (f.reset is None or f.reset > now)]
        if not low:
            return None
        resets = [f.reset for f in low if f.reset is not None]
        return max(resets) if resets else None

    def snapshot(self) -> dict[str, DivisionBudget]:
        with self._lock:
            return dict(self._divisions)
