"""A full-refresh read of some of a source's streams, record by record, the way ``sync`` runs the source.

``reconcile`` reads both systems through the connectors a sync uses: ``SOURCE discover``, a configured catalog of the
streams asked for (full refresh, only the columns asked for, so the source selects no more), then ``SOURCE read`` as a
real process. Records are handed on as they arrive (never collected), and every CONTROL message (a rotated refresh
token) is written back to the config file the moment it is seen, exactly as ``sync`` does.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .airbyte_messages import parse_line, rotated_config, trace_error
from .child_processes import child_options
from .config_files import ConnectorConfigFile
from .connector import ConnectorError, discover, executable, private_files


@dataclass(frozen=True, slots=True)
class StreamRead:
    """One stream to read; ``columns`` limits the record to those fields (empty: every field)."""

    name: str
    columns: tuple[str, ...] = ()


def full_refresh_catalog(
    discovered: Mapping[str, Any], streams: Sequence[StreamRead], connector: str
) -> dict[str, Any]:
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


class SourceRead:
    """``SOURCE read`` of a configured catalog as a running process; ``records()`` hands on what it prints.

    Started on ``__enter__`` so that two reads can run side by side (the second source fetches while the first is
    consumed; the pipe holds it back when nobody reads). Leaving the block stops a source that is still running.
    """

    def __init__(
        self,
        connector: str,
        config_file: ConnectorConfigFile,
        catalog: dict[str, Any],
        scratch: Path,
        stderr_path: Path,
    ) -> None:
        self.connector = connector
        self.config_file = config_file
        self.catalog = catalog
        self.scratch = scratch
        self.stderr_path = stderr_path
        self._stack = ExitStack()
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> SourceRead:
        files = self._stack.enter_context(
            private_files(self.scratch, config=self.config_file.effective(), catalog=self.catalog)
        )
        stderr = self._stack.enter_context(self.stderr_path.open("ab"))
        paths = files.paths
        command = [
            executable(self.connector), "read", "--config", str(paths["config"]), "--catalog", str(paths["catalog"]),
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=stderr,
            pass_fds=files.descriptors_for("config", "catalog"),
            **child_options(),
        )
        return self

    def __exit__(self, *exc: object) -> None:
        process = self._process
        if process is not None and process.poll() is None:  # stopped early: the source has no one to tell
            process.kill()
            process.wait()
        self._stack.close()

    def records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(stream, record) pairs as the source prints them; ``ConnectorError`` if the read does not finish."""
        process = self._process
        assert process is not None and process.stdout is not None, "use SourceRead in a with block"
        errors: list[str] = []
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
                    self.config_file.absorb_rotated(rotated)
            else:
                error = trace_error(message)
                if error is not None:
                    errors.append(str(error.get("message") or error.get("internal_message") or "unknown error"))
        code = process.wait()
        if errors or code != 0:
            reason = errors[0] if errors else f"exit code {code} (see {self.stderr_path})"
            raise ConnectorError(f"{self.connector} read failed: {reason}")


def discovered_catalog(
    connector: str, config_file: ConnectorConfigFile, streams: Sequence[StreamRead], scratch: Path, stderr_path: Path
) -> dict[str, Any]:
    """``SOURCE discover``, configured for a full refresh of ``streams``."""
    return full_refresh_catalog(discover(connector, config_file, scratch, stderr_path), streams, connector)
