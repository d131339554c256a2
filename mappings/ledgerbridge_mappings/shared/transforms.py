"""The named transforms a field map may apply. Each takes the current value and returns the new one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledgerbridge_mappings.plan import RecordRejected
from ledgerbridge_mappings.shared import paths
from ledgerbridge_mappings.shared.amounts import round_half_up
from ledgerbridge_mappings.shared.rules.field_map import (
    ConcatTransform,
    DateFormatTransform,
    DefaultTransform,
    LowerTransform,
    MapTransform,
    NumberFormatTransform,
    TrimTransform,
    TruncateTransform,
    Unmapped,
    UpperTransform,
)


def apply_transform(transform: Any, value: Any, record: Any, field_name: str) -> Any:
    match transform:
        case TrimTransform():
            return value.strip() if isinstance(value, str) else value
        case UpperTransform():
            return value.upper() if isinstance(value, str) else value
        case LowerTransform():
            return value.lower() if isinstance(value, str) else value
        case TruncateTransform(length=length):
            return value[:length] if isinstance(value, str) else value
        case DefaultTransform(value=default):
            return default if value is None or value == "" else value
        case MapTransform():
            return _map(transform, value, field_name)
        case ConcatTransform(paths=others, separator=separator):
            parts = [value] + [paths.read_one(record, paths.parse_path(p)) for p in others]
            text = [str(p).strip() for p in parts if p is not None and str(p).strip()]
            return separator.join(text) if text else None
        case DateFormatTransform(format=pattern):
            return _date(value, pattern, field_name)
        case NumberFormatTransform():
            return _number(transform, value, field_name)
    raise TypeError(f"unknown transform {transform!r}")  # unreachable: the config model admits only the above


def _map(transform: MapTransform, value: Any, field_name: str) -> Any:
    if value is None:
        return None
    key = str(value)
    for entry in transform.table:
        if entry.source_value == key:
            return entry.target_value
    if transform.unmapped is Unmapped.ERROR:
        raise RecordRejected(field_name, f"value {key!r} is not in the map table")
    return None if transform.unmapped is Unmapped.EMPTY else value


def _date(value: Any, pattern: str, field_name: str) -> Any:
    if value is None or value == "":
        return value
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise RecordRejected(field_name, f"{value!r} is not an ISO 8601 date") from None
    return moment.strftime(pattern)


def _number(transform: NumberFormatTransform, value: Any, field_name: str) -> Any:
    if value is None or value == "":
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RecordRejected(field_name, f"{value!r} is not a number") from None
    rounded = round_half_up(number, transform.decimals)
    if not transform.as_text:
        return rounded
    text = f"{rounded:.{transform.decimals}f}"
    return text.replace(".", transform.decimal_separator)
