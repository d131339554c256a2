"""Telling a write Exact refused for this record alone (a 4xx answer: fail the record, go on) from a reason to stop
the sync (daily budget spent, credentials refused, Exact down after retries); and keeping Exact's hourly error block
out of reach.

Exact blocks an app on an endpoint for an hour after 10 error answers (400/401/403/404) there. Validation before
write keeps nearly every bad record away from Exact; should Exact still refuse several writes to one endpoint in a
sync, the rest of that endpoint's writes in the sync are failed here without being sent, and retried next sync.
"""

from __future__ import annotations

from exact_online_client import ExactOnlineApiError
from ledgerbridge_writer import RecordWriteError

MAX_REJECTIONS_PER_ENDPOINT = 3


def rejection_of(error: ExactOnlineApiError, collection: str) -> RecordWriteError:
    """The per-record error for a write Exact refused: on the property Exact names, else on the collection."""
    return RecordWriteError(error.field or collection, f"Exact answered {error.status}: {error.message}")


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
