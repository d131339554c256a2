"""Records replayed from a PyAirbyte cache, given back the shape the source sent them in.

PyAirbyte stores records in SQL tables and, when a destination is fed from that cache, sends the rows: column names
normalised for SQL (lower-cased, other characters as ``_``), its own ``_airbyte_*`` bookkeeping columns added, and
nested objects and arrays possibly returned as JSON text. The mapping rules read the source's own field names
(``ID``, ``OrderNumber``, ``SalesOrderLines``), so each record is mapped back through the stream's JSON schema from
the configured catalog. A record that already has the source's shape passes through untouched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

AIRBYTE_COLUMN_PREFIX = "_airbyte_"
_NOT_SQL_SAFE = re.compile(r"[^a-z0-9_]")


def sql_name(name: str) -> str:
    """The column name a SQL cache gives a field (PyAirbyte's lower-case normaliser)."""
    return _NOT_SQL_SAFE.sub("_", name.lower())


class CachedRecordShape:
    """The source field names and nested kinds of one stream, from its JSON schema."""

    def __init__(self, json_schema: Mapping[str, Any]) -> None:
        properties: Mapping[str, Any] = json_schema.get("properties") or {}
        self._names = frozenset(properties)
        self._by_sql_name = {sql_name(name): name for name in properties}
        self._nested = frozenset(name for name, schema in properties.items() if _is_nested(schema))

    def restore(self, data: dict[str, Any]) -> dict[str, Any]:
        if all(key in self._names for key in data) and not any(
            isinstance(data[name], str) for name in self._nested if name in data
        ):
            return data
        restored: dict[str, Any] = {}
        for key, value in data.items():
            if key.startswith(AIRBYTE_COLUMN_PREFIX) and key not in self._names:
                continue
            name = key if key in self._names else self._by_sql_name.get(key, key)
            restored[name] = _parsed(value) if name in self._nested else value
        return restored


def _is_nested(schema: Mapping[str, Any]) -> bool:
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return "object" in kinds or "array" in kinds


def _parsed(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
