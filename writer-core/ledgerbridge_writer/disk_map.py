"""A str → str mapping kept on disk, for what a sync remembers per record (ids it created, references it wrote).

Such maps grow with the size of a sync and of the ledger's history; in memory they were the one thing that made a
100k-order sync use more memory than a 1k-order one. SQLite's private temporary database (opened with an empty file
name) keeps a small page cache in memory and the rest in a file that SQLite deletes itself when the connection
closes, so nothing is left behind even when the process is killed mid-sync.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, MutableMapping

# Pages SQLite may cache in memory; beyond this the map lives in its temporary file (negative = KiB, SQLite's unit).
CACHE_KIB = 1024


class DiskMap(MutableMapping[str, str]):
    def __init__(self) -> None:
        # Autocommit with no journal and no syncing: the file is private and dies with the connection, so durability
        # would only cost time.
        # Shared by the write loop's threads; every statement holds the lock (one connection, used one at a time).
        self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("CREATE TABLE map (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")

    def _one(self, sql: str, parameters: tuple[str, ...] = ()) -> tuple[str | int, ...] | None:
        with self._lock:
            row: tuple[str | int, ...] | None = self._db.execute(sql, parameters).fetchone()
            return row

    def __getitem__(self, key: str) -> str:
        row = self._one("SELECT value FROM map WHERE key = ?", (key,))
        if row is None:
            raise KeyError(key)
        return str(row[0])

    def __setitem__(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO map (key, value) VALUES (?, ?)", (key, value))

    def __delitem__(self, key: str) -> None:
        with self._lock:
            deleted = self._db.execute("DELETE FROM map WHERE key = ?", (key,)).rowcount
        if deleted == 0:
            raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        return self._one("SELECT 1 FROM map WHERE key = ?", (key,)) is not None

    def __iter__(self) -> Iterator[str]:
        # Materialised: a caller may change the map while iterating, and a live cursor would see those changes.
        with self._lock:
            return iter([key for (key,) in self._db.execute("SELECT key FROM map ORDER BY key")])

    def __len__(self) -> int:
        row = self._one("SELECT count(*) FROM map")
        return int(row[0]) if row else 0

    def close(self) -> None:
        with self._lock:
            self._db.close()
