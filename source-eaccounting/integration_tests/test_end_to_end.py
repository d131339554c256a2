"""The installed console script against the emulator: what an Airbyte worker would run, sync after sync."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from eaccounting_client import EAccountingClient

from .conftest import Emulator

SCRIPT = str(Path(sys.executable).parent / "source-eaccounting")
CATALOG = Path(__file__).parent / "configured_catalog.json"


def run(tmp_path: Path, command: str, config: dict[str, Any], streams: list[str] | None = None, state: Any = None):
    config_path = tmp_path / f"config-{os.urandom(4).hex()}.json"
    config_path.write_text(json.dumps(config))
    args = [SCRIPT, command, "--config", str(config_path)]
    if command == "read":
        catalog = json.loads(CATALOG.read_text())
        catalog["streams"] = [s for s in catalog["streams"] if streams is None or s["stream"]["name"] in streams]
        catalog_path = tmp_path / "catalog.json"
        catalog_path.write_text(json.dumps(catalog))
        args += ["--catalog", str(catalog_path)]
        if state is not None:
            state_path = tmp_path / "state.json"
            state_path.write_text(json.dumps(state))
            args += ["--state", str(state_path)]
    completed = subprocess.run(args, capture_output=True, text=True, timeout=120)
    messages = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]
    return completed.returncode, messages


def of_type(messages: list[dict], kind: str) -> list[dict]:
    return [m for m in messages if m["type"] == kind]


def last_states(messages: list[dict]) -> list[dict]:
    latest: dict[str, dict] = {}
    for m in of_type(messages, "STATE"):
        latest[m["state"]["stream"]["stream_descriptor"]["name"]] = m["state"]
    return list(latest.values())


@pytest.fixture
def fresh_emulator() -> Emulator:
    instance = Emulator()
    yield instance
    instance.stop()


def test_given_the_emulator_when_check_then_succeeded(tmp_path, fresh_emulator):
    code, messages = run(tmp_path, "check", fresh_emulator.config())
    assert code == 0
    assert of_type(messages, "CONNECTION_STATUS")[0]["connectionStatus"]["status"] == "SUCCEEDED"


def test_given_a_changed_customer_when_second_incremental_run_then_only_that_customer_is_read(tmp_path, fresh_emulator):
    code, first = run(tmp_path, "read", fresh_emulator.config(), ["customers", "orders"])
    assert code == 0, of_type(first, "TRACE")
    customers = [m["record"]["data"] for m in of_type(first, "RECORD") if m["record"]["stream"] == "customers"]
    assert len(customers) > 1
    rotated = of_type(first, "CONTROL")[-1]["control"]["connectorConfig"]["config"]

    requests.post(f"{fresh_emulator.root}/_emulator/clock", json={"advance": 60}, timeout=10)
    with contextlib.redirect_stdout(io.StringIO()):
        client = EAccountingClient(rotated)
        target = client.get(f"customers/{customers[0]['Id']}")
        client.put(f"customers/{target['Id']}", {**target, "Name": target["Name"] + " (renamed)"})

    code, second = run(tmp_path, "read", rotated, ["customers", "orders"], state=last_states(first))
    assert code == 0, of_type(second, "TRACE")
    records = [m["record"] for m in of_type(second, "RECORD")]
    assert [(r["stream"], r["data"]["Id"]) for r in records] == [("customers", target["Id"])]
    assert records[0]["data"]["Name"].endswith("(renamed)")


def test_given_rotation_in_first_run_when_second_run_uses_the_control_message_config_then_it_authenticates(
    tmp_path, fresh_emulator
):
    original = fresh_emulator.config()
    code, first = run(tmp_path, "read", original, ["units"])
    assert code == 0
    [control] = of_type(first, "CONTROL")
    rotated = control["control"]["connectorConfig"]["config"]
    assert rotated["credentials"]["refresh_token"] != original["credentials"]["refresh_token"]

    # An hour later the access token is gone; only the rotated refresh token can get a new one.
    rotated["credentials"].pop("access_token")
    rotated["credentials"].pop("token_expiry_date")
    code, second = run(tmp_path, "read", rotated, ["units"])
    assert code == 0 and of_type(second, "RECORD")

    code, stale = run(tmp_path, "read", original, ["units"])
    errors = [m["trace"]["error"] for m in of_type(stale, "TRACE") if m["trace"]["type"] == "ERROR"]
    assert any(e["failure_type"] == "config_error" and "invalid_grant" in e["message"] for e in errors), errors
