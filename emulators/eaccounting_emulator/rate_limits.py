"""eAccounting's quota: 600 calls per minute, registered per client and endpoint, on the emulated clock.

A sliding window: "as soon as the number of requests is below the limit, the response will go back to normal".
Rejected calls do not count against the window.
"""

from __future__ import annotations

import math
import threading
from collections import deque

from eaccounting_emulator.exceptions import TooManyRequests
from emulator_kit.clock import Clock

DEFAULT_PER_MINUTE = 600
WINDOW_SECONDS = 60.0


class RateLimiter:
    def __init__(self, clock: Clock, per_minute: int = DEFAULT_PER_MINUTE) -> None:
        self.clock = clock
        self.per_minute = per_minute
        self._calls: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, client_id: str, endpoint: str) -> None:
        """Counts one call, or raises TooManyRequests (HTTP 429, ErrorCode 4010) when the window is full."""
        if self.per_minute <= 0:
            return
        now = self.clock.time()
        with self._lock:
            calls = self._calls.setdefault((client_id, endpoint), deque())
            while calls and calls[0] <= now - WINDOW_SECONDS:
                calls.popleft()
            if len(calls) >= self.per_minute:
                retry_in = max(1, math.ceil(calls[0] + WINDOW_SECONDS - now))
                raise TooManyRequests(self.per_minute, retry_in)
            calls.append(now)
