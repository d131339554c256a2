"""One connector executable run the way the platform runs it: ``spec``, ``check``, ``discover`` on the command line.

Configs and catalogs are handed over as files (mode 0600, in the data directory's scratch folder, removed afterwards);
every CONTROL message a connector prints is written back to the user's config file at once, even from ``check``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from .airbyte_messages import parse_line, rotated_config, trace_error
from .child_processes import child_options
from .config_files import ConnectorConfigFile


class ConnectorError(RuntimeError):
    pass


def executable(command: str) -> str:
    """A console script by name (PATH first, then next to this Python: the shared virtualenv) or a path."""
    if os.sep in command:
        return command
    found = shutil.which(command) or shutil.which(command, path=str(Path(sys.executable).parent))
    if found is None:
        raise ConnectorError(f"connector {command!r} is not installed (no such executable on PATH)")
    return found


@contextmanager
def private_files(scratch: Path, **contents: Any) -> Iterator[dict[str, Path]]:
    """Temporary JSON files only this user can read: the connectors get configs and catalogs by path."""
    folder = Path(tempfile.mkdtemp(dir=scratch))
    try:
        paths = {}
        for name, value in contents.items():
            path = folder / f"{name}.json"
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(orjson.dumps(value))
            paths[name] = path
        yield paths
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_command(
    command: str, verb: str, config_file: ConnectorConfigFile, scratch: Path, stderr_path: Path
) -> list[dict[str, Any]]:
    """``COMMAND verb --config …``; returns its messages. Rotated configs are persisted before this returns."""
    with private_files(scratch, config=config_file.effective()) as files, stderr_path.open("ab") as stderr:
        completed = subprocess.run(
            [executable(command), verb, "--config", str(files["config"])],
            stdout=subprocess.PIPE,
            stderr=stderr,
            check=False,
            timeout=600,
            **child_options(),
        )
    messages = [m for m in (parse_line(line) for line in completed.stdout.splitlines()) if m]
    for message in messages:
        rotated = rotated_config(message)
        if rotated is not None:
            config_file.absorb_rotated(rotated)
    if completed.returncode != 0 and not any(m["type"] in ("CONNECTION_STATUS", "CATALOG") for m in messages):
        errors = [trace_error(m) for m in messages if trace_error(m) is not None]
        reason = errors[0].get("message") if errors else f"exit code {completed.returncode} (see {stderr_path})"
        raise ConnectorError(f"{command} {verb} failed: {reason}")
    return messages


def check(command: str, config_file: ConnectorConfigFile, scratch: Path, stderr_path: Path) -> tuple[bool, str]:
    messages = run_command(command, "check", config_file, scratch, stderr_path)
    for message in messages:
        if message["type"] == "CONNECTION_STATUS":
            status = message["connectionStatus"]
            return status["status"] == "SUCCEEDED", status.get("message") or ""
    return False, "the connector printed no connection status"


def discover(command: str, config_file: ConnectorConfigFile, scratch: Path, stderr_path: Path) -> dict[str, Any]:
    for message in run_command(command, "discover", config_file, scratch, stderr_path):
        if message["type"] == "CATALOG":
            return message["catalog"]
    raise ConnectorError(f"{command} discover printed no catalog")
