"""Connector images run the way the Airbyte platform runs them, and a connection as ``read | write`` between two.

Config, catalog and state are files mounted into the container; the container shares the host's network (the
emulators listen on the host loopback, and our engines have no bridge). Between runs the platform does two things
this module does too: it stores the last CONNECTOR_CONFIG a connector printed as that connector's config (rotated
refresh tokens), and it keeps the STATE messages the destination echoed and hands them to the next source read.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ledgerbridge_testkit import Output

MOUNT = "/config"
RUN_TIMEOUT = 600
FORWARDED = frozenset({"RECORD", "STATE"})


class ConnectorConfig:
    """A connector's stored config, replaced by what the connector asks to persist."""

    def __init__(self, value: dict[str, Any]) -> None:
        self.value = copy.deepcopy(value)
        self.updates = 0

    def absorb(self, output: Output) -> None:
        persisted = output.last_config()
        if persisted is not None:
            self.value = copy.deepcopy(persisted)
            self.updates += 1


class StateStore:
    """The latest committed state per stream, as the platform keeps it between syncs."""

    def __init__(self) -> None:
        self.by_stream: dict[str, dict[str, Any]] = {}

    def commit(self, states: list[dict[str, Any]]) -> None:
        for state in states:
            descriptor = state["stream"]["stream_descriptor"]
            self.by_stream[f"{descriptor.get('namespace') or ''}.{descriptor['name']}"] = state

    def as_input(self) -> list[dict[str, Any]] | None:
        return list(self.by_stream.values()) or None


@dataclass
class ConnectorImage:
    name: str
    image: str
    workdir: Path

    def _files(self, **documents: Any) -> tuple[Path, list[str]]:
        # The container runs as uid 1000 (`airbyte`): what it reads must be readable by others.
        directory = self.workdir / f"{self.name}-{uuid.uuid4().hex[:8]}"
        directory.mkdir(parents=True)
        os.chmod(directory, 0o755)  # noqa: S103 - the container user is not the file owner
        arguments = []
        for option, document in documents.items():
            if document is None:
                continue
            path = directory / f"{option}.json"
            path.write_text(json.dumps(document))
            os.chmod(path, 0o644)
            arguments += [f"--{option}", f"{MOUNT}/{path.name}"]
        return directory, arguments

    def command(self, verb: str, *, interactive: bool = False, **documents: Any) -> tuple[list[str], str]:
        directory, arguments = self._files(**documents)
        container = f"ledgerbridge-tier-{self.name}-{uuid.uuid4().hex[:8]}"
        command = ["docker", "run", "--rm", "--name", container, "--network", "host"]
        command += ["-i"] if interactive else []
        command += ["-v", f"{directory}:{MOUNT}:ro", self.image, verb, *arguments]
        return command, container

    def run(
        self,
        verb: str,
        config: ConnectorConfig | dict[str, Any] | None = None,
        catalog: dict[str, Any] | None = None,
        state: list[dict[str, Any]] | None = None,
    ) -> Output:
        stored = config if isinstance(config, ConnectorConfig) else None
        value = stored.value if stored else config
        command, container = self.command(verb, config=value, catalog=catalog, state=state)
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill(container)
            raise
        output = Output.parse(completed.stdout, completed.stderr, completed.returncode)
        if stored is not None:
            stored.absorb(output)
        return output


@dataclass
class SyncResult:
    source: Output
    destination: Output
    forwarded: int = 0
    errors: list[str] = field(default_factory=list)


def sync(
    source: ConnectorImage,
    destination: ConnectorImage,
    source_config: ConnectorConfig,
    destination_config: ConnectorConfig,
    catalog: dict[str, Any],
    states: StateStore,
) -> SyncResult:
    """``source read | destination write``: RECORD and STATE pass through, CONTROL stays with the platform."""
    source_command, source_name = source.command(
        "read", config=source_config.value, catalog=catalog, state=states.as_input()
    )
    destination_command, destination_name = destination.command(
        "write", interactive=True, config=destination_config.value, catalog=catalog
    )
    destination_process = subprocess.Popen(
        destination_command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    source_process = subprocess.Popen(source_command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    source_lines: list[bytes] = []
    forwarded = [0]

    def pump() -> None:
        assert source_process.stdout is not None and destination_process.stdin is not None
        try:
            for line in source_process.stdout:
                source_lines.append(line)
                if _message_type(line) in FORWARDED:
                    destination_process.stdin.write(line if line.endswith(b"\n") else line + b"\n")
                    forwarded[0] += 1
        finally:
            destination_process.stdin.close()

    stderr_of: dict[str, bytes] = {}
    readers = [
        threading.Thread(target=pump, daemon=True),
        threading.Thread(target=_collect, args=(source_process.stderr, stderr_of, "source"), daemon=True),
        threading.Thread(target=_collect, args=(destination_process.stderr, stderr_of, "destination"), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        destination_stdout = destination_process.stdout.read() if destination_process.stdout else b""
        source_code = source_process.wait(timeout=RUN_TIMEOUT)
        destination_code = destination_process.wait(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        _kill(source_name)
        _kill(destination_name)
        raise
    for reader in readers:
        reader.join(timeout=60)
    source_output = Output.parse(
        b"".join(source_lines).decode(), stderr_of.get("source", b"").decode(errors="replace"), source_code
    )
    destination_output = Output.parse(
        destination_stdout.decode(), stderr_of.get("destination", b"").decode(errors="replace"), destination_code
    )
    source_config.absorb(source_output)
    destination_config.absorb(destination_output)
    states.commit(destination_output.states())
    return SyncResult(source_output, destination_output, forwarded[0])


def _message_type(line: bytes) -> str | None:
    if not line.startswith(b"{"):
        return None
    try:
        return json.loads(line).get("type")
    except ValueError:
        return None


def _collect(stream: IO[bytes] | None, into: dict[str, bytes], key: str) -> None:
    into[key] = stream.read() if stream is not None else b""


def _kill(container: str) -> None:
    subprocess.run(["docker", "kill", container], capture_output=True, timeout=60)
