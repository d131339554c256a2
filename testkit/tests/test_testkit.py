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


def test_given_spec_catalog_and_check_output_when_parsed_then_each_is_read_and_a_failure_is_described():
    lines = [
        {"type": "SPEC", "spec": {"connectionSpecification": {"type": "object"}}},
        {"type": "CATALOG", "catalog": {"streams": [{"name": "accounts"}]}},
        {"type": "CONNECTION_STATUS", "connectionStatus": {"status": "FAILED", "message": "bad token"}},
        {"type": "TRACE", "trace": {"type": "ERROR", "error": {"message": "Re-authorise", "failure_type": "config"}}},
    ]
    output = Output.parse("\n".join(json.dumps(m) for m in lines), stderr="x" * 2000 + "the end", returncode=1)
    assert output.spec() == {"connectionSpecification": {"type": "object"}}
    assert output.catalog() == {"streams": [{"name": "accounts"}]}
    assert output.connection_statuses() == ["FAILED"]
    described = output.describe()
    assert described.startswith("exit 1; errors ['Re-authorise']; stderr tail: ")
    assert described.endswith("the end") and len(described) < 1600


def test_given_an_emulator_request_log_when_writes_are_asked_then_token_redemptions_and_reads_are_left_out():
    from ledgerbridge_testkit import writes

    log = [
        {"method": "POST", "path": "/api/oauth2/token"},
        {"method": "POST", "path": "/connect/token"},
        {"method": "GET", "path": "/v2/customers"},
        {"method": "POST", "path": "/v2/customers"},
        {"method": "PUT", "path": "/api/v1/1/crm/Accounts(guid'a')"},
        {"method": "DELETE", "path": "/v2/orders/1"},
    ]
    assert [r["method"] for r in writes(log)] == ["POST", "PUT", "DELETE"]


def test_given_a_session_when_the_acceptance_config_is_used_then_the_file_exists_only_inside_it(tmp_path):
    from ledgerbridge_testkit import acceptance_config

    path = tmp_path / ".emulator_config.json"
    try:
        with acceptance_config(path, {"base_url": "http://127.0.0.1:1"}) as written:
            assert json.loads(written.read_text()) == {"base_url": "http://127.0.0.1:1"}
            raise RuntimeError("the session failed")
    except RuntimeError:
        pass
    assert not path.exists()


def test_given_both_emulators_when_live_credentials_are_redeemed_then_the_chain_rotates_and_the_old_token_is_dead():
    from emulator_kit.process import EmulatorProcess
    from ledgerbridge_testkit import live_credentials
    from ledgerbridge_testkit.live_token import redeem

    for command in ("exact-online-emulator", "eaccounting-emulator"):
        with EmulatorProcess(command) as emulator:
            live = live_credentials(emulator)
            assert live["access_token"] and live["token_expiry_date"].endswith("+00:00")
            assert live["refresh_token"] != emulator.credentials["refresh_token"]
            assert redeem(emulator, emulator.credentials).status_code == 400, command
            emulator.advance_clock(600)  # Exact refuses a refresh within 570 s of the last one
            assert redeem(emulator, live).ok, command


def test_given_an_emulator_at_three_times_speed_when_modelled_then_the_model_runs_fast_and_stays_behind():
    from emulator_kit.process import EmulatorProcess
    from ledgerbridge_testkit import EmulatedClock

    with EmulatorProcess("eaccounting-emulator", "--clock-speed", "3") as emulator:
        clock = EmulatedClock(3.0, emulator)
        before = clock.time()
        clock.sleep(0.6)
        emulated = clock.time() - before
        behind = emulator.advance_clock(0) - clock.time()
    assert 0.6 <= emulated < 1.5
    assert clock.slept == 0.6
    assert behind >= 0
