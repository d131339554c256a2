"""Per endpoint, how many writes may be in flight now: adaptive to the call budget, the round trip and 429 answers.

Each endpoint (target collection) has its own lane, as eAccounting counts its quota per endpoint. A lane allows
``ceil(budget per second x round trip x HEADROOM) + 1`` writes in flight: enough to keep the budget busy while answers
travel, and no more, so surplus writes do not pile up asleep in the client's pacer. A 429 on the endpoint halves the
ceiling (multiplicative decrease); each answered call raises it by 1/ceiling, about one write per round of calls
(additive increase), back up to ``max_in_flight``. The client's pacer still guards the budget itself; the lanes only
decide how many requests try at once.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .concurrency import WriteConcurrency

# Round trips vary; a quarter more in flight than the average needs keeps the budget busy through slow answers.
HEADROOM = 1.25
# Weight of the newest round trip in the moving average.
SMOOTHING = 0.2


@dataclass(slots=True)
class _Lane:
    ceiling: float
    in_flight: int = 0
    round_trip: float | None = None  # seconds, moving average
    throttled_seen: int = 0
    calls: int = 0


class EndpointLanes:
    def __init__(self, concurrency: WriteConcurrency, clock: Callable[[], float] = time.monotonic) -> None:
        self._concurrency = concurrency
        self._clock = clock
        self._lanes: dict[str, _Lane] = {}
        self._changed = threading.Condition()

    def limit(self, endpoint: str) -> int:
        with self._changed:
            return self._limit(self._lane(endpoint))

    def in_flight(self, endpoint: str) -> int:
        with self._changed:
            return self._lane(endpoint).in_flight

    @contextmanager
    def slot(self, endpoint: str) -> Iterator[None]:
        """Holds one of the endpoint's places for the duration of one write (its lookups after a lost answer too)."""
        with self._changed:
            lane = self._lane(endpoint)
            self._changed.wait_for(lambda: lane.in_flight < self._limit(lane))
            lane.in_flight += 1
        started = self._clock()
        try:
            yield
        finally:
            elapsed = self._clock() - started
            throttled = self._concurrency.throttled(endpoint)
            with self._changed:
                lane.in_flight -= 1
                self._learn(lane, elapsed, throttled)
                self._changed.notify_all()

    def _lane(self, endpoint: str) -> _Lane:
        lane = self._lanes.get(endpoint)
        if lane is None:
            lane = self._lanes[endpoint] = _Lane(ceiling=float(self._concurrency.max_in_flight))
        return lane

    def _limit(self, lane: _Lane) -> int:
        most = self._concurrency.max_in_flight
        if most == 1:
            return 1
        if lane.round_trip is None:
            return 1  # the first call measures the round trip before any overlap
        cap = most
        per_minute = self._concurrency.calls_per_minute
        if per_minute is not None:
            cap = math.ceil(per_minute / 60 * lane.round_trip * HEADROOM) + 1
        return max(1, min(most, cap, math.floor(lane.ceiling)))

    def _learn(self, lane: _Lane, elapsed: float, throttled: int) -> None:
        lane.calls += 1
        if throttled > lane.throttled_seen:
            # The call waited out the 429 inside the client: its time says nothing about the round trip.
            lane.throttled_seen = throttled
            lane.ceiling = max(1.0, math.floor(lane.ceiling) / 2)
        else:
            previous = lane.round_trip
            lane.round_trip = elapsed if previous is None else (1 - SMOOTHING) * previous + SMOOTHING * elapsed
            most = float(self._concurrency.max_in_flight)
            lane.ceiling = min(most, lane.ceiling + 1 / max(lane.ceiling, 1.0))
