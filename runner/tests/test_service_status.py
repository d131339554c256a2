"""The status snapshot of `ledgerbridge serve`, its page and its metrics, built from what real runs recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from ledgerbridge import metrics, status_page
from ledgerbridge.cli import main
from ledgerbridge.connection_file import ConnectionFile
from ledgerbridge.home import DataHome
from ledgerbridge.service_status import LiveInfo, ServiceStatus, collect
from ledgerbridge.state_store import StateStore

Ran = tuple[ConnectionFile, DataHome]
NEXT_RUN = datetime(2031, 5, 4, 10, 30, tzinfo=UTC)


@pytest.fixture
def two_runs(widgets_file: Callable[..., Path], ledgerbridge_home: Path) -> Ran:
    """widgets-to-recorder synced twice: cleanly (widgets 1-3), then 4-6 with widget 5 refused by the destination."""
    clean = widgets_file(source={"count": 3})
    assert main(["sync", str(clean)]) == 0
    failing = widgets_file(source={"count": 6}, destination={"fail": [5]})
    assert main(["sync", str(failing)]) == 1
    document = yaml.safe_load(failing.read_text())
    return ConnectionFile.model_validate(document), DataHome.resolve(ledgerbridge_home)


def _live(**overrides: object) -> LiveInfo:
    values: dict[str, object] = {
        "next_runs": {"widgets-to-recorder": NEXT_RUN},
        "exact_budget_left": {"widgets-to-recorder": 4321},
    }
    values.update(overrides)
    return LiveInfo(**values)  # type: ignore[arg-type]


def test_given_a_clean_run_then_a_failed_one_when_collected_then_the_newest_run_and_its_failure_come_first(
    two_runs: Ran,
) -> None:
    connections, home = two_runs

    status = collect(home, connections, _live(), now=NEXT_RUN - timedelta(minutes=5))

    (connection,) = status.connections
    assert connection.name == "widgets-to-recorder"
    assert [run.outcome for run in connection.runs] == ["failed", "ok"]
    newest, oldest = connection.runs
    assert (oldest.read, oldest.written, oldest.failed) == (3, 3, 0)
    assert (newest.read, newest.written, newest.failed) == (3, 2, 1)
    assert newest.started >= oldest.started and newest.seconds is not None and newest.seconds >= 0
    assert connection.runs_by_outcome == {"ok": 1, "failed": 1}
    assert connection.failures[0].message == "widgets / record 5: Code: Code is longer than 18 characters"
    assert connection.failures[0].run_id == newest.run_id
    assert connection.next_run == NEXT_RUN and connection.exact_budget_left == 4321


def test_given_a_run_that_never_finished_when_collected_then_it_shows_running_only_while_the_service_runs_it(
    two_runs: Ran,
) -> None:
    connections, home = two_runs
    store = StateStore(home.state_db)
    store.run_started("20990101T000000000000Z", "widgets-to-recorder")
    store.close()

    running = collect(home, connections, _live(running=frozenset({"widgets-to-recorder"})))
    stopped = collect(home, connections, _live())

    assert running.connections[0].runs[0].outcome == "running" and running.connections[0].running
    assert stopped.connections[0].runs[0].outcome == "interrupted" and not stopped.connections[0].running
    assert running.connections[0].runs_by_outcome == {"ok": 1, "failed": 1}


def test_given_an_error_naming_an_email_and_a_secret_when_collected_then_neither_is_shown(two_runs: Ran) -> None:
    connections, home = two_runs
    store = StateStore(home.state_db)
    store.run_started("20990101T000000000000Z", "widgets-to-recorder")
    store.run_finished(
        "20990101T000000000000Z",
        "widgets-to-recorder",
        "failed",
        {"errors": ["token refused for anna.berg@example.se: client_secret=s3cr3t-v4lue, Bearer eyJhbGciOi.x.y"]},
    )
    store.close()

    status = collect(home, connections, _live())
    page = status_page.render(status)

    message = status.connections[0].failures[0].message
    assert message.startswith("token refused for [e-mail]: client_secret=[hidden]")
    for leak in ("anna.berg@example.se", "s3cr3t-v4lue", "eyJhbGciOi"):
        assert leak not in message and leak not in page


def test_given_collected_runs_when_the_page_is_rendered_then_a_person_reads_counts_failure_and_next_run(
    two_runs: Ran,
) -> None:
    connections, home = two_runs

    page = status_page.render(collect(home, connections, _live(), now=NEXT_RUN - timedelta(minutes=5)))

    assert "<h2>widgets-to-recorder</h2>" in page
    assert "widgets / record 5: Code: Code is longer than 18 characters" in page
    assert "2031-05-04 10:30:00 UTC (in 5 min)" in page
    assert "4,321 calls" in page
    assert "<script" not in page


def test_given_markup_in_a_failure_message_when_rendered_then_it_is_escaped_text(two_runs: Ran) -> None:
    connections, home = two_runs
    store = StateStore(home.state_db)
    store.run_started("20990101T000000000000Z", "widgets-to-recorder")
    store.run_finished("20990101T000000000000Z", "widgets-to-recorder", "failed", {"errors": ["<script>x()</script>"]})
    store.close()

    page = status_page.render(collect(home, connections, _live()))

    assert "<script>" not in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page


def test_given_collected_runs_when_metrics_are_scraped_then_prometheus_reads_the_last_run_and_the_schedule(
    two_runs: Ran,
) -> None:
    connections, home = two_runs
    status: ServiceStatus = collect(home, connections, _live())
    last = status.connections[0].runs[0]

    body, content_type = metrics.render(status)

    assert content_type.startswith("text/plain; version=")
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }
    label = (("connection", "widgets-to-recorder"),)
    assert samples[("ledgerbridge_runs_total", (("connection", "widgets-to-recorder"), ("outcome", "failed")))] == 1
    assert samples[("ledgerbridge_runs_total", (("connection", "widgets-to-recorder"), ("outcome", "ok")))] == 1
    assert samples[("ledgerbridge_last_run_records_read", label)] == last.read
    assert samples[("ledgerbridge_last_run_records_written", label)] == last.written
    assert samples[("ledgerbridge_last_run_records_failed", label)] == 1
    assert samples[("ledgerbridge_last_run_success", label)] == 0
    assert samples[("ledgerbridge_last_run_timestamp_seconds", label)] == pytest.approx(last.started.timestamp())
    assert samples[("ledgerbridge_exact_budget_left_calls", label)] == 4321
    assert samples[("ledgerbridge_next_run_timestamp_seconds", label)] == NEXT_RUN.timestamp()
    assert samples[("ledgerbridge_running", label)] == 0
