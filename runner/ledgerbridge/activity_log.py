"""The activity log: one JSON line per record a destination handled (from → to, action, reason), ids only.

Lines come from the destinations' activity LOG messages, narrowed to the keys below so that nothing but ids, numbers,
field names and the mapping's reasons can reach the file — never names, addresses or amounts. Retention is applied at
the start of every run: lines older than the limit are dropped by rewriting the file atomically.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

RECORD_KEYS = ("stream", "source_id", "source_number", "action", "target", "target_id", "reason", "field", "dry_run")
WRITE_KEYS = ("target", "action", "target_id", "reason")


def now_utc() -> datetime:
    return datetime.now(UTC)


def entry_from_destination(
    payload: dict[str, Any], *, run_id: str, connection: str, source: str, destination: str, at: datetime
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ts": at.isoformat(timespec="milliseconds"),
        "run": run_id,
        "connection": connection,
        "from": source,
        "to": destination,
    }
    entry.update({key: payload[key] for key in RECORD_KEYS if payload.get(key) is not None})
    writes = payload.get("writes")
    if isinstance(writes, list):
        entry["writes"] = [{k: w[k] for k in WRITE_KEYS if w.get(k) is not None} for w in writes if isinstance(w, dict)]
    return entry


@dataclass(frozen=True)
class LogFilter:
    connection: str | None = None
    stream: str | None = None
    action: str | None = None
    run: str | None = None
    since: datetime | None = None
    record: str | None = None

    def matches(self, entry: dict[str, Any]) -> bool:
        if self.connection and entry.get("connection") != self.connection:
            return False
        if self.stream and entry.get("stream") != self.stream:
            return False
        if self.action and entry.get("action") != self.action:
            return False
        if self.run and entry.get("run") != self.run:
            return False
        if self.record and self.record not in (str(entry.get("source_id")), str(entry.get("source_number"))):
            return False
        return not (self.since and _timestamp(entry) < self.since)


def _timestamp(entry: dict[str, Any]) -> datetime:
    try:
        return datetime.fromisoformat(entry["ts"])
    except (KeyError, TypeError, ValueError):
        return datetime.min.replace(tzinfo=UTC)


class ActivityLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, entries: Iterable[dict[str, Any]]) -> None:
        lines = b"".join(orjson.dumps(entry) + b"\n" for entry in entries)
        if not lines:
            return
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "ab") as handle:
            handle.write(lines)

    def entries(self, where: LogFilter | None = None) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        with self.path.open("rb") as handle:
            for line in handle:
                try:
                    entry = orjson.loads(line)
                except orjson.JSONDecodeError:
                    continue
                if where is None or where.matches(entry):
                    yield entry

    def apply_retention(self, days: int, now: datetime | None = None) -> int:
        """Drops lines older than ``days``; returns how many went."""
        if not self.path.exists():
            return 0
        cutoff = (now or now_utc()) - timedelta(days=days)
        kept, dropped = [], 0
        with self.path.open("rb") as handle:
            for line in handle:
                try:
                    entry = orjson.loads(line)
                except orjson.JSONDecodeError:
                    dropped += 1
                    continue
                if _timestamp(entry) < cutoff:
                    dropped += 1
                else:
                    kept.append(line if line.endswith(b"\n") else line + b"\n")
        if dropped:
            descriptor, temporary = tempfile.mkstemp(prefix=".activity.", dir=self.path.parent)
            with os.fdopen(descriptor, "wb") as handle:
                handle.writelines(kept)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        return dropped
