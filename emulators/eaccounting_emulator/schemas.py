"""Request validation and response shaping driven by the official schemas (see spec_schemas.py).

Validation mirrors what the real ASP.NET model binder enforces — required, types, max lengths, ranges, enums, GUID and
date formats — and names each failing field by its path (``Rows[0].Quantity``). Read-only properties are ignored on
write and unknown properties are dropped, as the real API does, so a GET-modify-PUT round trip always validates.
A hand-written walker rather than jsonschema because it also normalises what it accepts (dates → RFC 3339 date-time,
GUIDs → lower case) in the same pass and must word its errors in eAccounting's ``Errors[]`` shape.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from eaccounting_emulator.exceptions import ValidationFailed, field_error
from eaccounting_emulator.spec_schemas import SCHEMAS

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
MIN_DATE_TIME = "0001-01-01T00:00:00.000000Z"
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def ref_name(node: dict[str, Any]) -> str:
    return node["$ref"].rsplit("/", 1)[-1]


def types_of(node: dict[str, Any]) -> tuple[str, ...]:
    declared = node.get("type")
    if declared is None:
        return ()
    return (declared,) if isinstance(declared, str) else tuple(declared)


def properties(schema_name: str) -> dict[str, dict[str, Any]]:
    return SCHEMAS[schema_name].get("properties", {})


def format_date_time(moment: datetime) -> str:
    """RFC 3339 in UTC with microseconds, so stamps written within one second still order correctly."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def format_date(day: date) -> str:
    return f"{day.isoformat()}T00:00:00.000000Z"


def parse_date_time(text: str) -> datetime:
    """Accepts what the real API accepts: ``YYYY-MM-DD`` (its documented date format) or ISO 8601 date-time."""
    if _DATE_ONLY.match(text):
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@cache
def _blank(schema_name: str) -> dict[str, Any]:
    return {name: _default(node) for name, node in properties(schema_name).items() if not _omitted_when_blank(node)}


def blank(schema_name: str) -> dict[str, Any]:
    """A record with every property the schema declares, at the value .NET serialises for "unset"."""
    return shaped(schema_name, {})


def _fresh(value: Any) -> Any:
    if isinstance(value, list):
        return [_fresh(item) for item in value]
    if isinstance(value, dict):
        return {key: _fresh(item) for key, item in value.items()}
    return value


@cache
def _containers(schema_name: str) -> tuple[str, ...]:
    return tuple(name for name, value in _blank(schema_name).items() if isinstance(value, dict | list))


@cache
def _names(schema_name: str) -> frozenset[str]:
    return frozenset(properties(schema_name))


def _omitted_when_blank(node: dict[str, Any]) -> bool:
    # A non-nullable nested object whose own schema has required members has no valid "empty" value.
    return "$ref" in node and bool(SCHEMAS[ref_name(node)].get("required"))


def _default(node: dict[str, Any]) -> Any:
    if "$ref" in node:
        return _blank(ref_name(node))
    kinds = types_of(node)
    if "null" in kinds:
        return None
    kind = kinds[0] if kinds else "string"
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        if "enum" in node:
            return node["enum"][0]
        low = node.get("minimum", 0)
        start = low if low > 0 else 0
        return int(start) if kind == "integer" else float(start)
    if kind == "array":
        return []
    if node.get("format") == "uuid":
        return ZERO_GUID
    if node.get("format") == "date-time":
        return MIN_DATE_TIME
    return ""


def validate_body(schema_name: str, body: Any) -> dict[str, Any]:
    """Returns the writable, normalised properties of ``body`` or raises ValidationFailed naming every bad field."""
    errors: list[dict[str, Any]] = []
    if not isinstance(body, dict):
        raise ValidationFailed([field_error("", "InvalidBody", "The request body must be a JSON object.")])
    cleaned = _object(schema_name, body, "", errors)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def validate_list_body(schema_name: str, body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, list):
        raise ValidationFailed([field_error("", "InvalidBody", "The request body must be a JSON array.")])
    errors: list[dict[str, Any]] = []
    cleaned = [_object(schema_name, item, f"[{i}]", errors) for i, item in enumerate(body)]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _object(schema_name: str, value: dict[str, Any], path: str, errors: list[dict[str, Any]]) -> dict[str, Any]:
    schema = SCHEMAS[schema_name]
    props = schema.get("properties", {})
    for name in schema.get("required", ()):
        if props.get(name, {}).get("readOnly"):
            continue
        if value.get(name) is None:
            field = f"{path}.{name}" if path else name
            errors.append(field_error(field, "Required", f"The {name} field is required."))
    cleaned: dict[str, Any] = {}
    for name, item in value.items():
        node = props.get(name)
        if node is None or node.get("readOnly"):
            continue
        field = f"{path}.{name}" if path else name
        cleaned[name] = _value(node, item, field, name, errors)
    return cleaned


def _value(node: dict[str, Any], item: Any, field: str, name: str, errors: list[dict[str, Any]]) -> Any:
    if "$ref" in node:
        if item is None:
            return None
        if not isinstance(item, dict):
            errors.append(field_error(field, "InvalidType", f"The value for {name} must be an object."))
            return item
        return _object(ref_name(node), item, field, errors)
    kinds = types_of(node)
    if item is None:
        if kinds and "null" not in kinds:
            errors.append(field_error(field, "InvalidValue", f"The value null is not valid for {name}."))
        return None
    kind = next((k for k in kinds if k != "null"), "string")
    checker = _CHECKERS[kind]
    return checker(node, item, field, name, errors)


def _string(node: dict[str, Any], item: Any, field: str, name: str, errors: list[dict[str, Any]]) -> Any:
    if not isinstance(item, str):
        errors.append(field_error(field, "InvalidType", f"The value {item!r} is not valid for {name}."))
        return item
    fmt = node.get("format")
    if fmt == "uuid":
        try:
            return str(uuid.UUID(item))
        except ValueError:
            errors.append(field_error(field, "InvalidGuid", f"The value '{item}' is not a valid Guid for {name}."))
            return item
    if fmt == "date-time":
        try:
            return format_date_time(parse_date_time(item))
        except ValueError:
            errors.append(field_error(field, "InvalidDate", f"The value '{item}' is not a valid date for {name}."))
            return item
    if "maxLength" in node and len(item) > node["maxLength"]:
        errors.append(
            field_error(
                field,
                "MaxLength",
                f"The field {name} must be a string with a maximum length of {node['maxLength']}.",
            )
        )
    if "enum" in node and item not in node["enum"]:
        errors.append(field_error(field, "InvalidValue", f"The value '{item}' is not valid for {name}."))
    return item


def _number(node: dict[str, Any], item: Any, field: str, name: str, errors: list[dict[str, Any]]) -> Any:
    if isinstance(item, bool) or not isinstance(item, int | float):
        errors.append(field_error(field, "InvalidType", f"The value {item!r} is not valid for {name}."))
        return item
    _range(node, item, field, name, errors)
    return item


def _integer(node: dict[str, Any], item: Any, field: str, name: str, errors: list[dict[str, Any]]) -> Any:
    if isinstance(item, bool) or not isinstance(item, int | float) or item != int(item):
        errors.append(field_error(field, "InvalidType", f"The value {item!r} is not valid for {name}."))
        return item
    item = int(item)
    _range(node, item, field, name, errors)
    if "enum" in node and item not in node["enum"]:
        allowed = ", ".join(str(option) for option in node["enum"])
        errors.append(
            field_error(field, "InvalidValue", f"The value {item} is not valid for {name}. Possible values: {allowed}.")
        )
    return item


def _range(node: dict[str, Any], item: float, field: str, name: str, errors: list[dict[str, Any]]) -> None:
    low, high = node.get("minimum"), node.get("maximum")
    if (low is not None and item < low) or (high is not None and item > high):
        errors.append(field_error(field, "Range", f"The field {name} must be between {low} and {high}."))


def _boolean(node: dict[str, Any], item: Any, field: str, name: str, errors: list[dict[str, Any]]) -> Any:
    if not isinstance(item, bool):
        errors.append(field_error(field, "InvalidType", f"The value {item!r} is not valid for {name}."))
    return item


def _array(node: dict[str, Any], item: Any, field: str, name: str, errors: list[dict[str, Any]]) -> Any:
    if not isinstance(item, list):
        errors.append(field_error(field, "InvalidType", f"The value for {name} must be an array."))
        return item
    element = node.get("items", {})
    return [_value(element, entry, f"{field}[{i}]", name, errors) for i, entry in enumerate(item)]


_CHECKERS = {
    "string": _string,
    "number": _number,
    "integer": _integer,
    "boolean": _boolean,
    "array": _array,
    "object": lambda node, item, field, name, errors: item,
}


def shaped(schema_name: str, values: dict[str, Any]) -> dict[str, Any]:
    """A full record of ``schema_name``: schema defaults overlaid with ``values`` (unknown keys are dropped).

    Built from a shallow copy of a cached template, copying only the nested defaults the values leave in place,
    because this runs for every record and row that benchmark-scale seeding creates.
    """
    template = _blank(schema_name)
    record = dict(template)
    for name in _containers(schema_name):
        if name not in values:
            record[name] = _fresh(template[name])
    names = _names(schema_name)
    for name, value in values.items():
        if name in names:
            record[name] = value
    return record


def writable(schema_name: str) -> frozenset[str]:
    return _writable(schema_name)


@cache
def _writable(schema_name: str) -> frozenset[str]:
    return frozenset(name for name, node in properties(schema_name).items() if not node.get("readOnly"))
