"""What the write loop needs to know about one source record: its planned writes, its errors and its batches.

Planned writes and errors are duck-typed after ``ledgerbridge_mappings`` (``PlannedWrite``, ``MappingError``,
``SourceRef``) so that this package needs no mapping code and each destination may plan however it likes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class SourceRefLike(Protocol):
    """Names a source record by ids only (never names or e-mail addresses)."""

    stream: str
    id: str | None
    number: str | None


class PlannedWriteLike(Protocol):
    target_collection: str
    action: Any  # "create" | "update" | "skip" (a StrEnum in ledgerbridge_mappings)
    body: dict[str, Any]
    source_ref: Any
    reason: str
    key: str | None
    target_id: str | None
    links: Mapping[str, str]


class RecordErrorLike(Protocol):
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class RecordFailure:
    """A per-record error raised or returned by a target: the field (source or target shape) and what is wrong."""

    field: str
    message: str


class RecordWriteError(Exception):
    """Raised by ``Target.execute`` when the system refused one write for reasons of that record alone (a 4xx
    answer). The record fails, the sync goes on. Anything else a target raises stops the sync."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


class WriteOutcomeUnknown(Exception):
    """Raised by ``Target.execute`` when a create was sent but its answer was lost (connection dropped, timed out, a
    5xx): it may or may not have landed. The write loop asks ``Target.find_written`` and re-sends at most once, so a
    lost answer never becomes a second copy."""

    def __init__(self, collection: str, cause: str) -> None:
        super().__init__(f"{collection}: the answer to the write was lost ({cause})")
        self.collection = collection
        self.cause = cause


@dataclass(slots=True)
class RecordWork:
    """Everything planned for one source record.

    ``batches`` names the end-of-sync batches (see ``Target.batches``) that took a part of this record, e.g. its line
    in the one stock count of a sync: the record is only done once those batches are committed too.
    """

    source_ref: Any
    writes: list[Any] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    batches: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, *plans: Any, batches: Iterable[str] = ()) -> RecordWork:
        """Merge mapping ``RecordPlan``s of one record (e.g. its item and its stock line) into one unit of work."""
        if not plans:
            raise ValueError("RecordWork.of needs at least one plan")
        work = cls(plans[0].source_ref, batches=set(batches))
        for plan in plans:
            work.writes.extend(plan.writes)
            work.errors.extend(plan.errors)
            work.warnings.extend(plan.warnings)
        return work

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(slots=True)
class BatchWrite:
    """One write that aggregates many records of a sync (one stock count with a line per changed article)."""

    name: str
    write: Any
    sources: list[Any] = field(default_factory=list)
