"""EDM value conversions between Exact's wire format and Python, kept in wire form so reads need no conversion.

Exact writes DateTime values as ``/Date(ms)/`` where ``ms`` is the Europe/Amsterdam wall-clock time read as if it
were UTC ("This is in the CET time and not GMT"), so that is how rows store them.
"""

from __future__ import annotations

import calendar
import re
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_WIRE_DATE = re.compile(r"^/Date\((-?\d+)\)/$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


class ConversionError(ValueError):
    """A request value that cannot become the property's EDM type."""


def wire_date_from_epoch(epoch_seconds: float) -> str:
    """An instant (UTC epoch) → Exact's CET wall-clock ``/Date(ms)/``."""
    local = datetime.fromtimestamp(epoch_seconds, tz=AMSTERDAM).replace(tzinfo=None)
    return f"/Date({calendar.timegm(local.timetuple()) * 1000 + local.microsecond // 1000})/"


def wire_date_from_local(value: datetime) -> str:
    """A naive Amsterdam wall-clock datetime → ``/Date(ms)/``."""
    return f"/Date({calendar.timegm(value.timetuple()) * 1000 + value.microsecond // 1000})/"


def wire_date_ms(value: str | None) -> int | None:
    """``/Date(ms)/`` → ms (for comparisons in $filter and $orderby)."""
    if value is None:
        return None
    return int(value[6:-2])


def parse_local_datetime(text: str) -> datetime:
    """Datetime text as clients send it (ISO, with or without zone; Exact's own ``MM/DD/YYYY HH:MM:SS``;
    ``/Date(ms)/``) → naive Amsterdam wall-clock datetime."""
    text = text.strip()
    match = _WIRE_DATE.match(text)
    if match:
        return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC).replace(tzinfo=None)
    match = _US_DATE.match(text)
    if match:
        month, day, year, hour, minute, second = match.groups()
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise ConversionError(text) from error
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(AMSTERDAM).replace(tzinfo=None)
    return parsed


def normalise_guid(value: object) -> str:
    if not isinstance(value, str):
        raise ConversionError(value)
    try:
        return str(uuid.UUID(value))
    except ValueError as error:
        raise ConversionError(value) from error


def to_wire(edm: str, value: object) -> object:
    """A JSON value from a request body → the stored wire value of an ``edm``-typed property."""
    if value is None:
        return None
    if edm == "String":
        if isinstance(value, (dict, list)):
            raise ConversionError(value)
        return value if isinstance(value, str) else str(value)
    if edm == "Guid":
        return normalise_guid(value)
    if edm == "DateTime":
        if not isinstance(value, str):
            raise ConversionError(value)
        return wire_date_from_local(parse_local_datetime(value))
    if edm in ("Int16", "Int32", "Int64", "Byte"):
        if isinstance(value, bool):
            raise ConversionError(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        raise ConversionError(value)
    if edm == "Double":
        if isinstance(value, bool):
            raise ConversionError(value)
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError as error:
                raise ConversionError(value) from error
        raise ConversionError(value)
    if edm == "Boolean":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise ConversionError(value)
    return value


EDM_CLR_NAMES = {
    "Guid": "Guid",
    "String": "String",
    "DateTime": "DateTime",
    "Int16": "Int16",
    "Int32": "Int32",
    "Int64": "Int64",
    "Byte": "Byte",
    "Double": "Double",
    "Boolean": "Boolean",
}
