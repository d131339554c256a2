"""Exact's 60-calls-per-minute window on a fast clock: the destination paces itself on the rate-limit headers."""

from __future__ import annotations

from airbyte_cdk.models import AirbyteMessageSerializer, ConfiguredAirbyteCatalogSerializer

from destination_exact_online import DestinationExactOnline
from integration_tests.emulators import Connection, ExactEmulator, catalog_of
from integration_tests.test_end_to_end import MAPPING
from ledgerbridge_testkit import EmulatedClock, Output, writes

SPEED = 20.0  # one emulated minute every 3 real seconds


def test_given_a_60_per_minute_window_on_a_fast_clock_when_writing_over_100_objects_then_exact_never_answers_429(
    eaccounting, tmp_path
):
    exact = ExactEmulator("--clock-speed", str(SPEED))
    clock = EmulatedClock(SPEED, exact)
    try:
        connection = Connection(eaccounting, exact, ["customers", "articles"], tmp_path, MAPPING)
        source_output = connection.read_source()
        messages = [
            AirbyteMessageSerializer.load(m)
            for m in Output.parse(source_output).messages
            if m["type"] in ("RECORD", "STATE")
        ]
        catalog = ConfiguredAirbyteCatalogSerializer.load(catalog_of(["customers", "articles"]))
        destination = DestinationExactOnline(clock=clock)
        output = list(destination.write(connection.destination_config, catalog, messages))
        log = exact.requests_log()
        assert len(writes(log)) > 100, "more calls than one window allows"
        assert [r for r in log if r["status"] == 429] == []
        assert clock.slept > 0, "the pacer waited for the window to reset"
        assert any(m.type.value == "STATE" for m in output)
    finally:
        exact.stop()


def test_given_a_small_daily_budget_when_it_runs_out_mid_sync_then_the_sync_stops_cleanly_saying_when_it_resets(
    eaccounting, tmp_path
):
    exact = ExactEmulator("--daily-limit", "100", "--minutely-limit", "0")
    try:
        connection = Connection(eaccounting, exact, ["customers", "articles"], tmp_path, MAPPING)
        result = connection.sync()
        assert result.returncode != 0
        [trace] = [m["trace"] for m in result.destination if m["type"] == "TRACE"]
        assert trace["error"]["failure_type"] == "transient_error"
        assert "daily API budget" in trace["error"]["message"] and "resets at" in trace["error"]["message"]
        log = exact.requests_log()
        assert [r for r in log if r["status"] == 429] == [], "stopped before Exact had to refuse"
        assert [s["stream"]["stream_descriptor"]["name"] for s in result.states] == ["customers"]
    finally:
        exact.stop()
