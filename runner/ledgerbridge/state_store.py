"""The connection state between runs, in a SQLite file under the data directory (no server to install).

Every STATE message the destination echoes is committed here at once, in its own transaction: the destination echoes a
state only after everything before it is written, so a run that dies halfway resumes from the last committed state and
nothing written is read again as new. Per-stream states replace the earlier state of their stream; a GLOBAL or LEGACY
state replaces the connection's whole state.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS stream_state (
    connection TEXT NOT NULL,
    stream TEXT NOT NULL,
    namespace TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    committed_at REAL NOT NULL,
    PRIMARY KEY (connection, stream, namespace)
);
CREATE TABLE IF NOT EXISTS whole_state (
    connection TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    committed_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT NOT NULL,
    connection TEXT NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL,
    outcome TEXT,
    summary TEXT,
    PRIMARY KEY (run_id, connection)
);
"""


@dataclass(frozen=True)
class RunRow:
    """One connection's part of a run as recorded in ``runs``; ``finished_at`` is None while it runs (or if it died)."""

    run_id: str
    connection: str
    started_at: float
    finished_at: float | None
    outcome: str | None
    summary: dict[str, Any] | None


class StateStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def commit_state(self, connection: str, state: dict[str, Any]) -> None:
        now = time.time()
        kind = state.get("type", "LEGACY")
        with self._db:
            if kind == "STREAM":
                descriptor = state["stream"]["stream_descriptor"]
                self._db.execute(
                    "INSERT OR REPLACE INTO stream_state VALUES (?, ?, ?, ?, ?)",
                    (connection, descriptor["name"], descriptor.get("namespace") or "", json.dumps(state), now),
                )
            else:
                self._db.execute("DELETE FROM stream_state WHERE connection = ?", (connection,))
                self._db.execute(
                    "INSERT OR REPLACE INTO whole_state VALUES (?, ?, ?)", (connection, json.dumps(state), now)
                )

    def states_for(self, connection: str, streams: set[str] | None = None) -> list[dict[str, Any]]:
        """The state messages to hand the source (``--state``), as the platform does: a list of state messages."""
        whole = self._db.execute("SELECT state FROM whole_state WHERE connection = ?", (connection,)).fetchone()
        rows = self._db.execute(
            "SELECT stream, state FROM stream_state WHERE connection = ? ORDER BY stream", (connection,)
        ).fetchall()
        states = [json.loads(state) for stream, state in rows if streams is None or stream in streams]
        if whole and not rows:
            return [json.loads(whole[0])]
        return states

    def forget(self, connection: str, streams: set[str] | None = None) -> int:
        with self._db:
            if streams is None:
                self._db.execute("DELETE FROM whole_state WHERE connection = ?", (connection,))
                return self._db.execute("DELETE FROM stream_state WHERE connection = ?", (connection,)).rowcount
            marks = ",".join("?" * len(streams))
            return self._db.execute(
                f"DELETE FROM stream_state WHERE connection = ? AND stream IN ({marks})",  # noqa: S608 - only placeholders
                (connection, *sorted(streams)),
            ).rowcount

    def run_started(self, run_id: str, connection: str) -> None:
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO runs (run_id, connection, started_at) VALUES (?, ?, ?)",
                (run_id, connection, time.time()),
            )

    def run_finished(self, run_id: str, connection: str, outcome: str, summary: dict[str, Any]) -> None:
        with self._db:
            self._db.execute(
                "UPDATE runs SET finished_at = ?, outcome = ?, summary = ? WHERE run_id = ? AND connection = ?",
                (time.time(), outcome, json.dumps(summary), run_id, connection),
            )

    def last_runs(self, connection: str, limit: int, *, finished: bool = False) -> list[RunRow]:
        """The connection's ``limit`` most recent runs (only those that stored a summary when ``finished``), newest
        first."""
        rows = self._db.execute(
            "SELECT run_id, connection, started_at, finished_at, outcome, summary FROM runs"
            " WHERE connection = ? AND (? = 0 OR summary IS NOT NULL) ORDER BY started_at DESC, run_id DESC LIMIT ?",
            (connection, int(finished), limit),
        ).fetchall()
        return [
            RunRow(run_id, name, started, finished_at, outcome, _summary(summary))
            for run_id, name, started, finished_at, outcome, summary in rows
        ]

    def outcome_counts(self, connection: str) -> dict[str, int]:
        """How many of the connection's runs ended each way (``ok``, ``failed``); unfinished runs are not counted."""
        rows = self._db.execute(
            "SELECT outcome, COUNT(*) FROM runs WHERE connection = ? AND outcome IS NOT NULL GROUP BY outcome",
            (connection,),
        ).fetchall()
        return {outcome: count for outcome, count in rows}

    def recent_runs(self, connection: str, limit: int) -> list[dict[str, Any]]:
        """The summaries of the connection's last finished runs, newest first."""
        rows = self.last_runs(connection, limit, finished=True)
        return [row.summary for row in rows if isinstance(row.summary, dict)]


def _summary(text: str | None) -> dict[str, Any] | None:
    """A stored run summary; one that cannot be read (a run that died mid-write) counts as none."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
