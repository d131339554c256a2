"""A str → str mapping kept on disk, for what a sync remembers per record (ids it created, references it wrote).

Such maps grow with the size of a sync and of the ledger's history; in memory they were the one thing that made a
100k-order sync use more memory than a 1k-order one. SQLite's private temporary database (opened with an empty file
name) keeps a small page cache in memory and the rest in a file that SQLite deletes itself when the connection
closes, so nothing is left behind even when the process is killed mid-sync.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, MutableMapping

# Pages SQLite may cache in memory; beyond this the map lives in its temporary file (negative = KiB, SQLite's unit).
CACHE_KIB = 1024


class DiskMap(MutableMapping[str, str]):
    def __init__(self) -> None:
        # Autocommit with no journal and no syncing: the file is private and dies with the connection, so durability
        # would only cost time.
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("CREATE TABLE map (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")

    def __getitem__(self, key: str) -> str:
        row = self._db.execute("SELECT value FROM map WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return str(row[0])

    def __setitem__(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO map (key, value) VALUES (?, ?)", (key, value))

    def __delitem__(self, key: str) -> None:
        if self._db.execute("DELETE FROM map WHERE key = ?", (key,)).rowcount == 0:
            raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return self._db.execute("SELECT 1 FROM map WHERE key = ?", (key,)).fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        # Materialised: a caller may change the map while iterating, and a live cursor would see those changes.
        return iter([key for (key,) in self._db.execute("SELECT key FROM map ORDER BY key")])

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM map").fetchone()[0])

    def close(self) -> None:
        self._db.close()
