"""One Exact administration's state: a table per collection, the deleted-records log, its rowversion and counters."""

from __future__ import annotations

from dataclasses import dataclass, field

from exact_online_emulator.entities import ENTITY_BY_PATH
from exact_online_emulator.models.store import Table


@dataclass
class Division:
    code: int
    name: str
    country: str
    tables: dict[str, Table] = field(default_factory=dict)
    deleted: Table = field(default_factory=lambda: Table("ID"))
    timestamp: int = 1000  # rowversion: only ever grows, shared by all collections of the division
    counters: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for path, entity in ENTITY_BY_PATH.items():
            self.tables.setdefault(path, Table(entity.key))

    def next_timestamp(self) -> int:
        self.timestamp += 1
        return self.timestamp

    def next_number(self, name: str, start: int = 1) -> int:
        value = self.counters.get(name, start - 1) + 1
        self.counters[name] = value
        return value
