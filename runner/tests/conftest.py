"""Fixtures: a private data directory, executables for the fake connectors, real emulators, connection files."""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from emulator_kit.process import EmulatorProcess

FAKES = Path(__file__).parent / "fakes"


@pytest.fixture(autouse=True)
def ledgerbridge_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("LEDGERBRIDGE_HOME", str(home))
    return home


def executable(folder: Path, name: str, module: str) -> str:
    """A console script for a fake connector, the way pip would install one."""
    path = folder / name
    path.write_text(f"#!{sys.executable}\nimport runpy\nrunpy.run_path({str(FAKES / module)!r}, run_name='__main__')\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def fake_connectors(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "bin"
    folder.mkdir()
    return {
        "source": executable(folder, "source-widgets", "widget_source.py"),
        "destination": executable(folder, "destination-recording", "recording_destination.py"),
    }


def write_json(path: Path, content: dict[str, Any]) -> Path:
    path.write_text(json.dumps(content))
    os.chmod(path, 0o600)
    return path


def write_connections(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


@pytest.fixture
def widgets_file(tmp_path: Path, fake_connectors: dict[str, str]):
    """A one-connection file over the fake connectors; ``source``/``destination`` override their configs."""

    def make(source: dict[str, Any] | None = None, destination: dict[str, Any] | None = None, **top: Any) -> Path:
        write_json(tmp_path / "source.json", {"count": 5, "credentials": {"refresh_token": "s1"}, **(source or {})})
        write_json(
            tmp_path / "destination.json",
            {"credentials": {"client_secret": "very-secret-value", "refresh_token": "d1"}, **(destination or {})},
        )
        connection = {
            "name": "widgets-to-recorder",
            "source": {"connector": fake_connectors["source"], "config": "source.json"},
            "destination": {"connector": fake_connectors["destination"], "config": "destination.json"},
            "streams": ["widgets"],
        }
        return write_connections(tmp_path / "connections.yaml", {"connections": [connection], **top})

    return make


@pytest.fixture(scope="module")
def exact() -> Iterator[EmulatorProcess]:
    with EmulatorProcess("exact-online-emulator", "--minutely-limit", "0") as emulator:
        yield emulator


@pytest.fixture(scope="module")
def eaccounting() -> Iterator[EmulatorProcess]:
    with EmulatorProcess("eaccounting-emulator") as emulator:
        yield emulator
