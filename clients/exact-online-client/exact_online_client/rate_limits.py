"""Pacing to Exact Online's per-division budgets, read from the X-RateLimit-* headers of every division response.

Exact counts 60 calls per clock minute and 5,000 per day for each app and division. Rather than meeting a 429, the
pacer waits for the minutely reset once the window is spent and refuses to spend a call when the daily budget is gone.
It plugs into the CDK as an API budget, so every request of a stream or of the writer client goes through it.

Threads may share it (the writer can overlap writes): one lock guards the windows, and the remaining count a response
reports is lowered by the calls still in flight on that division, which the server may not have counted yet.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.call_rate import AbstractAPIBudget, AbstractCallRatePolicy
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

logger = logging.getLogger("airbyte")

_DIVISION_IN_PATH = re.compile(r"/api/v1/(?:beta/)?(\d+)/")
# The structured LOG line a runner reads to see the division's daily budget (``{"event": "exact_budget", …}``).
BUDGET_EVENT = "exact_budget"
# Exact's window is the clock minute of its own servers; a little slack absorbs clock skew between them and us.
RESET_SLACK_SECONDS = 1.0


class Clock(Protocol):
    def time(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class DailyBudgetExhausted(AirbyteTracedException):
    """The division's daily call budget is spent: a transient error that names when it resets."""

    def __init__(self, division: str, reset_ms: int | None) -> None:
        from exact_online_client.errors import daily_budget_message

        super().__init__(
            message=daily_budget_message(reset_ms),
            internal_message=f"X-RateLimit-Remaining reached 0 for division {division}",
            failure_type=FailureType.transient_error,
        )
        self.division = division
        self.reset_ms = reset_ms


def _int_header(response: requests.Response, name: str) -> int | None:
    value = response.headers.get(name)
    if value is None or value == "":
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class RateLimitHeaders:
    daily_limit: int | None = None
    daily_remaining: int | None = None
    daily_reset_ms: int | None = None
    minutely_limit: int | None = None
    minutely_remaining: int | None = None
    minutely_reset_ms: int | None = None

    @classmethod
    def of(cls, response: requests.Response) -> RateLimitHeaders:
        return cls(
            daily_limit=_int_header(response, "X-RateLimit-Limit"),
            daily_remaining=_int_header(response, "X-RateLimit-Remaining"),
            daily_reset_ms=_int_header(response, "X-RateLimit-Reset"),
            minutely_limit=_int_header(response, "X-RateLimit-Minutely-Limit"),
            minutely_remaining=_int_header(response, "X-RateLimit-Minutely-Remaining"),
            minutely_reset_ms=_int_header(response, "X-RateLimit-Minutely-Reset"),
        )

    def is_daily_exhausted(self) -> bool:
        """On a 429 Exact sends only the headers of the limit that was exceeded; a spent daily count identifies it."""
        if self.daily_remaining is not None and self.daily_remaining <= 0:
            return self.minutely_remaining is None or self.minutely_remaining > 0
        return False


def division_of(url: str) -> str | None:
    match = _DIVISION_IN_PATH.search(urlsplit(url).path + "/")
    return match.group(1) if match else None


@dataclass
class _Window:
    minutely_remaining: int | None = None
    minutely_reset_ms: int | None = None
    daily_remaining: int | None = None
    daily_reset_ms: int | None = None


class ExactRateLimitPacer(AbstractAPIBudget):
    """Per-division pacing on the X-RateLimit-* headers (see module docstring)."""

    def __init__(self, clock: Clock | None = None, reserve: int = 0) -> None:
        self._clock = clock or SystemClock()
        self._reserve = reserve
        self._windows: dict[str, _Window] = {}
        self._calls: dict[str, int] = {}
        self._in_flight: Counter[str] = Counter()
        self._throttled = 0
        self._lock = threading.Lock()
        self.waited_seconds = 0.0

    def throttled(self, endpoint: str = "") -> int:
        """429 answers so far. Exact's budget is per division, not per endpoint: every endpoint shares the count."""
        with self._lock:
            return self._throttled

    @property
    def clock(self) -> Clock:
        return self._clock

    def acquire_call(self, request: Any, block: bool = True, timeout: float | None = None) -> None:
        division = division_of(request.url or "")
        if division is None:
            return
        with self._lock:
            window = self._windows.setdefault(division, _Window())
            now_ms = self._clock.time() * 1000
            if window.daily_remaining is not None and window.daily_remaining <= 0:
                if window.daily_reset_ms is None or now_ms < window.daily_reset_ms:
                    raise DailyBudgetExhausted(division, window.daily_reset_ms)
                window.daily_remaining = None
            if window.minutely_remaining is not None and window.minutely_remaining <= self._reserve:
                reset_ms = window.minutely_reset_ms
                if reset_ms is not None and now_ms < reset_ms + RESET_SLACK_SECONDS * 1000:
                    wait = (reset_ms - now_ms) / 1000 + RESET_SLACK_SECONDS
                    logger.info(
                        f"Exact Online minutely budget of division {division} is spent; waiting {wait:.1f}s for reset."
                    )
                    self.waited_seconds += wait
                    self._clock.sleep(wait)
                window.minutely_remaining = None
            elif window.minutely_remaining is not None:
                # Counted before the answer arrives so that a burst cannot overrun the window.
                window.minutely_remaining -= 1
            if window.daily_remaining is not None:
                window.daily_remaining -= 1
            self._calls[division] = self._calls.get(division, 0) + 1
            self._in_flight[division] += 1

    def get_matching_policy(self, request: Any) -> AbstractCallRatePolicy | None:
        return None

    def update_from_response(self, request: Any, response: Any) -> None:
        if not isinstance(response, requests.Response):
            return
        division = division_of((response.request.url if response.request is not None else request.url) or "")
        if division is None:
            return
        limits = RateLimitHeaders.of(response)
        with self._lock:
            window = self._windows.setdefault(division, _Window())
            if self._in_flight[division] > 0:
                self._in_flight[division] -= 1
            others = self._in_flight[division]
            if response.status_code == 429:
                self._throttled += 1
            if limits.minutely_remaining is not None:
                window.minutely_remaining = max(limits.minutely_remaining - others, 0)
                window.minutely_reset_ms = limits.minutely_reset_ms
            elif response.status_code == 429 and limits.daily_remaining is None:
                window.minutely_remaining = 0
            if limits.daily_remaining is not None:
                window.daily_remaining = limits.daily_remaining
                window.daily_reset_ms = limits.daily_reset_ms
            calls = self._calls.get(division, 0)
        if limits.daily_remaining is not None:
            # One line per answer: a runner scheduling several connections on one division backs off on it, and
            # the last line of a run says how many calls the run spent (``calls`` counts this process's requests).
            logger.info(
                json.dumps(
                    {
                        "event": BUDGET_EVENT,
                        "division": division,
                        "remaining": limits.daily_remaining,
                        "limit": limits.daily_limit,
                        "reset_ms": limits.daily_reset_ms,
                        "calls": calls,
                    }
                )
            )
