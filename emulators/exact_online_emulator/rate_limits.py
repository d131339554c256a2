"""Exact Online's API limits per (client, division): calls per clock minute and per UTC day with the six
``X-RateLimit-*`` headers, and the block after too many 400/401/403/404 errors on one endpoint within an hour."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from emulator_kit.clock import Clock
from exact_online_emulator.exceptions import Forbidden, TooManyRequests

ERROR_STATUSES = frozenset({400, 401, 403, 404})
HOUR = 3600.0


@dataclass
class Limits:
    minutely: int = 60  # 0 disables
    daily: int = 5000  # 0 disables
    error_block: int = 10  # errors allowed per endpoint per hour; 0 disables


class RateLimiter:
    def __init__(self, clock: Clock, limits: Limits) -> None:
        self.clock = clock
        self.limits = limits
        self._minute: dict[tuple[str, int], tuple[int, int]] = {}  # -> (minute number, calls)
        self._day: dict[tuple[str, int], tuple[int, int]] = {}  # -> (day number, calls)
        self._errors: dict[tuple[str, int, str], deque[float]] = {}
        self._blocked: dict[tuple[str, int, str], float] = {}
        self._lock = threading.Lock()

    def admit(self, client_id: str, division: int, endpoint: str) -> dict[str, str]:
        """Count one call; returns the headers to send, or raises 429 carrying only the exceeded limit's headers."""
        now = self.clock.time()
        with self._lock:
            blocked_until = self._blocked.get((client_id, division, endpoint))
            if blocked_until is not None and now < blocked_until:
                raise Forbidden(
                    f"Forbidden - Too many errors on endpoint '{endpoint}': this app is blocked for this endpoint "
                    f"until {int(blocked_until * 1000)} (epoch ms)."
                )
            key = (client_id, division)
            minute = int(now // 60)
            day = int(now // 86400)
            seen_minute, minute_calls = self._minute.get(key, (minute, 0))
            if seen_minute != minute:
                minute_calls = 0
            seen_day, day_calls = self._day.get(key, (day, 0))
            if seen_day != day:
                day_calls = 0
            minute_reset = str((minute + 1) * 60 * 1000)
            day_reset = str((day + 1) * 86400 * 1000)
            limits = self.limits
            if limits.daily and day_calls >= limits.daily:
                raise TooManyRequests(
                    "daily limit",
                    {
                        "X-RateLimit-Limit": str(limits.daily),
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": day_reset,
                    },
                )
            if limits.minutely and minute_calls >= limits.minutely:
                raise TooManyRequests(
                    "minutely limit",
                    {
                        "X-RateLimit-Minutely-Limit": str(limits.minutely),
                        "X-RateLimit-Minutely-Remaining": "0",
                        "X-RateLimit-Minutely-Reset": minute_reset,
                    },
                )
            minute_calls += 1
            day_calls += 1
            self._minute[key] = (minute, minute_calls)
            self._day[key] = (day, day_calls)
            headers: dict[str, str] = {}
            if limits.daily:
                headers.update(
                    {
                        "X-RateLimit-Limit": str(limits.daily),
                        "X-RateLimit-Remaining": str(limits.daily - day_calls),
                        "X-RateLimit-Reset": day_reset,
                    }
                )
            if limits.minutely:
                headers.update(
                    {
                        "X-RateLimit-Minutely-Limit": str(limits.minutely),
                        "X-RateLimit-Minutely-Remaining": str(limits.minutely - minute_calls),
                        "X-RateLimit-Minutely-Reset": minute_reset,
                    }
                )
            return headers

    def record_status(self, client_id: str, division: int, endpoint: str, status: int) -> None:
        if not self.limits.error_block or status not in ERROR_STATUSES:
            return
        now = self.clock.time()
        key = (client_id, division, endpoint)
        with self._lock:
            if key in self._blocked and now < self._blocked[key]:
                return
            errors = self._errors.setdefault(key, deque())
            errors.append(now)
            while errors and errors[0] <= now - HOUR:
                errors.popleft()
            if len(errors) > self.limits.error_block:
                self._blocked[key] = now + HOUR
                errors.clear()
