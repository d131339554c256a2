"""A preview's planned write as one terminal line: what would be sent, with its values (amounts, VAT codes, currency,
customer), so a user can check them before the first real sync. Shown, never stored: the activity log keeps ids and
field names only."""

from __future__ import annotations

from typing import Any


def describe(connection: str, payload: dict[str, Any]) -> str:
    record = payload.get("source_number") or payload.get("source_id") or "?"
    target = str(payload.get("target") or "?")
    action = "update" if payload.get("action") == "update" else "create"
    known = f" {payload['target_id']}" if action == "update" and payload.get("target_id") else ""
    body = payload.get("body")
    values = "; ".join(_flatten(body)) if isinstance(body, dict) else ""
    return f"{connection} / {payload.get('stream')} {record}: would {action} {target}{known}: {values}"


def _flatten(value: Any, prefix: str = "") -> list[str]:
    if isinstance(value, dict):
        return [part for key, item in value.items() for part in _flatten(item, f"{prefix}.{key}" if prefix else key)]
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return [part for index, item in enumerate(value) for part in _flatten(item, f"{prefix}[{index}]")]
    if value is None or value == [] or value == {}:
        return []
    return [f"{prefix}={value}"]
