"""The system-specific half of a destination: what the write loop asks of Exact Online or eAccounting."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any

from ledgerbridge_mappings import PlannedWrite

from .work import BatchWrite, RecordFailure, RecordWork, RecordWriteError


class Target(ABC):
    """Implemented once per destination system; the write loop drives it.

    Call order in one sync: ``load_lookups()`` once, before the first record is planned (bulk reads); then for each
    flush ``plan()`` every buffered record, ``validate()`` each plan, ``execute()`` each write in order; at the end of
    input ``batches()`` once and ``execute()`` each batch write. ``execute`` must be safe to repeat across syncs: the
    plan of a rerun sees what an earlier (crashed) run wrote and plans a skip.
    """

    #: Stream names this target writes; records of other streams are logged once and ignored.
    streams: frozenset[str] = frozenset()

    def load_lookups(self) -> None:  # noqa: B027 - optional hook
        """Read the target's current state in bulk, once per sync (only called when some record arrives)."""

    @abstractmethod
    def plan(self, stream: str, record: Mapping[str, Any]) -> RecordWork:
        """Map one source record to planned writes (no I/O)."""

    def validate(self, work: RecordWork) -> list[RecordFailure]:
        """Checks beyond the mapping rules before anything is sent (field lengths, formats the API refuses)."""
        return []

    @abstractmethod
    def execute(self, write: PlannedWrite, body: dict[str, Any]) -> str | None:
        """Send one create or update with ``body`` (links already filled in); return the target object's id.

        Raise ``RecordWriteError`` when the system refuses this write alone; ``WriteOutcomeUnknown`` when a create
        was sent but its answer was lost; any other exception stops the sync.
        """

    def find_written(self, write: PlannedWrite, body: dict[str, Any]) -> str | None:
        """After ``WriteOutcomeUnknown``: the id of the object this create made, found with one targeted lookup by
        its natural key (reference, code, e-mail), or ``None`` when it is certainly not there.

        Raise when the lookup cannot tell; the record then fails and is read again next sync, whose bulk read sees
        the object if it did land. A target that cannot look writes up keeps this default.
        """
        raise RecordWriteError(
            write.target_collection, "the answer to the create was lost and this destination cannot look it up"
        )

    def batches(self) -> Iterable[BatchWrite]:
        """Writes aggregated over the whole sync, planned after the last record (e.g. one processed stock count)."""
        return ()

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources at the end of the sync."""
