"""Airbyte protocol messages as they cross the pipe: one JSON object per stdout line; anything else is a log line."""

from __future__ import annotations

from typing import Any

import orjson


def parse_line(line: bytes | str) -> dict[str, Any] | None:
    """The message on this line, or None for a line that is not an Airbyte message (the protocol treats it as a log)."""
    text = line.strip()
    if not text or text[:1] not in (b"{", "{"):
        return None
    try:
        message = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return message if isinstance(message, dict) and "type" in message else None


def rotated_config(message: dict[str, Any]) -> dict[str, Any] | None:
    control = message.get("control") or {}
    if message.get("type") == "CONTROL" and control.get("type") == "CONNECTOR_CONFIG":
        return (control.get("connectorConfig") or {}).get("config")
    return None


def structured_log(message: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON object inside a LOG message (the destinations' activity and summary lines), if it holds one."""
    if message.get("type") != "LOG":
        return None
    text = (message.get("log") or {}).get("message") or ""
    if not text.startswith("{"):
        return None
    try:
        payload = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return payload if isinstance(payload, dict) and "event" in payload else None


def trace_error(message: dict[str, Any]) -> dict[str, Any] | None:
    trace = message.get("trace") or {}
    if message.get("type") == "TRACE" and trace.get("type") == "ERROR":
        return trace.get("error") or {}
    return None
