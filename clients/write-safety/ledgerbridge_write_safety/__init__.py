"""Which failed creates may be sent again on their own, and what the caller learns when one may not.

A POST creates a new object each time the API processes it. Sending it again is safe only when the first attempt
certainly did not take effect: a 429 (the rate limiter refuses before anything is processed), a 401 (refused at
authentication), or a connection that never opened (refused, name not resolved, connect timeout). When the request may
have reached the API and only its answer was lost — read timeout, connection dropped mid-exchange, any 5xx (neither
Exact Online nor eAccounting documents a 5xx that guarantees nothing was stored) — the POST is not repeated: the caller
gets ``AmbiguousWriteError`` and decides, typically by looking the object up by its natural key. GET, PUT (an update of
a known id) and DELETE are idempotent and keep every retry.

Both wire clients use this one policy; it is HTTP semantics, not either API's protocol.
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.error_handlers import ErrorHandler
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction
from urllib3.exceptions import ConnectTimeoutError

#: Methods whose repetition is not harmless; everything else keeps the handler's retries.
NON_IDEMPOTENT_METHODS = frozenset({"POST", "PATCH"})

# Raised by requests before a single byte left: the request was never sent.
_NOT_SENT = (
    requests.ConnectTimeout,
    requests.exceptions.InvalidURL,
    requests.exceptions.InvalidSchema,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidHeader,
)


class AmbiguousWriteError(Exception):
    """A create may or may not have been stored: it was sent, but its answer was lost. It was not sent again."""

    def __init__(self, method: str, url: str, cause: str) -> None:
        self.method, self.url, self.cause = method, url, cause
        super().__init__(f"{method} {url}: the answer was lost ({cause}); the write may or may not have been stored")


def certainly_not_sent(error: BaseException) -> bool:
    """True when the request never reached the server (so repeating it cannot duplicate anything)."""
    if isinstance(error, _NOT_SENT):
        return True
    if isinstance(error, requests.ConnectionError) and error.args:
        # requests wraps urllib3's MaxRetryError, whose reason says where the connection failed.
        return isinstance(getattr(error.args[0], "reason", None), ConnectTimeoutError)
    return False


class WriteSafeErrorHandler(ErrorHandler):
    """For non-idempotent requests only: the inner handler's decisions, except that an answer lost after the request
    may have been processed is handed back to the caller (``IGNORE``) instead of being retried."""

    def __init__(self, inner: ErrorHandler) -> None:
        self._inner = inner
        self._last = threading.local()

    @property
    def max_retries(self) -> int | None:
        return self._inner.max_retries

    @property
    def max_time(self) -> int | None:
        return self._inner.max_time

    def interpret_response(self, response_or_exception: Any = None) -> ErrorResolution:
        if isinstance(response_or_exception, requests.Response) and response_or_exception.status_code >= 500:
            cause = f"HTTP {response_or_exception.status_code}"
        elif isinstance(response_or_exception, Exception) and not certainly_not_sent(response_or_exception):
            cause = f"{type(response_or_exception).__name__}: {response_or_exception}"
        else:
            return self._inner.interpret_response(response_or_exception)
        self._last.cause = cause
        return ErrorResolution(
            ResponseAction.IGNORE, FailureType.transient_error, f"answer to a write lost ({cause}); not resent blindly"
        )

    def lost_answer(self) -> str:
        """Why the last request on this thread came back without a usable answer."""
        cause, self._last.cause = getattr(self._last, "cause", None), None
        return cause or "no answer"


def raise_if_ambiguous(
    method: str, url: str, response: requests.Response | None, handler: WriteSafeErrorHandler
) -> None:
    """After a non-idempotent request: raise ``AmbiguousWriteError`` when its answer was lost."""
    if response is None or response.status_code >= 500:
        raise AmbiguousWriteError(method, url, handler.lost_answer())
