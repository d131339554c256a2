"""The activity log: one structured LOG line per source record — source reference → target id, the action taken and
why — carrying ids, numbers and field names only, never names or e-mail addresses.

Each line is an Airbyte LOG message whose text is a JSON object with ``"event": "activity"``, so it reads in the
Airbyte UI and parses in tests and log pipelines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import orjson
from airbyte_cdk.models import AirbyteLogMessage, AirbyteMessage, Level, Type

from ledgerbridge_mappings import Action, SourceRef


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    SKIPPED = "skipped"
    FAILED = "failed"
    PLANNED = "planned"  # dry run: what would have been sent


_PAST = {Action.CREATE: Outcome.CREATED, Action.UPDATE: Outcome.UPDATED, Action.SKIP: Outcome.SKIPPED}


def outcome_of(action: Action) -> Outcome:
    return _PAST[action]


@dataclass(slots=True)
class WriteResult:
    collection: str
    action: Outcome
    target_id: str | None
    reason: str = ""
    body: dict[str, Any] | None = None  # dry run only: the body that would be sent (ids and values, debug level)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"target": self.collection, "action": self.action.value, "target_id": self.target_id}
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass(slots=True)
class ActivityEntry:
    source_ref: SourceRef
    writes: list[WriteResult] = field(default_factory=list)
    error_field: str | None = None
    error: str | None = None
    dry_run: bool = False

    @property
    def action(self) -> Outcome:
        if self.error is not None:
            return Outcome.FAILED
        if self.dry_run and any(w.action is not Outcome.SKIPPED for w in self.writes):
            return Outcome.PLANNED
        for wanted in (Outcome.CREATED, Outcome.UPDATED):
            if any(w.action is wanted for w in self.writes):
                return wanted
        return Outcome.SKIPPED

    def as_json(self) -> dict[str, Any]:
        ref = self.source_ref
        first = next((w for w in self.writes if w.action is self.action), self.writes[0] if self.writes else None)
        line: dict[str, Any] = {
            "event": "activity",
            "stream": ref.stream,
            "source_id": ref.id,
            "source_number": ref.number,
            "action": self.action.value,
            "target": first.collection if first else None,
            "target_id": first.target_id if first else None,
        }
        if self.error is not None:
            line["field"] = self.error_field
            line["reason"] = self.error
        elif first is not None and first.reason:
            line["reason"] = first.reason
        if len(self.writes) > 1:
            line["writes"] = [w.as_json() for w in self.writes]
        if self.dry_run:
            line["dry_run"] = True
        return line


def log_message(text: str, level: Level = Level.INFO) -> AirbyteMessage:
    return AirbyteMessage(type=Type.LOG, log=AirbyteLogMessage(level=level, message=text))


def json_log(payload: dict[str, Any], level: Level = Level.INFO) -> AirbyteMessage:
    return log_message(orjson.dumps(payload, default=str).decode(), level)  # Decimal amounts as text


def activity_message(entry: ActivityEntry) -> AirbyteMessage:
    level = Level.ERROR if entry.action is Outcome.FAILED else Level.INFO
    return json_log(entry.as_json(), level)
