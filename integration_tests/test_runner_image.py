"""The runner image (runner/Dockerfile) runs `ledgerbridge` as a user would in Docker: the connection file and the
connector configs mounted at /config, the data directory a volume at /data, the emulators on the host loopback."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from emulator_grants import connector_config, grant_for, revoked

from emulator_kit.process import EmulatorProcess

pytestmark = pytest.mark.docker_tier

RUNNER_IMAGE = "ledgerbridge/runner:dev"
CONTAINER_USER = 1000  # `airbyte` in the image: it must read the configs and write rotated tokens back


def _docker_run(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    data = folder / "data"
    data.mkdir(exist_ok=True)
    for path in (folder, *folder.rglob("*")):
        os.chown(path, CONTAINER_USER, CONTAINER_USER)
    command = ["docker", "run", "--rm", "--network", "host", "-v", f"{folder}:/config", "-v", f"{data}:/data"]
    return subprocess.run([*command, RUNNER_IMAGE, *arguments], capture_output=True, text=True, timeout=600)


def _connection_folder(
    folder: Path, emulators: dict[str, EmulatorProcess], source_credentials: dict[str, Any] | None = None
) -> Path:
    """customers from eAccounting to Exact, each connector with a grant of its own (as `ledgerbridge authorize`)."""
    folder.mkdir()
    source_grant = source_credentials or grant_for("eaccounting", emulators["eaccounting"])
    configs = {
        "eaccounting-source.json": connector_config("source-eaccounting", emulators["eaccounting"], source_grant),
        "exact-destination.json": connector_config(
            "destination-exact-online", emulators["exact-online"], grant_for("exact-online", emulators["exact-online"])
        ),
    }
    for name, config in configs.items():
        (folder / name).write_text(json.dumps(config))
        (folder / name).chmod(0o600)
    connection = {
        "name": "eaccounting-customers-to-exact",
        "source": {"connector": "source-eaccounting", "config": "eaccounting-source.json"},
        "destination": {"connector": "destination-exact-online", "config": "exact-destination.json"},
        "streams": ["customers"],
    }
    (folder / "connections.yaml").write_text(yaml.safe_dump({"connections": [connection]}))
    return folder


def test_given_the_runner_image_when_run_without_arguments_then_it_prints_the_commands(connector_images):
    completed = subprocess.run(["docker", "run", "--rm", RUNNER_IMAGE], capture_output=True, text=True, timeout=120)

    assert completed.returncode == 0, completed.stderr
    for command in ("check", "sync", "reconcile", "log"):
        assert command in completed.stdout


def test_given_connector_configs_for_the_emulators_when_check_runs_in_the_image_then_every_connector_is_ok(
    connector_images, emulators, tmp_path: Path
):
    folder = _connection_folder(tmp_path / "config", emulators)

    completed = _docker_run(folder, "check", "/config/connections.yaml")

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.count(" ok") >= 2, completed.stdout


def test_given_a_revoked_grant_when_check_runs_in_the_image_then_it_exits_1_naming_the_connector(
    connector_images, emulators, tmp_path: Path
):
    grant = revoked(grant_for("eaccounting", emulators["eaccounting"]))
    folder = _connection_folder(tmp_path / "config", emulators, source_credentials=grant)

    completed = _docker_run(folder, "check", "/config/connections.yaml")

    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "source-eaccounting" in completed.stdout and "FAILED" in completed.stdout
    assert grant["refresh_token"] not in completed.stdout + completed.stderr
