"""SIGINT and SIGTERM during a run: stop the connectors in order, keep what was committed, report "interrupted".

The handler only records the signal and tells the running connection to stop (it never raises into the middle of a
state commit); the run then ends at the next safe point and the command exits 128 + the signal's number.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopSignals:
    def __init__(self) -> None:
        self.signum: int | None = None
        self._listeners: list[Callable[[], None]] = []
        self._lock = threading.RLock()  # the handler may run while the main thread holds it

    @property
    def requested(self) -> bool:
        return self.signum is not None

    @property
    def exit_code(self) -> int:
        return 128 + (self.signum or 0)

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name if self.signum else ""

    @contextmanager
    def handling(self) -> Iterator[StopSignals]:
        """Catches SIGINT/SIGTERM for the block (main thread only, as Python's signal module requires)."""
        self.signum = None
        previous = {number: signal.signal(number, self._handle) for number in STOP_SIGNALS}
        try:
            yield self
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    @contextmanager
    def listening(self, stop: Callable[[], None]) -> Iterator[None]:
        """While the block runs, ``stop`` is called once a stop signal arrives (at once if one already has)."""
        with self._lock:
            self._listeners.append(stop)
        try:
            if self.requested:
                stop()
            yield
        finally:
            with self._lock:
                self._listeners.remove(stop)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        first = self.signum is None
        self.signum = self.signum or signum
        if first:
            with self._lock:
                listeners = list(self._listeners)
            for stop in listeners:
                stop()


STOP = StopSignals()
