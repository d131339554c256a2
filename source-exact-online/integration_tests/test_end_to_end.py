"""The installed console script against a running emulator: what a scheduler sees over consecutive syncs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder, ConfiguredAirbyteStreamBuilder
from airbyte_cdk.test.entrypoint_wrapper import read

from emulator_kit.process import EmulatorProcess
from exact_online_client import ExactOnlineClient
from ledgerbridge_testkit import EmulatedClock, Output, console_script, emulator_config
from ledgerbridge_testkit import run_connector as run_process
from source_exact_online import SourceExactOnline
from source_exact_online.endpoints import ENDPOINTS

STREAMS = list(ENDPOINTS)


def all_divisions(emulator: EmulatorProcess) -> dict[str, Any]:
    """The emulator's config with no division chosen: the source reads every division the token sees."""
    return {**emulator_config(emulator), "divisions": []}


def division_of(emulator: EmulatorProcess) -> int:
    return int(emulator_config(emulator)["divisions"][0])


def _catalog(tmp_path: Path) -> Path:
    streams = [
        {
            "stream": {
                "name": endpoint.stream,
                "json_schema": {},
                "supported_sync_modes": ["full_refresh", "incremental"],
                "source_defined_cursor": True,
                "default_cursor_field": [endpoint.cursor],
            },
            "sync_mode": "incremental",
            "destination_sync_mode": "append_dedup",
            "cursor_field": [endpoint.cursor],
            "primary_key": endpoint.primary_key,
        }
        for endpoint in STREAMS
    ]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"streams": streams}))
    return path


def run_connector(tmp_path: Path, command: str, config: dict[str, Any], *, state: Any = None) -> Output:
    """The console script as the platform runs it, through the shared testkit harness."""
    config_path = tmp_path / f"config-{command}-{len(list(tmp_path.iterdir()))}.json"
    config_path.write_text(json.dumps(config))
    args = [console_script("source-exact-online"), command, "--config", str(config_path)]
    if command == "read":
        args += ["--catalog", str(_catalog(tmp_path))]
        if state is not None:
            state_path = tmp_path / f"state-{len(list(tmp_path.iterdir()))}.json"
            state_path.write_text(json.dumps(state))
            args += ["--state", str(state_path)]
    return run_process(args, tmp_path)


def test_given_rotated_tokens_from_the_first_run_when_second_run_uses_them_then_it_succeeds(emulator, tmp_path):
    first = run_connector(tmp_path, "check", all_divisions(emulator))
    assert first.of_type("CONNECTION_STATUS")[0]["connectionStatus"]["status"] == "SUCCEEDED"
    rotated = first.last_config()
    assert rotated["credentials"]["refresh_token"] != emulator.credentials["refresh_token"]

    second = run_connector(tmp_path, "read", rotated)
    assert not second.errors()
    assert second.record_counts()["accounts"] > 0

    # The first refresh token is spent: replaying it is what users see when rotated tokens are not stored.
    stale = run_connector(tmp_path, "read", all_divisions(emulator))
    assert stale.errors()[0]["failure_type"] == "config_error"
    assert "Re-authorise" in stale.errors()[0]["message"]


def test_given_a_first_sync_when_records_change_and_are_deleted_then_second_sync_reads_only_those(emulator, tmp_path):
    first = run_connector(tmp_path, "read", all_divisions(emulator))
    assert not first.errors(), first.errors()
    assert first.record_counts()["accounts"] > 1
    assert first.record_counts()["addresses"] >= first.record_counts()["accounts"], (
        "every account has at least a visit address"
    )
    config = first.last_config()

    writer = ExactOnlineClient(json.loads(json.dumps(config)))
    account = first.records_of("accounts")[0]
    item = first.records_of("items")[0]
    writer.update("crm/Accounts", account["ID"], {"Name": "Renamed between syncs"}, division=division_of(emulator))
    writer.delete("logistics/Items", item["ID"], division=division_of(emulator))
    config = json.loads(json.dumps(writer.authenticator._connector_config))

    second = run_connector(tmp_path, "read", config, state=first.final_states())
    assert not second.errors(), second.errors()
    changed = second.records_of("accounts")
    assert [(record["ID"], record["Name"]) for record in changed] == [(account["ID"], "Renamed between syncs")]
    deleted = second.records_of("deleted")
    assert [record["EntityKey"] for record in deleted] == [item["ID"]]
    unrelated = {
        stream: count for stream, count in second.record_counts().items() if stream not in {"accounts", "deleted"}
    }
    assert all(stream in {"items", "stock_positions"} for stream in unrelated), unrelated


@pytest.mark.slow
def test_given_a_60_per_minute_window_on_a_fast_clock_when_reading_many_pages_then_no_429(tmp_path):
    # Slow enough that more than 60 calls fit in one emulated minute even on a loaded machine, so pacing must act.
    speed = 3.0
    emulator = EmulatorProcess("exact-online-emulator", "--clock-speed", str(speed), "--scale", "80")
    try:
        source = SourceExactOnline(clock=EmulatedClock(speed, emulator))
        streams = ["sales_orders", "sales_invoices", "goods_deliveries", "accounts", "transaction_lines"]
        catalog = CatalogBuilder()
        for name in streams:
            catalog = catalog.with_stream(
                ConfiguredAirbyteStreamBuilder().with_name(name).with_sync_mode(SyncMode.full_refresh)
            )
        output = read(source, all_divisions(emulator), catalog.build())
        log = [entry for entry in emulator.requests_log() if f"/api/v1/{division_of(emulator)}/" in entry["path"]]
    finally:
        emulator.stop()

    assert not output.errors
    assert len(log) > 60, "the read must outlast one minutely window for the pacing to matter"
    assert [entry for entry in log if entry["status"] == 429] == []
    assert source._client.pacer.waited_seconds > 0
