"""``/metrics`` of `ledgerbridge serve`: the status snapshot in Prometheus' text format, via the official client.

Each scrape renders a fresh registry from one snapshot, so no global counter can drift from what the runs table
says and two servers in one process (the tests) never share metrics. ``runs_total`` is a counter because it only
grows with the runs table; everything about the last run is a gauge.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from .service_status import ServiceStatus


class _StatusCollector(Collector):
    def __init__(self, status: ServiceStatus) -> None:
        self.status = status

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        runs = CounterMetricFamily(
            "ledgerbridge_runs", "Finished runs per connection and outcome.", labels=["connection", "outcome"]
        )
        running = GaugeMetricFamily("ledgerbridge_running", "1 while the connection runs.", labels=["connection"])
        read, written, failed = (
            GaugeMetricFamily(
                f"ledgerbridge_last_run_records_{kind}", f"Records {kind} by the last run.", labels=["connection"]
            )
            for kind in ("read", "written", "failed")
        )
        started = GaugeMetricFamily(
            "ledgerbridge_last_run_timestamp_seconds", "Start of the last run (Unix time).", labels=["connection"]
        )
        duration = GaugeMetricFamily(
            "ledgerbridge_last_run_duration_seconds", "Duration of the last finished run.", labels=["connection"]
        )
        success = GaugeMetricFamily(
            "ledgerbridge_last_run_success", "1 when the last finished run had no failure.", labels=["connection"]
        )
        calls = GaugeMetricFamily(
            "ledgerbridge_last_run_api_calls",
            "API calls the last run spent per system.",
            labels=["connection", "system"],
        )
        budget = GaugeMetricFamily(
            "ledgerbridge_exact_budget_left_calls",
            "Exact Online calls left today (rate-limit headers).",
            labels=["connection"],
        )
        next_run = GaugeMetricFamily(
            "ledgerbridge_next_run_timestamp_seconds", "Next scheduled run (Unix time).", labels=["connection"]
        )
        for connection in self.status.connections:
            name = [connection.name]
            for outcome, count in sorted(connection.runs_by_outcome.items()):
                runs.add_metric([connection.name, outcome], count)
            running.add_metric(name, 1 if connection.running else 0)
            last = connection.last_run
            if last is not None:
                read.add_metric(name, last.read)
                written.add_metric(name, last.written)
                failed.add_metric(name, last.failed)
                started.add_metric(name, last.started.timestamp())
                for system, count in sorted(last.api_calls.items()):
                    calls.add_metric([connection.name, system], count)
            finished = next((run for run in connection.runs if run.seconds is not None), None)
            if finished is not None and finished.seconds is not None:
                duration.add_metric(name, finished.seconds)
                success.add_metric(name, 1 if finished.outcome == "ok" else 0)
            if connection.exact_budget_left is not None:
                budget.add_metric(name, connection.exact_budget_left)
            if connection.next_run is not None:
                next_run.add_metric(name, connection.next_run.timestamp())
        yield from (runs, running, read, written, failed, started, duration, success, calls, budget, next_run)


def render(status: ServiceStatus) -> tuple[bytes, str]:
    """The exposition body and its Content-Type."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_StatusCollector(status))
    return generate_latest(registry), CONTENT_TYPE_LATEST
