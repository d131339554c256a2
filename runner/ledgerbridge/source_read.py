"""A full-refresh read of some of a source's streams, record by record, the way ``sync`` runs the source.

``reconcile`` reads both systems through the connectors a sync uses: ``SOURCE discover``, a configured catalog of the
streams asked for (full refresh, only the columns asked for, so the source selects no more), then ``SOURCE read`` as a
real process. Records are handed on as they arrive (never collected), and every CONTROL message (a rotated refresh
token) is written back to the config file the moment it is seen, exactly as ``sync`` does.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .airbyte_messages import parse_line, rotated_config, trace_error
from .config_files import ConnectorConfigFile
from .connector import ConnectorError, discover, executable, private_files


@dataclass(frozen=True, slots=True)
class StreamRead:
    """One stream to read; ``columns`` limits the record to those fields (empty: every field)."""

    name: str
    columns: tuple[str, ...] = ()


def full_refresh_catalog(discovered: Mapping[str, Any], streams: Sequence[StreamRead], connector: str) -> dict:
    by_name = {stream["name"]: stream for stream in discovered.get("streams", [])}
    configured = []
    for wanted in streams:
        stream = by_name.get(wanted.name)
        if stream is None:
            raise ConnectorError(f"{connector} has no stream {wanted.name!r} (it has: {', '.join(sorted(by_name))})")
        schema = stream.get("json_schema") or {}
        properties = schema.get("properties") or {}
        if wanted.columns:
            properties = {name: properties[name] for name in wanted.columns if name in properties}
            schema = {**schema, "properties": properties}
        configured.append(
            {
                "stream": {**stream, "json_schema": schema},
                "sync_mode": "full_refresh",
                "destination_sync_mode": "append",
                "cursor_field": [],
                "primary_key": stream.get("source_defined_primary_key") or [],
            }
        )
    return {"streams": configured}


def read_streams(
    connector: str, config_file: ConnectorConfigFile, streams: Sequence[StreamRead], scratch: Path, stderr_path: Path
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(stream, record) pairs as the source prints them; raises ``ConnectorError`` if the read does not finish."""
    catalog = full_refresh_catalog(discover(connector, config_file, scratch, stderr_path), streams, connector)
    errors: list[str] = []
    with (
        private_files(scratch, config=config_file.effective(), catalog=catalog) as files,
        stderr_path.open("ab") as stderr,
    ):
        command = [executable(connector), "read", "--config", str(files["config"]), "--catalog", str(files["catalog"])]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr)
        assert process.stdout is not None
        try:
            for line in process.stdout:
                message = parse_line(line)
                if message is None:
                    continue
                kind = message["type"]
                if kind == "RECORD":
                    record = message["record"]
                    yield record["stream"], record["data"]
                elif kind == "CONTROL":
                    rotated = rotated_config(message)
                    if rotated is not None:
                        config_file.absorb_rotated(rotated)
                else:
                    error = trace_error(message)
                    if error is not None:
                        errors.append(str(error.get("message") or error.get("internal_message") or "unknown error"))
            code = process.wait()
        finally:
            if process.poll() is None:  # the caller stopped early: the source has no one to tell
                process.kill()
                process.wait()
    if errors or code != 0:
        reason = errors[0] if errors else f"exit code {code} (see {stderr_path})"
        raise ConnectorError(f"{connector} read failed: {reason}")
