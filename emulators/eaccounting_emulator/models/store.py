"""One collection of records with a change index, so ``ChangedUtc gt …`` never sorts or scans the whole collection.

Records are replaced, never mutated, once stored: a reader may serialise a page outside the backend lock while a
writer stores a newer version.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import Any

from eaccounting_emulator.query import Since


class Collection:
    def __init__(self, path: str, schema: str, key_field: str | None, stamp_field: str | None) -> None:
        self.path = path
        self.schema = schema
        self.key_field = key_field
        self.stamp_field = stamp_field
        self.records: dict[str, dict[str, Any]] = {}
        # Append-only change log ordered by stamp; an entry is stale once its record has a newer stamp or is gone.
        self._log_stamps: list[str] = []
        self._log_keys: list[str] = []

    def __len__(self) -> int:
        return len(self.records)

    def get(self, key: str) -> dict[str, Any] | None:
        return self.records.get(key)

    def put(self, key: str, record: dict[str, Any]) -> None:
        self.records[key] = record
        if self.stamp_field:
            stamp = record.get(self.stamp_field)
            if stamp is not None:
                if self._log_stamps and stamp < self._log_stamps[-1]:
                    # Seeded history arrives out of order; keep the log sorted (only happens while seeding).
                    index = bisect_right(self._log_stamps, stamp)
                    self._log_stamps.insert(index, stamp)
                    self._log_keys.insert(index, key)
                else:
                    self._log_stamps.append(stamp)
                    self._log_keys.append(key)
                if len(self._log_stamps) > 2 * len(self.records) + 1024:
                    self._compact()

    def delete(self, key: str) -> dict[str, Any] | None:
        return self.records.pop(key, None)

    def values(self) -> list[dict[str, Any]]:
        return list(self.records.values())

    def changed_since(self, since: Since) -> Iterator[dict[str, Any]]:
        """Records whose stamp is after (or at) ``since.value``, oldest change first."""
        find = bisect_left if since.inclusive else bisect_right
        start = find(self._log_stamps, since.value)
        return self._live(start)

    def in_change_order(self) -> Iterator[dict[str, Any]]:
        return self._live(0)

    def _live(self, start: int) -> Iterator[dict[str, Any]]:
        stamps, keys, records, field = self._log_stamps, self._log_keys, self.records, self.stamp_field or ""
        for index in range(start, len(keys)):
            record = records.get(keys[index])
            if record is not None and record.get(field) == stamps[index]:
                yield record

    def _compact(self) -> None:
        live = [(self._log_stamps[i], self._log_keys[i]) for i in range(len(self._log_keys))]
        live = [
            (stamp, key)
            for stamp, key in live
            if (r := self.records.get(key)) and r.get(self.stamp_field or "") == stamp
        ]
        self._log_stamps = [stamp for stamp, _ in live]
        self._log_keys = [key for _, key in live]

    def rebuild_index(self) -> None:
        if not self.stamp_field:
            return
        pairs = sorted(
            (record[self.stamp_field], key)
            for key, record in self.records.items()
            if record.get(self.stamp_field) is not None
        )
        self._log_stamps = [stamp for stamp, _ in pairs]
        self._log_keys = [key for _, key in pairs]


def account_key(fiscal_year_id: str, number: str | int) -> str:
    return f"{fiscal_year_id}/{number}"
