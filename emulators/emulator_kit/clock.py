"""Emulated wall clock: lets token lifetimes and rate-limit windows be exercised in seconds instead of hours."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class Clock:
    """Epoch time that runs ``speed`` times faster than real time and can be jumped forward.

    Every time-based rule in an emulator reads this clock, never ``time.time()``, so one option speeds them all up.
    """

    def __init__(self, speed: float = 1.0, origin: float | None = None) -> None:
        if speed <= 0:
            raise ValueError("clock speed must be positive")
        self.speed = speed
        self._origin = time.time() if origin is None else origin
        self._started = time.monotonic()
        self._offset = 0.0
        self._lock = threading.Lock()

    def time(self) -> float:
        return self._origin + (time.monotonic() - self._started) * self.speed + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds

    def sleep(self, emulated_seconds: float) -> None:
        """Sleeps long enough in real time for ``emulated_seconds`` to pass on this clock."""
        time.sleep(max(0.0, emulated_seconds) / self.speed)
