"""Client-side pacing for the API's quota of 600 calls per minute, counted per client and endpoint.

Safe to share between threads (the destination writes to several endpoints at once): each endpoint has one moving
window behind a lock. The window is a second longer than the quota's minute: a call is released when the call one
budget earlier left 61 s before, so it cannot reach the server inside that call's minute even when the earlier request
travelled up to a second slower (599 calls a minute at most instead of 600; no 429 from a round trip's jitter).
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import requests
from airbyte_cdk.sources.streams.call_rate import (
    AbstractCallRatePolicy,
    APIBudget,
    MovingWindowCallRatePolicy,
    Rate,
)

from .scopes import resource_of

CALLS_PER_MINUTE = 600
# The part of the window added against jitter between our clock and the server's arrival times (1 s a minute).
WINDOW_SLACK = 1 / 60


def _endpoint_of(request: Any) -> str:
    url = request.url if isinstance(request, requests.PreparedRequest | requests.Request) else ""
    # "Endpoint" is the resource collection: /customers and /customers/{id} share one budget. That can only
    # pace us slower than the server would, never faster.
    return resource_of(url or "")


class _EndpointWindow(MovingWindowCallRatePolicy):
    """One endpoint's moving window. It records each call under the endpoint's name: the CDK's policy would keep the
    request object itself, body included, for the length of the window, which at a lifted pace is thousands of them."""

    def __init__(self, endpoint: str, rate: Rate) -> None:
        super().__init__(rates=[rate], matchers=[])
        self._endpoint = endpoint

    def try_acquire(self, request: Any, weight: int) -> None:
        super().try_acquire(self._endpoint, weight)


class EndpointCallBudget(APIBudget):
    """One moving-window budget per endpoint, created on first use; blocks (sleeps) until a call is free.

    A 429 is not fed back into the window: the backoff strategy already waits out what the server asked for. It is
    counted per endpoint (``throttled``), so that a caller sending in parallel can send less at once.
    """

    def __init__(self, calls_per_minute: int = CALLS_PER_MINUTE, interval: timedelta = timedelta(minutes=1)) -> None:
        super().__init__(policies=[])
        self._rate = Rate(limit=calls_per_minute, interval=interval * (1 + WINDOW_SLACK))
        self._by_endpoint: dict[str, _EndpointWindow] = {}
        self._throttled: Counter[str] = Counter()
        self._lock = threading.Lock()

    def throttled(self, endpoint: str) -> int:
        """429 answers so far on this endpoint (a resource collection such as ``orders``)."""
        with self._lock:
            return self._throttled[endpoint.lower()]

    def update_from_response(self, request: Any, response: Any) -> None:
        if isinstance(response, requests.Response) and response.status_code == 429:
            endpoint = _endpoint_of(response.request if response.request is not None else request)
            with self._lock:
                self._throttled[endpoint.lower()] += 1

    def get_matching_policy(self, request: Any) -> AbstractCallRatePolicy | None:
        endpoint = _endpoint_of(request)
        with self._lock:
            policy = self._by_endpoint.get(endpoint)
            if policy is None:
                policy = _EndpointWindow(endpoint, self._rate)
                self._by_endpoint[endpoint] = policy
            return policy
