"""Telling a write Exact refused for this record alone (a 4xx answer: fail the record, go on) from a reason to stop
the sync (daily budget spent, credentials refused, Exact down after retries); and keeping Exact's hourly error block
out of reach.

Exact blocks an app on an endpoint for an hour after 10 error answers (400/401/403/404) there. Validation before
write keeps nearly every bad record away from Exact; should Exact still refuse several writes to one endpoint in a
sync, the rest of that endpoint's writes in the sync are failed here without being sent, and retried next sync.
"""

from __future__ import annotations

import re

from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from exact_online_client import DailyBudgetExhausted
from ledgerbridge_writer import RecordWriteError

# ExactOnlineErrorHandler's wording for a 4xx answer other than 401/403/429 (see exact_online_client.errors).
_REJECTED = re.compile(r"^Exact Online rejected the request \((?P<status>4\d\d): (?P<detail>.*)\)\.?$", re.DOTALL)
_QUOTED_FIELD = re.compile(r"'([A-Z][A-Za-z0-9_]*)'")
MAX_REJECTIONS_PER_ENDPOINT = 3


def rejection_of(error: AirbyteTracedException, collection: str) -> RecordWriteError | None:
    """The per-record error for a refused write, or ``None`` when the sync must stop."""
    if isinstance(error, DailyBudgetExhausted):
        return None
    match = _REJECTED.match(error.message or "")
    if match is None:
        return None
    detail = match.group("detail").strip()
    field = _QUOTED_FIELD.search(detail)
    return RecordWriteError(field.group(1) if field else collection, f"Exact answered {match['status']}: {detail}")


class ErrorBudget:
    """Counts Exact's refusals per endpoint in this sync and stops sending to an endpoint that keeps refusing."""

    def __init__(self, limit: int = MAX_REJECTIONS_PER_ENDPOINT) -> None:
        self.limit = limit
        self.rejections: dict[str, int] = {}

    def check(self, collection: str) -> None:
        if self.rejections.get(collection, 0) >= self.limit:
            raise RecordWriteError(
                collection,
                f"not sent: Exact refused {self.limit} writes to {collection} in this sync, and it blocks an app for "
                "an hour after 10 errors on one endpoint; the record is retried next sync",
            )

    def count(self, collection: str) -> None:
        self.rejections[collection] = self.rejections.get(collection, 0) + 1
