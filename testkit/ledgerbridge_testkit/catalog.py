"""A discovered catalog configured for a connection: the chosen streams, full refresh or incremental."""

from __future__ import annotations

from typing import Any


def configured_catalog(discovered: dict[str, Any], full_refresh: set[str], incremental: set[str]) -> dict[str, Any]:
    streams = []
    for stream in discovered["streams"]:
        name = stream["name"]
        if name not in full_refresh | incremental:
            continue
        mode = "incremental" if name in incremental else "full_refresh"
        streams.append(
            {
                "stream": stream,
                "sync_mode": mode,
                "destination_sync_mode": "append_dedup" if mode == "incremental" else "append",
                "cursor_field": stream.get("default_cursor_field") or [],
                "primary_key": stream.get("source_defined_primary_key") or [],
            }
        )
    return {"streams": streams}
