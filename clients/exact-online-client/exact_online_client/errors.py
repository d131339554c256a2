"""How Exact Online's HTTP answers are classified: what is retried, what waits for the rate window, what fails."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.error_handlers import (
    BackoffStrategy,
    ErrorHandler,
    ErrorResolution,
    ResponseAction,
)

from exact_online_client.rate_limits import RateLimitHeaders

logger = logging.getLogger("airbyte")

MAX_RETRIES = 5


def error_message_of(response: requests.Response) -> str:
    """The human text of an Exact error: OData ``error.message.value``, OAuth ``error_description``, or the body."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, Mapping):
        error = body.get("error")
        if isinstance(error, Mapping):
            message = error.get("message")
            if isinstance(message, Mapping) and message.get("value"):
                return str(message["value"])
            if isinstance(message, str) and message:
                return message
        if body.get("error_description"):
            return str(body["error_description"])
        if isinstance(error, str):
            return error
    text = (response.text or "").strip()
    reason = response.headers.get("Reason")
    return text[:500] or reason or response.reason or f"HTTP {response.status_code}"


# Exact names the property at fault only in its prose, quoted: "Mandatory field is missing: 'OrderedBy'".
_QUOTED_PROPERTY = re.compile(r"'([A-Z][A-Za-z0-9_]*)'")


class ExactOnlineApiError(Exception):
    """Exact refused one request for reasons of that request alone (a 4xx other than 401, 403 and 429): raised by
    ``ExactOnlineClient`` so callers act on the status, Exact's error code and the property at fault rather than on
    prose. ``field`` is ``None`` when Exact's message names no property."""

    def __init__(self, status: int, code: str | None, field: str | None, message: str) -> None:
        self.status, self.code, self.field, self.message = status, code, field, message
        super().__init__(f"Exact Online rejected the request ({status}: {message}).")

    @classmethod
    def from_response(cls, response: requests.Response) -> ExactOnlineApiError:
        message = error_message_of(response)
        found = _QUOTED_PROPERTY.search(message)
        return cls(response.status_code, _error_code_of(response), found.group(1) if found else None, message)


def is_refusal_of_the_request(status: int) -> bool:
    """A 4xx the client hands back as ``ExactOnlineApiError``: not authentication (401: refreshed), not access (403:
    the connection's setup), not rate limits (429: waited for)."""
    return 400 <= status < 500 and status not in (401, 403, 429)


def _error_code_of(response: requests.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, Mapping) else None
    code = error.get("code") if isinstance(error, Mapping) else None
    return str(code) if code not in (None, "") else None


def _when(epoch_ms: int | None) -> str:
    if epoch_ms is None:
        return "an unknown time"
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def daily_budget_message(reset_ms: int | None) -> str:
    return (
        "Exact Online's daily API budget for this app and division is spent; the sync stopped with its progress "
        f"saved and continues after the budget resets at {_when(reset_ms)}."
    )


class ExactOnlineErrorHandler(ErrorHandler):
    """Exact blocks an app after 10 errors per endpoint per hour, so client errors are never retried.

    401 triggers one token refresh and one retry; a minutely 429 waits for the window; a daily 429 stops the stream
    as a transient error; 5xx and connection errors are retried with backoff.
    """

    def __init__(self, max_retries: int = MAX_RETRIES) -> None:
        self._max_retries = max_retries

    @property
    def max_retries(self) -> int | None:
        return self._max_retries

    @property
    def max_time(self) -> int | None:
        return 15 * 60

    def interpret_response(self, response_or_exception: requests.Response | Exception | None = None) -> ErrorResolution:
        if isinstance(response_or_exception, Exception):
            return ErrorResolution(
                ResponseAction.RETRY,
                FailureType.transient_error,
                f"Exact Online could not be reached ({type(response_or_exception).__name__}); retrying.",
            )
        if response_or_exception is None:
            return ErrorResolution(ResponseAction.FAIL, FailureType.system_error, "No response from Exact Online.")
        response = response_or_exception
        status = response.status_code
        if status < 400:
            return ErrorResolution(ResponseAction.SUCCESS)
        if status == 401:
            return ErrorResolution(
                ResponseAction.REFRESH_TOKEN_THEN_RETRY,
                FailureType.config_error,
                "Exact Online rejected the access token. Re-authorise the connector if this persists.",
            )
        if status == 429:
            limits = RateLimitHeaders.of(response)
            if limits.is_daily_exhausted():
                return ErrorResolution(
                    ResponseAction.FAIL, FailureType.transient_error, daily_budget_message(limits.daily_reset_ms)
                )
            return ErrorResolution(
                ResponseAction.RATE_LIMITED,
                FailureType.transient_error,
                "Exact Online's minutely rate limit was hit; waiting for the window to reset.",
            )
        if status >= 500:
            return ErrorResolution(
                ResponseAction.RETRY,
                FailureType.transient_error,
                f"Exact Online answered {status}: {error_message_of(response)}; retrying.",
            )
        detail = error_message_of(response)
        if status == 403:
            return ErrorResolution(
                ResponseAction.FAIL,
                FailureType.config_error,
                f"Exact Online refused access (403: {detail}). Check that the user may open this division and that "
                "the app has the needed scopes.",
            )
        return ErrorResolution(
            ResponseAction.FAIL,
            FailureType.system_error if status != 404 else FailureType.config_error,
            f"Exact Online rejected the request ({status}: {detail}).",
        )


class ExactOnlineBackoffStrategy(BackoffStrategy):
    """A 429 waits exactly until the reset Exact announces; other retries back off exponentially."""

    def __init__(self, clock: Any = None) -> None:
        from exact_online_client.rate_limits import SystemClock

        self._clock = clock or SystemClock()

    def backoff_time(
        self, response_or_exception: requests.Response | requests.RequestException | None, attempt_count: int
    ) -> float | None:
        if isinstance(response_or_exception, requests.Response) and response_or_exception.status_code == 429:
            limits = RateLimitHeaders.of(response_or_exception)
            if limits.minutely_reset_ms is not None:
                return max(0.5, limits.minutely_reset_ms / 1000 - self._clock.time() + 0.25)
            return 60.0
        return min(60.0, 2.0 ** max(0, attempt_count - 1))
