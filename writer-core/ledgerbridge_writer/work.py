"""What the write loop needs to know about one source record: its planned writes, its errors and its batches.

The write contract itself (``PlannedWrite`` with its ``Action``, ``SourceRef``, ``MappingError``, ``RecordPlan``) is
owned by ``ledgerbridge_mappings`` and used here as is. The dependency points from this package to the mappings, not
the other way: the mappings are pure rules with no I/O and light dependencies, while this package drives Airbyte's
protocol; making the pure package import the Airbyte CDK to reach its own output types would invert that layering.
The plan types depend on nothing, so writer-core gains no behaviour from the mappings, only their vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ledgerbridge_mappings import MappingError, PlannedWrite, RecordPlan, SourceRef


@dataclass(frozen=True, slots=True)
class RecordFailure:
    """A per-record error raised or returned by a target: the field (source or target shape) and what is wrong."""

    field: str
    message: str


#: What can be wrong with one record: a mapping rule refused it, or the target's own checks or answers did.
RecordProblem = MappingError | RecordFailure


class RecordWriteError(Exception):
    """Raised by ``Target.execute`` when the system refused one write for reasons of that record alone (a 4xx
    answer). The record fails, the sync goes on. Anything else a target raises stops the sync."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


class WriteOutcomeUnknown(Exception):
    """Raised by ``Target.execute`` when a create was sent but its answer was lost (connection dropped, timed out, a
    5xx): it may or may not have landed. The write loop asks ``Target.find_written`` and sends again only when the
    lookup finds nothing, at most ``MAX_SENDS`` times in all (see ``writer``), so a lost answer never becomes a second
    copy."""

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

    source_ref: SourceRef
    writes: list[PlannedWrite] = field(default_factory=list)
    errors: list[RecordProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    batches: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, *plans: RecordPlan, batches: Iterable[str] = ()) -> RecordWork:
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
    """One write that aggregates many records of a sync (one stock count with a line per changed article).

    A batch that could not be planned carries its ``failure`` and no write: its records fail with it, and nothing is
    sent (build it with ``BatchWrite.rejected``)."""

    name: str
    write: PlannedWrite | None
    sources: list[SourceRef] = field(default_factory=list)
    failure: RecordFailure | None = None

    def __post_init__(self) -> None:
        if (self.write is None) == (self.failure is None):
            raise ValueError(f"batch {self.name!r} needs either a write or a failure, not both or neither")

    @classmethod
    def rejected(cls, name: str, failure: RecordFailure, sources: list[SourceRef]) -> BatchWrite:
        return cls(name, None, sources, failure)

    def planned(self) -> PlannedWrite:
        """The write to send; raises ``RecordWriteError`` (failing the batch's records) when it was rejected."""
        if self.write is None:
            assert self.failure is not None
            raise RecordWriteError(self.failure.field, self.failure.message)
        return self.write
