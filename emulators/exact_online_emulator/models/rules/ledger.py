"""What the business rules may do to the backend's state, so the rules depend on this contract and the backend on
the rules, never both ways."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from emulator_kit.clock import Clock
from exact_online_emulator.entities import Entity
from exact_online_emulator.models.division import Division
from exact_online_emulator.models.store import Row


class Ledger(Protocol):
    clock: Clock

    def new_guid(self) -> str: ...

    def now_wire(self) -> str: ...

    def stamp(self, division: Division, entity: Entity, row: Row, *, created: bool) -> Row: ...

    def touch(self, division: Division, path: str, key: str, changes: dict[str, Any] | None = None) -> Row: ...

    def remove_row(self, division: Division, path: str, key: str) -> Row | None: ...

    def lines_of(self, division: Division, entity: Entity, key: str) -> list[Row]: ...

    def convert_body(self, entity: Entity, body: Any, *, creating: bool) -> tuple[dict[str, Any], list[Any] | None]: ...

    def check_required(self, entity: Entity, row: Row, skip: Iterable[str] = ()) -> None: ...

    def check_references(self, division: Division, entity: Entity, row: Row, skip: Iterable[str] = ()) -> None: ...
