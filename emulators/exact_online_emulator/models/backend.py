"""The emulated Exact Online back end: divisions with their collections, the rowversion counter, the deletion log,
and the generic write path (body validation, mandatory fields, references). Entity-specific rules live in ``rules``."""

from __future__ import annotations

import heapq
import random
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from emulator_kit.clock import Clock
from exact_online_emulator.edm import ConversionError, to_wire, wire_date_from_epoch
from exact_online_emulator.entities import DELETED_ENTITY, ENTITY_BY_PATH, Entity, View
from exact_online_emulator.exceptions import BadRequest, MethodNotAllowed, NotFound
from exact_online_emulator.models.division import Division
from exact_online_emulator.models.rules import dispatch as rules
from exact_online_emulator.models.store import Row, Table
from exact_online_emulator.odata import CompiledFilter, Query, parse_guid_skiptoken, parse_int_skiptoken
from exact_online_emulator.schema import DELETED_ENTITY_TYPES

ORDERED_CACHE_SIZE = 8  # concurrent ($filter, $orderby) readers worth keeping a sorted copy for


@dataclass
class User:
    user_id: str
    full_name: str
    first_name: str
    last_name: str
    email: str
    user_name: str
    current_division: int
    divisions: tuple[int, ...]  # divisions this user may open


@dataclass
class Page:
    rows: list[Row]
    next_token: str | None
    count: int | None


class Backend:
    def __init__(self, clock: Clock, seed: int = 1) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.random = random.Random(seed * 7919 + 17)
        self.divisions: dict[int, Division] = {}
        self.user: User | None = None
        self.on_change: Callable[[], None] | None = None
        # Webhooks: every stored or removed row (division code, collection, row, Create/Update/Delete), and the end of
        # each API write.
        self.on_row_event: Callable[[int, str, Row, str], None] | None = None
        self.on_write_done: Callable[[], None] | None = None
        self._ordered_pages: dict[tuple[Any, ...], tuple[list[Row], dict[str, int]]] = {}

    # ----------------------------------------------------------------- helpers used by rules and seed
    def new_guid(self) -> str:
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def now_wire(self) -> str:
        return wire_date_from_epoch(self.clock.time())

    def division(self, code: int) -> Division:
        return self.divisions[code]

    def table(self, division: Division, path: str) -> Table:
        return division.tables[path]

    def stamp(self, division: Division, entity: Entity, row: Row, *, created: bool) -> Row:
        now = self.now_wire()
        user = self.user
        if created:
            row.setdefault("Created", now)
            if user:
                row.setdefault("Creator", user.user_id)
                row.setdefault("CreatorFullName", user.full_name)
        row["Modified"] = now
        if user:
            row["Modifier"] = user.user_id
            row["ModifierFullName"] = user.full_name
        row["Division"] = division.code
        row["Timestamp"] = division.next_timestamp()
        division.tables[entity.path].put(row)
        if self.on_row_event is not None:
            self.on_row_event(division.code, entity.path, row, "Create" if created else "Update")
        return row

    def touch(self, division: Division, path: str, key: str, changes: dict[str, Any] | None = None) -> Row:
        """Store a changed copy of a row with a new rowversion (so sync endpoints see it again)."""
        entity = ENTITY_BY_PATH[path]
        old = division.tables[path].get(key)
        if old is None:
            raise NotFound(f"{path}({key}) does not exist")
        row = {**old, **(changes or {})}
        return self.stamp(division, entity, row, created=False)

    def log_deletion(self, division: Division, entity: Entity, key: str) -> None:
        for entity_type in entity.deleted_types:
            ts = division.next_timestamp()
            record = {
                "ID": self.new_guid(),
                "Timestamp": ts,
                "DeletedBy": self.user.user_id if self.user else None,
                "DeletedDate": self.now_wire(),
                "Division": division.code,
                "EntityKey": key,
                "EntityType": DELETED_ENTITY_TYPES[entity_type],
            }
            division.deleted.put(record)

    def remove_row(self, division: Division, path: str, key: str) -> Row | None:
        entity = ENTITY_BY_PATH[path]
        row = division.tables[path].remove(key)
        if row is not None:
            self.log_deletion(division, entity, key)
            if self.on_row_event is not None:
                self.on_row_event(division.code, path, row, "Delete")
        return row

    def changed(self) -> None:
        if self.on_change is not None:
            self.on_change()
        if self.on_write_done is not None:
            self.on_write_done()

    # ----------------------------------------------------------------- reads
    def read_page(self, division: Division, view: View, query: Query, compiled: CompiledFilter | None) -> Page:
        predicate = compiled.predicate if compiled else None
        page_size = view.page_size if query.top is None else min(query.top, view.page_size)
        with self.lock:
            if view.kind in ("sync", "deleted"):
                floor = compiled.timestamp_floor if compiled and compiled.timestamp_floor is not None else 0
                if query.skiptoken:
                    floor = max(floor, parse_int_skiptoken(query.skiptoken))
                source = self._since(division, view, floor)
                rows = _take(source, predicate, page_size)
                more = len(rows) == page_size and query.top is None and _has_more(source, predicate)
                token = f"{rows[-1]['Timestamp']}L" if more else None
                count = _count(self._since(division, view, 0), predicate) if query.inlinecount else None
                return Page(rows, token, count)
            table = division.tables[view.entity.path]
            count = _count(table.rows.values(), predicate) if query.inlinecount else None
            if query.orderby:
                candidates, positions = self._ordered(division, view, query, predicate)
                start = 0
                if query.skiptoken:
                    start = positions.get(parse_guid_skiptoken(query.skiptoken), -1) + 1
                rows = candidates[start : start + page_size]
                more = start + page_size < len(candidates)
            else:
                after = parse_guid_skiptoken(query.skiptoken) if query.skiptoken else None
                source = table.by_key(after)
                rows = _take(source, predicate, page_size)
                more = len(rows) == page_size and _has_more(source, predicate)
            more = more and query.top is None
            token = f"guid'{rows[-1][view.entity.key]}'" if more and rows else None
            return Page(rows, token, count)

    def _ordered(
        self, division: Division, view: View, query: Query, predicate: Any
    ) -> tuple[list[Row], dict[str, int]]:
        """The filtered, sorted rows of an ``$orderby`` query and each key's position, kept while the table is
        unchanged: a reader paging through it costs one sort, not one per page."""
        table = division.tables[view.entity.path]
        cache_key = (division.code, view.entity.path, query.filter, tuple(query.orderby), table.version)
        cached = self._ordered_pages.get(cache_key)
        if cached is None:
            candidates = [r for r in table.rows.values() if predicate is None or predicate(r)]
            for name, descending in reversed(query.orderby):
                candidates.sort(key=partial(_field_sort_key, name), reverse=descending)
            key = view.entity.key
            cached = (candidates, {row[key]: index for index, row in enumerate(candidates)})
            if len(self._ordered_pages) >= ORDERED_CACHE_SIZE:
                self._ordered_pages.pop(next(iter(self._ordered_pages)))
            self._ordered_pages[cache_key] = cached
        return cached

    def _since(self, division: Division, view: View, floor: int) -> Iterable[Row]:
        if view.kind == "deleted":
            return division.deleted.since(floor)
        table = division.tables[view.entity.path]
        if not view.merge_lines or view.entity.lines is None:
            return table.since(floor)
        lines = division.tables[view.entity.lines.collection]
        parent_field = view.entity.lines.parent_field
        headers = table.rows

        def merged() -> Iterable[Row]:
            for line in lines.since(floor):
                parent = line.get(parent_field)
                header = headers.get(parent) if parent is not None else None
                yield {**header, **line} if header else line

        return heapq.merge(table.since(floor), merged(), key=lambda r: r["Timestamp"])

    def get_row(self, division: Division, entity: Entity, key: str) -> Row:
        with self.lock:
            row = division.tables[entity.path].get(key)
        if row is None:
            raise NotFound("Object not found")
        return row

    def lines_of(self, division: Division, entity: Entity, key: str) -> list[Row]:
        if entity.lines is None:
            return []
        found = division.tables[entity.lines.collection].where(entity.lines.parent_field, key)
        found.sort(key=lambda r: r.get("LineNumber") or 0)
        return found

    # ----------------------------------------------------------------- writes
    def convert_body(self, entity: Entity, body: Any, *, creating: bool) -> tuple[dict[str, Any], list[Any] | None]:
        """Request JSON → (stored wire values, embedded lines). Read-only properties are ignored as Exact does."""
        if not isinstance(body, dict):
            raise BadRequest(
                "Error processing request stream. The request should be a valid top-level resource object."
            )
        allowed = entity.creatable if creating else entity.updatable
        values: dict[str, Any] = {}
        lines: list[Any] | None = None
        for name, value in body.items():
            if name == "__metadata":
                continue
            edm = entity.fields.get(name)
            if edm is None:
                raise BadRequest(
                    f"The property '{name}' does not exist on type '{entity.type_name}'. "
                    "Make sure to only use property names that are defined by the type."
                )
            if entity.lines is not None and name == entity.lines.field:
                if isinstance(value, dict) and "results" in value:
                    value = value["results"]
                if not isinstance(value, list):
                    raise BadRequest(f"Error processing request stream. '{name}' must be a collection of lines.")
                lines = value
                continue
            if edm in ("Collection", "Binary", "Object"):
                continue
            if name not in allowed and name != entity.key:
                continue
            try:
                values[name] = to_wire(edm, value)
            except ConversionError:
                raise BadRequest(
                    "Error processing request stream. Error encountered in converting the value from request "
                    f"payload for property '{name}' to type 'Edm.{edm}', which is the property's expected type."
                ) from None
        return values, lines

    def check_required(self, entity: Entity, row: Row, skip: Iterable[str] = ()) -> None:
        skipped = set(skip)
        for name in entity.required:
            if name in skipped or (entity.lines is not None and name == entity.lines.field):
                continue
            value = row.get(name)
            if value is None or value == "":
                raise BadRequest(f"Mandatory field is missing: '{name}' ({entity.type_name}).")

    def check_references(self, division: Division, entity: Entity, row: Row, skip: Iterable[str] = ()) -> None:
        skipped = set(skip)
        for name, target in entity.references.items():
            value = row.get(name)
            if value is None or name in skipped:
                continue
            if division.tables[target].get(value) is None:
                raise BadRequest(f"Invalid reference: {name} '{value}' does not exist in {target}.")

    def create(self, division: Division, entity: Entity, body: Any) -> Row:
        if "C" not in entity.verbs:
            raise MethodNotAllowed(f"POST is not supported on {entity.path}.")
        with self.lock:
            values, lines = self.convert_body(entity, body, creating=True)
            key = values.get(entity.key) or self.new_guid()
            if division.tables[entity.path].get(key) is not None:
                raise BadRequest(f"Duplicate key: {entity.key} '{key}' already exists.")
            values[entity.key] = key
            row = rules.create(self, division, entity, values, lines)
        self.changed()
        return row

    @staticmethod
    def _addressed(division: Division, entity: Entity, key: str, verb: str) -> Row:
        """The row a PUT (``U``) or DELETE (``D``) names, refused as Exact does when the verb or the row is missing."""
        if verb not in entity.verbs:
            raise MethodNotAllowed(f"{'PUT' if verb == 'U' else 'DELETE'} is not supported on {entity.path}.")
        row = division.tables[entity.path].get(key)
        if row is None:
            raise NotFound("Object not found")
        return row

    def update(self, division: Division, entity: Entity, key: str, body: Any) -> None:
        with self.lock:
            old = self._addressed(division, entity, key, "U")
            values, lines = self.convert_body(entity, body, creating=False)
            values.pop(entity.key, None)
            if lines is not None and entity.lines is not None:
                raise BadRequest(
                    f"{entity.lines.field} can not be changed through the header; use {entity.lines.collection}."
                )
            rules.update(self, division, entity, old, values)
        self.changed()

    def delete(self, division: Division, entity: Entity, key: str) -> None:
        with self.lock:
            old = self._addressed(division, entity, key, "D")
            rules.delete(self, division, entity, old)
        self.changed()

    # ----------------------------------------------------------------- state
    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "divisions": {
                    str(code): {
                        "name": d.name,
                        "country": d.country,
                        "timestamp": d.timestamp,
                        "counters": dict(d.counters),
                        "tables": {path: t.all() for path, t in d.tables.items()},
                        "deleted": d.deleted.all(),
                    }
                    for code, d in self.divisions.items()
                },
                "user": self.user.__dict__ if self.user else None,
                "random": _encode_random(self.random.getstate()),
            }

    def restore(self, state: dict[str, Any]) -> None:
        with self.lock:
            self.divisions = {}
            for code, data in state["divisions"].items():
                division = Division(int(code), data["name"], data["country"])
                division.timestamp = data["timestamp"]
                division.counters = dict(data["counters"])
                for path, rows in data["tables"].items():
                    division.tables[path].load(rows)
                division.deleted.load(data["deleted"])
                self.divisions[division.code] = division
            user = state.get("user")
            self.user = User(**{**user, "divisions": tuple(user["divisions"])}) if user else None
            if state.get("random"):
                self.random.setstate(_decode_random(state["random"]))

    def dump(self) -> dict[str, Any]:
        """Whole state keyed by Exact's collection paths, divisions merged (each row carries its Division)."""
        with self.lock:
            out: dict[str, Any] = {path: [] for path in ENTITY_BY_PATH}
            out[DELETED_ENTITY.path] = []
            for division in self.divisions.values():
                for path, table in division.tables.items():
                    out[path].extend(table.all())
                out[DELETED_ENTITY.path].extend(division.deleted.all())
            return out


def _take(source: Iterable[Row], predicate: Callable[[Row], bool] | None, limit: int) -> list[Row]:
    rows: list[Row] = []
    if limit <= 0:
        return rows
    for row in source:
        if predicate is None or predicate(row):
            rows.append(row)
            if len(rows) >= limit:
                break
    return rows


def _has_more(source: Iterable[Row], predicate: Callable[[Row], bool] | None) -> bool:
    return any(predicate is None or predicate(row) for row in source)


def _count(rows: Iterable[Row], predicate: Callable[[Row], bool] | None) -> int:
    if predicate is None:
        return sum(1 for _ in rows)
    return sum(1 for row in rows if predicate(row))


def _field_sort_key(name: str, row: Row) -> tuple[int, Any]:
    return _sort_key(row.get(name))


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, str) and value.startswith("/Date("):
        return (1, int(value[6:-2]))
    if isinstance(value, str):
        return (2, value.lower())
    return (1, value)


def _encode_random(state: tuple[Any, ...]) -> list[Any]:
    return [state[0], list(state[1]), state[2]]


def _decode_random(data: list[Any]) -> tuple[Any, ...]:
    return (data[0], tuple(data[1]), data[2])
