"""Exact Online's wire values → JSON-schema typed values (dates, numbers and booleans sent as strings, padded codes)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# Exact serialises DateTime as the Europe/Amsterdam wall clock read as if it were UTC epoch milliseconds.
EXACT_TIMEZONE = ZoneInfo("Europe/Amsterdam")
_WIRE_DATE = re.compile(r"^/Date\((-?\d+)(?:[+-]\d{4})?\)/$")
_EPOCH = datetime(1970, 1, 1)


class ValueFormatError(ValueError):
    """A value could not be read as the type its schema declares; the message names the field."""


_HOUR_MS = 3_600_000
_offset_ms_by_wall_hour: dict[int, int] = {}


def _amsterdam_offset_ms(wall_ms: int) -> int:
    """UTC offset of an Amsterdam wall-clock instant; offsets only change on whole hours, so one lookup per hour."""
    hour = wall_ms // _HOUR_MS
    offset = _offset_ms_by_wall_hour.get(hour)
    if offset is None:
        wall = (_EPOCH + timedelta(milliseconds=hour * _HOUR_MS)).replace(tzinfo=EXACT_TIMEZONE)
        offset = int(wall.utcoffset().total_seconds() * 1000)  # type: ignore[union-attr]
        _offset_ms_by_wall_hour[hour] = offset
    return offset


_recent: dict[str, str] = {}


def parse_exact_datetime(value: str) -> str:
    """``/Date(ms)/`` (CET/CEST wall clock) → ISO 8601 in UTC; ISO text passes through normalised to UTC."""
    # Rows repeat dates (Created = Modified, one OrderDate for many lines): remember recent conversions.
    known = _recent.get(value)
    if known is not None:
        return known
    if len(_recent) > 50_000:
        _recent.clear()
    converted = _convert_exact_datetime(value)
    _recent[value] = converted
    return converted


def _convert_exact_datetime(value: str) -> str:
    match = _WIRE_DATE.match(value)
    if match is None:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        instant = parsed if parsed.tzinfo else parsed.replace(tzinfo=EXACT_TIMEZONE)
        return _iso_utc(instant.astimezone(UTC))
    wall_ms = int(match.group(1))
    return _iso_utc(_EPOCH + timedelta(milliseconds=wall_ms - _amsterdam_offset_ms(wall_ms)))


def _iso_utc(instant: datetime) -> str:
    text = instant.isoformat(timespec="milliseconds" if instant.microsecond else "seconds")
    return text.split("+", 1)[0] + "Z"


def to_exact_datetime_literal(iso_utc: str) -> str:
    """ISO instant → the Amsterdam wall-clock text Exact expects inside ``datetime'…'`` filters."""
    instant = datetime.fromisoformat(iso_utc.replace("Z", "+00:00"))
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    wall = instant.astimezone(EXACT_TIMEZONE)
    text = wall.strftime("%Y-%m-%dT%H:%M:%S")
    if wall.microsecond:
        text += f".{wall.microsecond // 1000:03d}"
    return text


def to_wire_datetime(iso: str) -> str:
    """ISO instant → ``/Date(ms)/`` in Amsterdam wall-clock, the form Exact itself returns."""
    instant = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    wall = instant.astimezone(EXACT_TIMEZONE).replace(tzinfo=None)
    return f"/Date({(wall - _EPOCH) // timedelta(milliseconds=1)})/"


_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def _to_integer(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip().removesuffix("L")
        number = float(text)
        if number.is_integer():
            return int(number)
    raise ValueError(f"{value!r} is not a whole number")


def _to_number(value: Any) -> float | int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return float(value.strip().replace(",", ".")) if value.strip() else None  # type: ignore[return-value]
    raise ValueError(f"{value!r} is not a number")


def _to_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"{value!r} is not a boolean")


def _to_datetime(value: Any) -> str:
    if isinstance(value, str):
        return parse_exact_datetime(value)
    raise ValueError(f"{value!r} is not an Exact date")


def _to_string(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _schema_kind(schema: Mapping[str, Any]) -> str:
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    if "string" in types and schema.get("format") == "date-time":
        return "date-time"
    for kind in ("integer", "number", "boolean", "string", "array", "object"):
        if kind in types:
            return kind
    return "any"


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "date-time": _to_datetime,
    "integer": _to_integer,
    "number": _to_number,
    "boolean": _to_boolean,
    "string": _to_string,
}


_NATIVE = {"integer": int, "number": float, "boolean": bool}


class RecordTyper:
    """Types one record's fields after the stream's JSON schema; built once per schema, applied to every record.

    Only fields whose schema type is not a plain string are visited, and values already of the right JSON type are
    left alone, so a page of well-typed rows costs little. ``trimmed`` fields (Exact's right-aligned 18-character
    account codes) lose their padding.
    """

    def __init__(self, schema: Mapping[str, Any], trimmed: frozenset[str] = frozenset(), where: str = "record") -> None:
        self._where = where
        self._plan: list[tuple[str, str, Callable[[Any], Any]]] = []
        self._trimmed = [name for name in trimmed if name in (schema.get("properties") or {})]
        self._children: list[tuple[str, RecordTyper]] = []
        for name, field_schema in (schema.get("properties") or {}).items():
            kind = _schema_kind(field_schema)
            if kind in _CONVERTERS and kind != "string":
                self._plan.append((name, kind, _CONVERTERS[kind]))
            elif kind == "array" and isinstance(field_schema.get("items"), Mapping):
                self._children.append((name, RecordTyper(field_schema["items"], trimmed, where=f"{where}.{name}[]")))
        self._dates = [name for name, kind, _ in self._plan if kind == "date-time"]
        self._coerced = [entry for entry in self._plan if entry[1] != "date-time"]
        self._coerced_names = [name for name, _, _ in self._coerced]

    def _convert(self, name: str, kind: str, converter: Callable[[Any], Any], value: Any) -> Any:
        try:
            return converter(value)
        except (ValueError, TypeError) as error:
            raise ValueFormatError(
                f"{self._where} field {name!r}: cannot read {value!r} as {kind} ({error})"
            ) from error

    def __call__(self, record: dict[str, Any]) -> dict[str, Any]:
        record.pop("__metadata", None)
        get = record.get
        for name in self._dates:
            value = get(name)
            if value.__class__ is str:
                record[name] = self._convert(name, "date-time", parse_exact_datetime, value)
        # Exact normally sends JSON numbers and booleans; one C-level pass tells whether any of them came as text.
        if str in set(map(type, map(get, self._coerced_names))):
            for name, kind, converter in self._coerced:
                value = get(name)
                if (
                    value is not None
                    and value.__class__ is not _NATIVE[kind]
                    and not (kind == "number" and value.__class__ is int)
                ):
                    record[name] = self._convert(name, kind, converter, value)
        for name in self._trimmed:
            value = get(name)
            if isinstance(value, str):
                record[name] = value.strip()
        for name, child in self._children:
            value = get(name)
            if value is None:
                continue
            # Unexpanded collections arrive as {"__deferred": {...}}: no lines were read, so none are reported.
            rows = value.get("results") if isinstance(value, Mapping) else value
            record[name] = [child(row) for row in rows] if isinstance(rows, list) else None
        return record


def odata_string(value: str) -> str:
    """A string literal for a ``$filter`` expression: quoted, single quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def odata_guid(value: object) -> str:
    """A ``Edm.Guid`` literal, for ``$filter`` expressions and for addressing one entity (``Accounts(guid'…')``)."""
    return f"guid'{value}'"
