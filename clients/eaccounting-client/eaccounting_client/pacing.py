"""Client-side pacing for the API's quota of 600 calls per minute, counted per client and endpoint.

Safe to share between threads (the destination writes to several endpoints at once): each endpoint has one window
behind a lock. A call occupies its place from the moment it is released until a full window after its *answer*: the
server counted it somewhere in between, so a call released once the window is free again cannot reach the server
inside that call's minute, however long the request took to get there (a busy machine, a slow network). A call whose
answer never comes (a dropped connection) frees its place a window after the longest a request may take.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import requests
from airbyte_cdk.sources.streams.call_rate import (
    AbstractCallRatePolicy,
    APIBudget,
    CallRateLimitHit,
)

from .scopes import resource_of

CALLS_PER_MINUTE = 600
# The longest a request may take (the clients' read timeout); a call unanswered by then no longer holds its place.
MAX_CALL_SECONDS = 130.0


def _endpoint_of(request: Any) -> str:
    url = request.url if isinstance(request, requests.PreparedRequest | requests.Request) else ""
    # "Endpoint" is the resource collection: /customers and /customers/{id} share one budget. That can only
    # pace us slower than the server would, never faster.
    return resource_of(url or "")


class _EndpointWindow(AbstractCallRatePolicy):
    """One endpoint's window (see module docstring). It counts calls, never keeps the request (or its body)."""

    def __init__(
        self, endpoint: str, limit: int, interval: timedelta, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._endpoint = endpoint
        self._limit = limit
        self._interval = interval.total_seconds()
        self._clock = clock
        self._answered: deque[float] = deque()  # answer times within the last interval
        self._pending: deque[float] = deque()  # release times of calls not answered yet
        self._lock = threading.Lock()

    def matches(self, request: Any) -> bool:
        return True

    def __call__(self, request: Any) -> bool:
        return True

    def update(self, available_calls: int | None, call_reset_ts: Any) -> None:
        """The server sends no budget headers; nothing to adjust."""

    def try_acquire(self, request: Any, weight: int) -> None:
        with self._lock:
            now = self._clock()
            self._forget(now)
            if len(self._answered) + len(self._pending) + weight > self._limit:
                raise CallRateLimitHit(
                    error=f"{self._endpoint}: {self._limit} calls in {self._interval:.0f} s",
                    item=self._endpoint,
                    weight=weight,
                    rate=f"{self._limit}/{self._interval:.0f}s",
                    time_to_wait=timedelta(seconds=self._wait(now)),
                )
            self._pending.extend([now] * weight)

    def answered(self) -> None:
        with self._lock:
            if self._pending:
                self._pending.popleft()
            self._answered.append(self._clock())

    def _forget(self, now: float) -> None:
        while self._answered and self._answered[0] <= now - self._interval:
            self._answered.popleft()
        while self._pending and self._pending[0] <= now - self._interval - MAX_CALL_SECONDS:
            self._pending.popleft()

    def _wait(self, now: float) -> float:
        frees = [self._answered[0] + self._interval] if self._answered else []
        if self._pending:
            frees.append(self._pending[0] + self._interval + MAX_CALL_SECONDS)
        # A call still in flight may be answered any moment; look again soon rather than sleep a whole window.
        return max(min([*frees, now + 0.05 if self._pending else now + self._interval]) - now, 0.001)


class EndpointCallBudget(APIBudget):
    """One moving-window budget per endpoint, created on first use; blocks (sleeps) until a call is free.

    A 429 is not fed back into the window: the backoff strategy already waits out what the server asked for. It is
    counted per endpoint (``throttled``), so that a caller sending in parallel can send less at once.
    """

    def __init__(self, calls_per_minute: int = CALLS_PER_MINUTE, interval: timedelta = timedelta(minutes=1)) -> None:
        super().__init__(policies=[])
        self._limit = calls_per_minute
        self._interval = interval
        self._by_endpoint: dict[str, _EndpointWindow] = {}
        self._throttled: Counter[str] = Counter()
        self._lock = threading.Lock()

    def throttled(self, endpoint: str) -> int:
        """429 answers so far on this endpoint (a resource collection such as ``orders``)."""
        with self._lock:
            return self._throttled[endpoint.lower()]

    def update_from_response(self, request: Any, response: Any) -> None:
        if not isinstance(response, requests.Response):
            return
        endpoint = _endpoint_of(response.request if response.request is not None else request)
        with self._lock:
            window = self._by_endpoint.get(endpoint)
            if response.status_code == 429:
                self._throttled[endpoint.lower()] += 1
        if window is not None:
            window.answered()

    def get_matching_policy(self, request: Any) -> AbstractCallRatePolicy | None:
        endpoint = _endpoint_of(request)
        with self._lock:
            policy = self._by_endpoint.get(endpoint)
            if policy is None:
                policy = _EndpointWindow(endpoint, self._limit, self._interval)
                self._by_endpoint[endpoint] = policy
            return policy
