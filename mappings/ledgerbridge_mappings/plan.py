"""What a mapping produces: planned writes, per-record errors and the outcome of one source record.

Plain slotted dataclasses rather than pydantic models: these are built once per record on the hot path, and the
destinations only read them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Names a source record by ids only (never names or e-mail addresses), so it is safe in activity logs."""

    stream: str
    id: str | None
    number: str | None = None

    def __str__(self) -> str:
        parts = [self.stream]
        if self.number is not None:
            parts.append(f"#{self.number}")
        if self.id is not None:
            parts.append(f"({self.id})")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class MappingError:
    """A record that cannot be mapped, naming the record and the field in the source (or target) shape."""

    source_ref: SourceRef
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.source_ref}: {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class PlannedWrite:
    """One request to send.

    ``key`` identifies the object for linking within a plan (``"customers/email:…"``); ``links`` maps a body field to
    the key of another planned write whose created id must be filled in before this one is sent (a new customer's id
    into an order's ``CustomerId``). ``target_id`` is the existing object's id for updates and skips.
    """

    target_collection: str
    action: Action
    body: dict[str, Any]
    source_ref: SourceRef
    reason: str = ""
    key: str | None = None
    target_id: str | None = None
    links: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class RecordPlan:
    """Everything planned for one source record. A record with errors has no writes that must be executed."""

    source_ref: SourceRef
    writes: list[PlannedWrite] = field(default_factory=list)
    errors: list[MappingError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def built(cls, source_ref: SourceRef, fill: Callable[[RecordPlan], None]) -> RecordPlan:
        """The plan ``fill`` makes for one record; a ``RecordRejected`` it raises fails the record, with nothing to
        send (a refused record must not leave half its writes behind)."""
        plan = cls(source_ref)
        try:
            fill(plan)
        except RecordRejected as rejected:
            plan.writes.clear()
            plan.fail(rejected.field, rejected.message)
        return plan

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, field_name: str, message: str) -> None:
        self.errors.append(MappingError(self.source_ref, field_name, message))

    def writes_to(self, collection: str) -> list[PlannedWrite]:
        return [w for w in self.writes if w.target_collection == collection]


class RecordRejected(Exception):
    """Raised inside a mapping to abandon the record; caught at the record boundary and turned into a MappingError."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message
