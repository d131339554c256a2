"""Connector configuration files as the user keeps them, and the atomic write-back of rotated OAuth tokens.

Both systems rotate refresh tokens on every refresh and the old one dies at once, so the token a connector announces
in a CONNECTOR_CONFIG control message is the only one that still works. It is written back the moment it arrives (not
at the end of the run), through a temporary file in the same folder and ``os.replace``: a crash at any point leaves
either the old or the new file, never half of one, and the file is never readable by other users.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

SECRET_MODE = 0o600


class ConfigFileError(ValueError):
    pass


def read_config(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigFileError(f"{path}: file not found") from None
    except UnicodeDecodeError as error:
        raise ConfigFileError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    except OSError as error:
        raise ConfigFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        loaded = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else json.loads(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        kind = "YAML" if path.suffix in (".yaml", ".yml") else "JSON"
        raise ConfigFileError(f"{path}: not valid {kind}: {error}") from None
    if not isinstance(loaded, dict):
        raise ConfigFileError(f"{path}: must hold one object (the connector's configuration)")
    return loaded


def tighten_mode(path: Path) -> int | None:
    """A config file holding credentials that others can read becomes 0600; returns its old mode when it changed."""
    mode = path.stat().st_mode & 0o777
    if not mode & 0o077:
        return None
    try:
        holds_credentials = bool(read_config(path).get("credentials"))
    except ConfigFileError:
        holds_credentials = True  # unreadable as a config: the run reports it; keep whatever it holds private anyway
    if not holds_credentials:
        return None
    path.chmod(SECRET_MODE)
    return mode


def write_config_atomically(path: Path, config: Mapping[str, Any]) -> None:
    if path.suffix in (".yaml", ".yml"):
        text = yaml.safe_dump(dict(config), sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(config, indent=2, ensure_ascii=False) + "\n"
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(descriptor, SECRET_MODE)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class ConnectorConfigFile:
    """One connector's configuration file plus the settings the connection file lays over it for a run.

    The overlay (mapping rules, dry run) belongs to the connection file; a rotated config coming back from the
    connector carries it too, so it is taken out again before the file is written — the user's file keeps exactly
    what it had, with fresh tokens.
    """

    def __init__(self, path: Path, overlay: Mapping[str, Any] | None = None) -> None:
        self.path = path
        self.overlay = dict(overlay or {})

    def effective(self) -> dict[str, Any]:
        return {**read_config(self.path), **self.overlay}

    def absorb_rotated(self, rotated: Mapping[str, Any]) -> None:
        original = read_config(self.path)
        updated = dict(rotated)
        for key in self.overlay:
            if key in original:
                updated[key] = original[key]
            else:
                updated.pop(key, None)
        write_config_atomically(self.path, updated)
