"""When ``serve`` runs a connection by the clock: cron syntax (``*/10 * * * *``, via croniter) or an interval (``10m``).

The last run of each connection is kept in the data directory (``serve-schedule.json``), so after downtime the
service sees that runs were missed and makes up for them with one run, not one per missed slot: what a run reads is
everything changed since the last one, however many slots passed.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from croniter import croniter

_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_INTERVAL_SECONDS = 60
DAY = timedelta(days=1)


class ScheduleError(ValueError):
    pass


@dataclass(frozen=True)
class Schedule:
    cron_text: str | None = None
    interval_seconds: int | None = None

    @classmethod
    def cron(cls, text: str) -> Schedule:
        if len(text.split()) != 5 or not croniter.is_valid(text):
            raise ScheduleError(f"not a 5-field cron expression (minute hour day month weekday): {text!r}")
        return cls(cron_text=text)

    @classmethod
    def interval(cls, text: str) -> Schedule:
        match = _INTERVAL.match(text)
        if match is None:
            raise ScheduleError(f"not an interval such as 30s, 10m, 2h or 1d: {text!r}")
        seconds = int(match.group(1)) * _UNITS[match.group(2)]
        if seconds < MIN_INTERVAL_SECONDS:
            raise ScheduleError(f"{text!r} is shorter than one minute; Exact's budget is counted per minute")
        return cls(interval_seconds=seconds)

    def next_after(self, moment: datetime) -> datetime:
        if self.interval_seconds is not None:
            return moment + timedelta(seconds=self.interval_seconds)
        assert self.cron_text is not None
        found: datetime = croniter(self.cron_text, moment).get_next(datetime)
        return found

    def runs_per_day(self) -> int:
        """Runs in the busiest 24 hours (for a cron schedule: the busiest of the next 7 days, counted)."""
        if self.interval_seconds is not None:
            return -(-86400 // self.interval_seconds)
        assert self.cron_text is not None
        start = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday: weekday fields count from a known day
        moments = croniter(self.cron_text, start - timedelta(seconds=1))
        per_day: dict[int, int] = {}
        while True:
            moment: datetime = moments.get_next(datetime)
            day = (moment - start).days
            if day >= 7:
                break
            per_day[day] = per_day.get(day, 0) + 1
        return max(per_day.values(), default=0)

    def describe(self) -> str:
        return self.cron_text if self.cron_text is not None else f"every {self.interval_seconds} s"


class LastRuns:
    """The last time each connection was started by ``serve`` (any trigger), kept across restarts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._times: dict[str, datetime] = {}
        if path.exists():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                self._times = {name: datetime.fromisoformat(text) for name, text in loaded.items()}
            except (ValueError, AttributeError, TypeError):
                self._times = {}  # a damaged file: behave as on a first start (the next slot runs)

    def get(self, name: str) -> datetime | None:
        with self._lock:
            return self._times.get(name)

    def mark(self, name: str, moment: datetime) -> None:
        with self._lock:
            self._times[name] = moment
            text = json.dumps({key: value.isoformat() for key, value in self._times.items()}, indent=1)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, self.path)


def next_run(schedule: Schedule, last: datetime | None, now: datetime) -> datetime:
    """The next moment to run: ``now`` when a slot passed since ``last`` (all missed slots make one run), and on the
    very first start (the connection has never been synced by the service)."""
    if last is None:
        return now
    due = schedule.next_after(last)
    return now if due <= now else due
