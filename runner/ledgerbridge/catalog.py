"""The configured catalog of a connection: the streams the user chose, from what the source discovered."""

from __future__ import annotations

from typing import Any

from .connection_file import Connection


class CatalogError(ValueError):
    pass


def configured_catalog(connection: Connection, discovered: dict[str, Any]) -> dict[str, Any]:
    by_name = {stream["name"]: stream for stream in discovered.get("streams", [])}
    configured = []
    for index, choice in enumerate(connection.streams):
        stream = by_name.get(choice.name)
        if stream is None:
            available = ", ".join(sorted(by_name))
            raise CatalogError(
                f"connections ({connection.name}).streams[{index}]: {connection.source.connector} has no stream "
                f"{choice.name!r} (it has: {available})"
            )
        supported = stream.get("supported_sync_modes") or ["full_refresh"]
        mode = choice.sync_mode or ("incremental" if "incremental" in supported else "full_refresh")
        if mode not in supported:
            raise CatalogError(
                f"connections ({connection.name}).streams[{index}].sync_mode: stream {choice.name!r} supports only "
                f"{', '.join(supported)}"
            )
        primary_key = stream.get("source_defined_primary_key") or []
        configured.append(
            {
                "stream": stream,
                "sync_mode": mode,
                "destination_sync_mode": "append_dedup" if mode == "incremental" and primary_key else "append",
                "cursor_field": stream.get("default_cursor_field") or [],
                "primary_key": primary_key,
            }
        )
    return {"streams": configured}


def incremental_streams(catalog: dict[str, Any]) -> set[str]:
    return {s["stream"]["name"] for s in catalog["streams"] if s["sync_mode"] == "incremental"}
