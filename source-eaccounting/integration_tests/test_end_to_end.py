"""The installed console script against the emulator: what an Airbyte worker would run, sync after sync."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eaccounting_client import EAccountingClient
from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import Output, console_script, emulator_config, run_connector

CATALOG = Path(__file__).parent / "configured_catalog.json"


def run(
    tmp_path: Path, command: str, config: dict[str, Any], streams: list[str] | None = None, state: Any = None
) -> Output:
    """The console script as the platform runs it, through the shared testkit harness."""
    config_path = tmp_path / f"config-{os.urandom(4).hex()}.json"
    config_path.write_text(json.dumps(config))
    args = [console_script("source-eaccounting"), command, "--config", str(config_path)]
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
    return run_connector(args, tmp_path)


@pytest.fixture
def fresh_emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess("eaccounting-emulator") as instance:
        yield instance


def test_given_the_emulator_when_check_then_succeeded(tmp_path, fresh_emulator):
    output = run(tmp_path, "check", emulator_config(fresh_emulator))
    assert output.returncode == 0
    assert output.of_type("CONNECTION_STATUS")[0]["connectionStatus"]["status"] == "SUCCEEDED"


def test_given_a_changed_customer_when_second_incremental_run_then_only_that_customer_is_read(tmp_path, fresh_emulator):
    first = run(tmp_path, "read", emulator_config(fresh_emulator), ["customers", "orders"])
    assert first.returncode == 0, first.errors()
    customers = first.records_of("customers")
    assert len(customers) > 1
    rotated = first.last_config()
    assert rotated is not None

    fresh_emulator.advance_clock(60)
    with contextlib.redirect_stdout(io.StringIO()):
        client = EAccountingClient(rotated)
        target = client.get(f"customers/{customers[0]['Id']}")
        client.update("customers", target["Id"], {**target, "Name": target["Name"] + " (renamed)"})

    second = run(tmp_path, "read", rotated, ["customers", "orders"], state=first.final_states())
    assert second.returncode == 0, second.errors()
    records = [m["record"] for m in second.of_type("RECORD")]
    assert [(r["stream"], r["data"]["Id"]) for r in records] == [("customers", target["Id"])]
    assert records[0]["data"]["Name"].endswith("(renamed)")


def test_given_rotation_in_first_run_when_second_run_uses_the_control_message_config_then_it_authenticates(
    tmp_path, fresh_emulator
):
    original = emulator_config(fresh_emulator)
    first = run(tmp_path, "read", original, ["units"])
    assert first.returncode == 0
    assert len(first.of_type("CONTROL")) == 1
    rotated = first.last_config()
    assert rotated is not None
    assert rotated["credentials"]["refresh_token"] != original["credentials"]["refresh_token"]

    # An hour later the access token is gone; only the rotated refresh token can get a new one.
    rotated["credentials"].pop("access_token")
    rotated["credentials"].pop("token_expiry_date")
    second = run(tmp_path, "read", rotated, ["units"])
    assert second.returncode == 0 and second.records_of("units")

    errors = run(tmp_path, "read", original, ["units"]).errors()
    assert any(e["failure_type"] == "config_error" and "invalid_grant" in e["message"] for e in errors), errors
