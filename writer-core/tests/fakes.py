"""A fake target that plans with the real mapping result types and records every request it is asked to send."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteRecordMessage,
    AirbyteStateBlob,
    AirbyteStateMessage,
    AirbyteStateType,
    AirbyteStreamState,
    StreamDescriptor,
    Type,
)

from ledgerbridge_mappings import Action, PlannedWrite, RecordPlan, SourceRef
from ledgerbridge_writer import (
    BatchWrite,
    RecordFailure,
    RecordWork,
    RecordWriteError,
    Target,
    WriteOutcomeUnknown,
)


class FakeTarget(Target):
    """customers → an account plus a contact linked to it; stock → one line in an end-of-sync count."""

    streams = frozenset({"customers", "stock"})

    def __init__(self, existing: dict[str, str] | None = None, refuse: set[str] | None = None) -> None:
        self.existing = dict(existing or {})  # customer id -> account id already in the target
        self.refuse = refuse or set()  # customer ids whose contact the target refuses
        self.sent: list[tuple[str, str, dict[str, Any]]] = []
        self.lookups_loaded = 0
        self.stock_lines: dict[str, tuple[SourceRef, int]] = {}
        self.fail_batch = False
        self.reject_batch: RecordFailure | None = None  # set: the stock count cannot be planned
        self.stop_on: str | None = None
        # collection -> what happens to each next create there: "landed" (stored, answer lost) or "lost" (never
        # arrived, answer lost); afterwards the answers arrive again
        self.lost_answers: dict[str, list[str]] = {}
        self.lookups: list[str] = []
        self.lookup_fails: Exception | None = None
        self._next = 0

    def load_lookups(self) -> None:
        self.lookups_loaded += 1

    def plan(self, stream: str, record: Mapping[str, Any]) -> RecordWork:
        ref = SourceRef(stream, record.get("id"), record.get("number"))
        plan = RecordPlan(ref)
        if stream == "stock":
            if record.get("quantity") is None:
                plan.fail("quantity", "missing")
                return RecordWork.of(plan)
            self.stock_lines[record["id"]] = (ref, record["quantity"])
            return RecordWork.of(plan, batches={"stock count"})
        if not record.get("email"):
            plan.fail("EmailAddress", "missing; customers are matched on email")
            return RecordWork.of(plan)
        if record["id"] in self.existing:
            plan.writes.append(PlannedWrite("accounts", Action.SKIP, {}, ref, "unchanged", target_id="x"))
            return RecordWork.of(plan)
        key = f"accounts/{record['id']}"
        plan.writes.append(
            PlannedWrite("accounts", Action.CREATE, {"Name": record["name"], "Email": record["email"]}, ref, key=key)
        )
        plan.writes.append(
            PlannedWrite("contacts", Action.CREATE, {"LastName": record["name"]}, ref, links={"Account": key})
        )
        return RecordWork.of(plan)

    def execute(self, write: PlannedWrite, body: dict[str, Any]) -> str | None:
        if self.stop_on is not None and write.source_ref.id == self.stop_on:
            raise RuntimeError("daily budget spent")
        if write.target_collection == "contacts" and write.source_ref.id in self.refuse:
            raise RecordWriteError("LastName", "rejected by the target (400)")
        if write.target_collection == "counts" and self.fail_batch:
            raise RecordWriteError("StockCountLines", "rejected by the target (400)")
        fate = (self.lost_answers.get(write.target_collection) or ["answered"]).pop(0)
        if fate == "lost":
            raise WriteOutcomeUnknown(write.target_collection, "connection dropped")
        self._next += 1
        new_id = f"id-{self._next}"
        self.sent.append((write.target_collection, new_id, body))
        if write.target_collection == "accounts":
            self.existing[write.source_ref.id] = new_id
        if fate == "landed":
            raise WriteOutcomeUnknown(write.target_collection, "HTTP 500")
        return new_id

    def find_written(self, write: PlannedWrite, body: dict[str, Any]) -> str | None:
        self.lookups.append(write.target_collection)
        if self.lookup_fails is not None:
            raise self.lookup_fails
        return next((i for c, i, b in self.sent if c == write.target_collection and b == body), None)

    def batches(self) -> list[BatchWrite]:
        if not self.stock_lines:
            return []
        lines = [{"Item": item, "QuantityNew": qty} for item, (_, qty) in sorted(self.stock_lines.items())]
        sources = [r for r, _ in self.stock_lines.values()]
        if self.reject_batch is not None:
            return [BatchWrite.rejected("stock count", self.reject_batch, sources)]
        ref = SourceRef("stock", None, "count")
        write = PlannedWrite("counts", Action.CREATE, {"Lines": lines}, ref, f"{len(lines)} lines")
        return [BatchWrite("stock count", write, sources)]


def record(stream: str, **data: Any) -> AirbyteMessage:
    return AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream=stream, data=data, emitted_at=0))


def stream_state(stream: str, cursor: int) -> AirbyteMessage:
    return AirbyteMessage(
        type=Type.STATE,
        state=AirbyteStateMessage(
            type=AirbyteStateType.STREAM,
            stream=AirbyteStreamState(
                stream_descriptor=StreamDescriptor(name=stream), stream_state=AirbyteStateBlob(cursor=cursor)
            ),
        ),
    )


def global_state(cursor: int) -> AirbyteMessage:
    return AirbyteMessage(
        type=Type.STATE, state=AirbyteStateMessage(type=AirbyteStateType.LEGACY, data={"cursor": cursor})
    )
