"""The harness other suites build on: parsing what a connector printed, keeping its config, killing it mid-run."""

from __future__ import annotations

import json
import sys
import time

from ledgerbridge_testkit import ConfigFile, Output, configured_catalog, run_connector


def _control(refresh_token: str) -> dict:
    config = {"credentials": {"refresh_token": refresh_token}}
    return {"type": "CONTROL", "control": {"type": "CONNECTOR_CONFIG", "connectorConfig": {"config": config}}}


def _log(message: str) -> dict:
    return {"type": "LOG", "log": {"level": "INFO", "message": message}}


def test_given_mixed_output_when_parsed_then_messages_activity_and_the_last_config_are_found():
    lines = [
        "a library's warning on stdout",
        json.dumps(_control("first")),
        json.dumps(_log(json.dumps({"event": "activity", "action": "failed", "field": "Email"}))),
        json.dumps(_log("{not json")),
        json.dumps(_log(json.dumps({"event": "summary"}))),
        json.dumps({"type": "STATE", "state": {"type": "STREAM"}}),
        json.dumps(_control("second")),
    ]
    output = Output.parse("\n".join(lines), returncode=0)
    assert len(output.messages) == 6
    assert output.failed() == [{"event": "activity", "action": "failed", "field": "Email"}]
    assert output.states() == [{"type": "STREAM"}]
    assert output.last_config() == {"credentials": {"refresh_token": "second"}}


def test_given_a_run_that_rotated_its_token_when_absorbed_then_the_file_holds_the_new_config(tmp_path):
    config = ConfigFile(tmp_path / "config.json", {"credentials": {"refresh_token": "old"}})
    assert config.absorb(Output.parse(json.dumps(_control("new"))))
    assert config.read()["credentials"]["refresh_token"] == "new"
    assert not config.absorb(Output.parse(""))  # a run without a rotation leaves the file alone
    assert config.read()["credentials"]["refresh_token"] == "new"


def test_given_a_kill_condition_when_it_turns_true_then_the_process_dies_of_sigkill(tmp_path):
    deadline = time.monotonic() + 0.3
    script = 'import time\nprint(\'{"type": "LOG", "log": {"message": "up"}}\', flush=True)\ntime.sleep(30)'
    started = time.monotonic()
    output = run_connector([sys.executable, "-c", script], tmp_path, kill_when=lambda: time.monotonic() > deadline)
    assert output.returncode == -9
    assert time.monotonic() - started < 10
    assert output.of_type("LOG") == [{"type": "LOG", "log": {"message": "up"}}]


def test_given_a_discovered_catalog_when_configured_then_only_chosen_streams_with_their_modes():
    discovered = {"streams": [
        {"name": "accounts", "source_defined_primary_key": [["ID"]]},
        {"name": "sales_orders", "default_cursor_field": ["Modified"], "source_defined_primary_key": [["OrderID"]]},
        {"name": "items"},
    ]}  # fmt: skip
    streams = configured_catalog(discovered, {"accounts"}, {"sales_orders"})["streams"]
    assert [(s["stream"]["name"], s["sync_mode"], s["cursor_field"]) for s in streams] == [
        ("accounts", "full_refresh", []),
        ("sales_orders", "incremental", ["Modified"]),
    ]


def test_given_either_emulator_start_line_when_configured_then_the_connector_keys_of_that_system():
    from types import SimpleNamespace

    from ledgerbridge_testkit import emulator_config

    credentials = {"client_id": "c", "client_secret": "s", "refresh_token": "r"}
    exact = SimpleNamespace(start_line={"base_url": "http://127.0.0.1:1", "division": 7, "credentials": credentials})
    eaccounting = SimpleNamespace(
        start_line={
            "api_url": "http://127.0.0.1:2/v2",
            "identity_url": "http://127.0.0.1:2",
            "credentials": credentials,
        }
    )
    assert emulator_config(exact) == {"base_url": "http://127.0.0.1:1", "divisions": [7], "credentials": credentials}
    assert emulator_config(eaccounting) == {
        "api_url": "http://127.0.0.1:2/v2",
        "identity_url": "http://127.0.0.1:2",
        "credentials": credentials,
    }
