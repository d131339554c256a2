"""Row storage for one collection of one division, indexed for the two ways Exact pages: by key (``$skiptoken=guid'…'``)
and by rowversion (``Timestamp gt N`` on sync endpoints). Both reads cost O(page), not O(table). Lines are found by
their document through an index built on first use, and ``version`` tells a cache that the rows changed."""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator
from typing import Any

Row = dict[str, Any]
# Versions are unique across all tables, so a cache keyed on one never confuses a table with its replacement.
_VERSIONS = itertools.count(1)


class Table:
    """Rows are wire-ready dicts (only non-null values stored) and are never mutated in place: an update stores a new
    dict, so a reader that took a row under the lock can serialise it after releasing the lock."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.rows: dict[str, Row] = {}
        self._sorted_keys: list[str] = []
        self._ts_values: list[int] = []
        self._ts_keys: list[str] = []
        self._stale = 0
        self._groups: dict[str, dict[Any, set[str]]] = {}  # field → value → keys, for the fields asked for
        self.version = next(_VERSIONS)

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, key: str) -> Row | None:
        return self.rows.get(key)

    def load(self, rows: list[Row]) -> None:
        """Bulk insert (seeding, state file): one sort instead of an insort per row."""
        for row in rows:
            self.rows[row[self.key]] = row
        self._sorted_keys = sorted(self.rows)
        ordered = sorted(self.rows.values(), key=lambda r: r.get("Timestamp", 0))
        self._ts_values = [r.get("Timestamp", 0) for r in ordered]
        self._ts_keys = [r[self.key] for r in ordered]
        self._stale = 0
        self._groups = {}
        self.version = next(_VERSIONS)

    def put(self, row: Row) -> None:
        """Insert or replace; the row's Timestamp must be the newest of its division (rowversion semantics)."""
        key = row[self.key]
        previous = self.rows.get(key)
        if previous is not None:
            self._stale += 1
            self._ungroup(key, previous)
        else:
            insort(self._sorted_keys, key)
        self.rows[key] = row
        for name, groups in self._groups.items():
            groups.setdefault(row.get(name), set()).add(key)
        self.version = next(_VERSIONS)
        self._ts_values.append(row["Timestamp"])
        self._ts_keys.append(key)
        if self._stale > 1000 and self._stale > len(self._ts_values) // 2:
            self._compact()

    def remove(self, key: str) -> Row | None:
        row = self.rows.pop(key, None)
        if row is not None:
            index = bisect_left(self._sorted_keys, key)
            del self._sorted_keys[index]
            self._stale += 1
            self._ungroup(key, row)
            self.version = next(_VERSIONS)
        return row

    def where(self, name: str, value: Any) -> list[Row]:
        """Rows whose ``name`` equals ``value`` (the lines of one document) in O(matches)."""
        groups = self._groups.get(name)
        if groups is None:
            groups = self._groups[name] = {}
            for key, row in self.rows.items():
                groups.setdefault(row.get(name), set()).add(key)
        return [self.rows[key] for key in groups.get(value, ())]

    def _ungroup(self, key: str, row: Row) -> None:
        for name, groups in self._groups.items():
            members = groups.get(row.get(name))
            if members is not None:
                members.discard(key)

    def _compact(self) -> None:
        pairs = [(ts, k) for ts, k in zip(self._ts_values, self._ts_keys, strict=True) if self._current(ts, k)]
        self._ts_values = [ts for ts, _k in pairs]
        self._ts_keys = [k for _ts, k in pairs]
        self._stale = 0

    def _current(self, ts: int, key: str) -> bool:
        row = self.rows.get(key)
        return row is not None and row.get("Timestamp") == ts

    def by_key(self, after: str | None = None) -> Iterator[Row]:
        """Rows in key order, starting after ``after``."""
        keys = self._sorted_keys
        start = 0 if after is None else bisect_right(keys, after)
        rows = self.rows
        for index in range(start, len(keys)):
            row = rows.get(keys[index])
            if row is not None:
                yield row

    def since(self, timestamp: int) -> Iterator[Row]:
        """Current rows with Timestamp > ``timestamp`` in Timestamp order."""
        values, keys, rows = self._ts_values, self._ts_keys, self.rows
        for index in range(bisect_right(values, timestamp), len(values)):
            row = rows.get(keys[index])
            if row is not None and row["Timestamp"] == values[index]:
                yield row

    def all(self) -> list[Row]:
        return list(self.rows.values())
