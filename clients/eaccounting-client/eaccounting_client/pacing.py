"""Client-side pacing for the API's quota of 600 calls per minute, counted per client and endpoint."""

from __future__ import annotations

import threading
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

    A 429 is not fed back into the window: the backoff strategy already waits out what the server asked for.
    """

    def __init__(self, calls_per_minute: int = CALLS_PER_MINUTE, interval: timedelta = timedelta(minutes=1)) -> None:
        super().__init__(policies=[])
        self._rate = Rate(limit=calls_per_minute, interval=interval)
        self._by_endpoint: dict[str, _EndpointWindow] = {}
        self._lock = threading.Lock()

    def get_matching_policy(self, request: Any) -> AbstractCallRatePolicy | None:
        endpoint = _endpoint_of(request)
        with self._lock:
            policy = self._by_endpoint.get(endpoint)
            if policy is None:
                policy = _EndpointWindow(endpoint, self._rate)
                self._by_endpoint[endpoint] = policy
            return policy
