"""One connector executable run the way the platform runs it: ``spec``, ``check``, ``discover`` on the command line.

Configs, catalogs and states are handed over as in-memory files (``memfd``) the connector inherits and opens by path
(``/dev/fd/N``): nothing with a token is ever on disk, so a SIGKILL leaves no secret behind. Every CONTROL message a
connector prints is written back to the user's config file at once, even from ``check``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from .airbyte_messages import parse_line, rotated_config, trace_error
from .child_processes import child_options
from .config_files import ConnectorConfigFile
from .connector_errors import error_text


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


@dataclass(frozen=True)
class HandedOver:
    """JSON documents a child process opens by path; ``descriptors_for`` goes to ``Popen(pass_fds=…)``."""

    paths: dict[str, Path]
    descriptors: dict[str, int]

    def descriptors_for(self, *names: str) -> tuple[int, ...]:
        """Only what this child reads: the source never sees the destination's credentials, nor the reverse."""
        return tuple(self.descriptors[name] for name in names if name in self.descriptors)


@contextmanager
def private_files(scratch: Path, **contents: Any) -> Iterator[HandedOver]:
    """Each document in an anonymous in-memory file (Linux ``memfd``); its path ``/dev/fd/N`` is valid in a child that
    inherits descriptor N, and the file vanishes with the last process holding it, however that process ends.

    Elsewhere (no ``memfd``): a file in a private folder of ``scratch``, removed when the block ends."""
    if not hasattr(os, "memfd_create"):
        with _scratch_files(scratch, contents) as paths:
            yield HandedOver(paths, {})
        return
    descriptors: dict[str, int] = {}
    try:
        for name, value in contents.items():
            descriptors[name] = os.memfd_create(name)
            os.write(descriptors[name], orjson.dumps(value))
        yield HandedOver({name: Path(f"/dev/fd/{fd}") for name, fd in descriptors.items()}, descriptors)
    finally:
        for descriptor in descriptors.values():
            os.close(descriptor)


@contextmanager
def _scratch_files(scratch: Path, contents: dict[str, Any]) -> Iterator[dict[str, Path]]:
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
            [executable(command), verb, "--config", str(files.paths["config"])],
            pass_fds=files.descriptors_for("config"),
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
        errors = [e for e in (trace_error(m) for m in messages) if e is not None]
        reason = (
            error_text(errors[0], command, config_file.path)
            if errors
            else f"exit code {completed.returncode} (see {stderr_path})"
        )
        raise ConnectorError(f"{command} {verb} failed: {reason}")
    return messages


def spec(command: str, stderr_path: Path) -> dict[str, Any]:
    """``COMMAND spec``: the connector's specification (its config schema under ``connectionSpecification``)."""
    with stderr_path.open("ab") as stderr:
        try:
            completed = subprocess.run(
                [executable(command), "spec"],
                stdout=subprocess.PIPE,
                stderr=stderr,
                check=False,
                timeout=120,
                **child_options(),
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ConnectorError(f"{command} spec could not run: {error}") from None
    for line in completed.stdout.splitlines():
        message = parse_line(line)
        if message and message["type"] == "SPEC":
            specification: dict[str, Any] = message["spec"]
            return specification
    raise ConnectorError(
        f"{command} spec printed no specification (exit code {completed.returncode}, see {stderr_path})"
    )


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
            catalog: dict[str, Any] = message["catalog"]
            return catalog
    raise ConnectorError(f"{command} discover printed no catalog")
