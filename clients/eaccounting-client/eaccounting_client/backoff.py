"""How long to wait before retrying: what a 429 tells us, exponential for everything else."""

from __future__ import annotations

import re

import requests
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy

# "API calls quota exceeded! maximum admitted 600 per Minute. Try again in 55 seconds." (rate-limits page)
_TRY_AGAIN = re.compile(r"try again in (\d+(?:\.\d+)?) second", re.IGNORECASE)
FULL_WINDOW_SECONDS = 60.0
MAX_EXPONENTIAL_SECONDS = 60.0


def rate_limit_wait(response: requests.Response) -> float:
    retry_after = response.headers.get("Retry-After", "").strip()
    if retry_after.replace(".", "", 1).isdigit():
        return max(float(retry_after), 1.0)
    match = _TRY_AGAIN.search(response.text or "")
    if match:
        return max(float(match.group(1)), 1.0)
    return FULL_WINDOW_SECONDS


class EAccountingBackoffStrategy(BackoffStrategy):
    def __init__(self, base_seconds: float = 1.0) -> None:
        self._base = base_seconds

    def backoff_time(
        self,
        response_or_exception: requests.Response | requests.RequestException | None,
        attempt_count: int,
    ) -> float | None:
        if isinstance(response_or_exception, requests.Response) and response_or_exception.status_code == 429:
            return rate_limit_wait(response_or_exception)
        return min(self._base * 2.0 ** max(attempt_count - 1, 0), MAX_EXPONENTIAL_SECONDS)
