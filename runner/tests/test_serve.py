"""``ledgerbridge serve`` as its own process on loopback, against the emulators: schedules, budget, webhooks, stop."""

from __future__ import annotations

import hashlib
import hmac
import json
import signal
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from emulator_kit.process import EmulatorProcess
from ledgerbridge.exact_budget import BudgetWatch
from ledgerbridge.schedules import Schedule, next_run
from ledgerbridge.state_store import StateStore
from ledgerbridge_testkit.runner_process import alive, children_of, ledgerbridge, wait_until, write_orders_connection

from .fakes.airbyte_api import AirbyteBackend, FakeAirbyteApi

SECRET = "test-webhook-secret"


@pytest.fixture(scope="module")
def signed_exact() -> Iterator[EmulatorProcess]:
    with EmulatorProcess("exact-online-emulator", "--minutely-limit", "0", "--webhook-secret", SECRET) as emulator:
        yield emulator


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _file(folder: Path, exact: EmulatorProcess, eaccounting: EmulatorProcess, port: int, **extra: Any) -> Path:
    """The orders connection, plus an invoices connection reading another topic, with webhooks on ``port``."""
    path = write_orders_connection(folder, exact, eaccounting)
    document = json.loads(path.read_text())
    orders = {**document["connections"][0], **extra}
    invoices = json.loads(json.dumps(document["connections"][0]))
    invoices["name"] = "invoices"
    invoices["streams"] = [s for s in invoices["streams"] if s != "sales_orders"] + ["sales_invoices"]
    invoices["destination"]["mapping"]["documents"] = {"target": "invoice"}
    document["connections"] = [orders, invoices]
    document["webhooks"] = {"callback_url": f"http://127.0.0.1:{port}", "secret": SECRET, "debounce_seconds": 1.5}
    path.write_text(json.dumps(document, indent=2))
    return path


class Serve:
    def __init__(self, home: Path, path: Path, port: int) -> None:
        self.home = home
        self.port = port
        self.process = ledgerbridge(home, "serve", str(path), "--port", str(port))
        self.lines: list[str] = []
        threading.Thread(target=lambda: self.lines.extend(self.process.stdout or []), daemon=True).start()
        wait_until(self._listening, 120)

    def _listening(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"serve exited {self.process.returncode}: {self.process.stderr.read()}")
        try:
            return requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def activity(self, action: str) -> list[dict[str, Any]]:
        path = self.home / "activity.jsonl"
        if not path.exists():
            return []
        entries = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        return [e for e in entries if e.get("stream") == "serve" and e.get("action") == action]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


def _callback(topic: str, division: int, key: str, secret: str = SECRET, action: str = "Create") -> bytes:
    content = json.dumps(
        {"Topic": topic, "ClientId": "c", "Division": division, "Action": action, "Key": key,
         "ExactOnlineEndpoint": "", "EventCreatedOn": "2026-12-07T10:00:00.000"},
        separators=(",", ":"),
    ).encode()  # fmt: skip
    digest = hmac.new(secret.encode(), content, hashlib.sha256).hexdigest().upper()
    return b'{"Content":' + content + b',"HashCode":"' + digest.encode() + b'"}'


def test_given_an_interval_and_a_cron_schedule_when_runs_were_missed_then_one_run_is_due_now_and_the_next_slot_after():
    now = datetime(2026, 12, 7, 10, 3, tzinfo=UTC)
    every = Schedule.interval("10m")
    assert next_run(every, now - timedelta(hours=5), now) == now  # 29 slots missed: one run, now
    assert next_run(every, now - timedelta(minutes=4), now) == now + timedelta(minutes=6)
    cron = Schedule.cron("*/10 * * * *")
    assert next_run(cron, now - timedelta(days=2), now) == now
    assert next_run(cron, datetime(2026, 12, 7, 10, 0, tzinfo=UTC), now) == datetime(2026, 12, 7, 10, 10, tzinfo=UTC)
    assert cron.runs_per_day() == 144 and Schedule.cron("0 9 * * 1-5").runs_per_day() == 1
    assert every.runs_per_day() == 144


def test_given_a_division_below_the_reserve_when_a_scheduled_run_is_due_then_it_waits_for_exacts_daily_reset():
    watch = BudgetWatch(reserve=250)
    reset = datetime.now(UTC) + timedelta(hours=3)
    reset_ms = int(reset.timestamp() * 1000)
    watch.absorb("orders", {"7095": {"remaining": 4000, "limit": 5000, "reset_ms": reset_ms, "calls": 12}})
    assert watch.wait_until("orders") is None and watch.left("orders") == 4000
    watch.absorb("stock", {"7095": {"remaining": 200, "limit": 5000, "reset_ms": reset_ms, "calls": 30}})
    assert watch.wait_until("orders") == datetime.fromtimestamp(reset_ms / 1000, UTC)  # the division they share
    assert watch.left("orders") == 200
    assert watch.wait_until("invoices") is None  # never ran: its division is not known yet


def test_given_a_bad_schedule_when_loading_then_exit_2_names_the_key(tmp_path, widgets_file):
    path = widgets_file()
    document = yaml.safe_load(path.read_text())
    document["connections"][0]["schedule"] = "every ten minutes"
    path.write_text(json.dumps(document))
    process = ledgerbridge(tmp_path / "home", "serve", str(path), "--port", "0")
    _, err = process.communicate(timeout=120)
    assert process.returncode == 2
    assert "connections[0] (widgets-to-recorder).schedule" in err and "cron" in err


def test_given_a_run_missed_during_downtime_when_serve_starts_then_it_runs_once_not_once_per_missed_slot(
    tmp_path, widgets_file
):
    path = widgets_file()
    document = yaml.safe_load(path.read_text())
    document["connections"][0]["every"] = "1m"
    path.write_text(json.dumps(document))
    home = tmp_path / "home"
    home.mkdir()
    stale = {"widgets-to-recorder": (datetime.now(UTC) - timedelta(hours=3)).isoformat()}  # 180 slots missed
    (home / "serve-schedule.json").write_text(json.dumps(stale))
    service = Serve(home, path, _port())
    try:
        wait_until(lambda: len(service.activity("run-finished")) >= 1, 60)
        time.sleep(5)  # well inside the next minute's slot
        assert len(service.activity("run-started")) == 1
        last = datetime.fromisoformat(json.loads((home / "serve-schedule.json").read_text())["widgets-to-recorder"])
        assert datetime.now(UTC) - last < timedelta(seconds=30)
    finally:
        assert service.stop() == 0


def test_given_schedules_over_exacts_daily_budget_when_serve_starts_then_exit_2_names_the_connection_and_the_excess(
    tmp_path, exact, eaccounting
):
    path = _file(tmp_path / "files", exact, eaccounting, _port(), schedule="* * * * *")
    process = ledgerbridge(tmp_path / "home", "serve", str(path), "--port", "0")
    _, err = process.communicate(timeout=180)
    assert process.returncode == 2, err
    # 4 streams x 3 + 10 = 22 estimated calls per run, 1,440 runs a day
    assert "orders (* * * * *: 1,440 runs x 22 calls estimated = 31,680)" in err
    assert "31,680 calls a day, 26,680 over the daily budget of 5,000" in err


def test_given_callbacks_when_forged_valid_repeated_and_bursty_then_401_and_one_run_of_the_right_connection(
    tmp_path, signed_exact, eaccounting
):
    port = _port()
    path = _file(tmp_path / "files", signed_exact, eaccounting, port)
    service = Serve(tmp_path / "home", path, port)
    division = signed_exact.start_line["division"]
    hook = f"{service.url}/webhooks/exact/orders"
    try:
        assert requests.post(hook, data=b"", timeout=10).status_code == 200  # Exact's validation request
        forged = _callback("SalesOrders", division, "k-forged", secret="not-the-secret")
        answer = requests.post(hook, data=forged, timeout=10)
        assert answer.status_code == 401
        refused = service.activity("webhook-refused")
        assert len(refused) == 1 and "HashCode does not match" in refused[0]["reason"]

        for key in ("k1", "k2", "k3", "k1"):  # a burst, with Exact's retry of k1
            assert requests.post(hook, data=_callback("SalesOrders", division, key), timeout=10).status_code == 200
        wait_until(lambda: len(service.activity("run-finished")) >= 1, 120)
        time.sleep(3)
        started = service.activity("run-started")
        assert [e["connection"] for e in started] == ["orders"]
        assert started[0]["reason"] == "webhook SalesOrders Create"
        store = StateStore(tmp_path / "home" / "state.sqlite3")
        budget = store.recent_runs("orders", 1)[0]["exact_budget"]
        store.close()
        seen = budget[str(division)]  # the source's pacer lines, as the run stored them for the next estimate
        assert seen["limit"] == 5000 and seen["calls"] > 0 and seen["remaining"] <= 5000 - seen["calls"]
        other_division = requests.post(hook, data=_callback("SalesOrders", division + 1, "k9"), timeout=10)
        assert "no connection reads it" in other_division.text
    finally:
        assert service.stop() == 0


def test_given_a_running_service_when_subscribing_and_unsubscribing_then_exact_holds_exactly_the_files_topics(
    tmp_path, eaccounting
):
    signed_exact = EmulatorProcess("exact-online-emulator", "--webhook-secret", SECRET)
    port = _port()
    path = _file(tmp_path / "files", signed_exact, eaccounting, port)
    home = tmp_path / "home"
    service = Serve(home, path, port)
    try:
        subscribed = ledgerbridge(home, "webhooks", "subscribe", str(path))
        out, err = subscribed.communicate(timeout=120)
        assert subscribed.returncode == 0, err
        assert "SalesOrders: subscribed" in out and "SalesInvoices: subscribed" in out
        listed = {(s["Topic"], s["CallbackURL"]) for s in signed_exact.dump()["webhooks/WebhookSubscriptions"]}
        url = f"http://127.0.0.1:{port}/webhooks/exact"
        assert listed == {("SalesOrders", url), ("SalesInvoices", url)}
        again = ledgerbridge(home, "webhooks", "subscribe", str(path))
        assert "already subscribed" in again.communicate(timeout=120)[0]

        removed = ledgerbridge(home, "webhooks", "unsubscribe", str(path))
        out, err = removed.communicate(timeout=120)
        assert removed.returncode == 0, err
        assert out.count(": removed") == 2
        assert signed_exact.dump()["webhooks/WebhookSubscriptions"] == []
    finally:
        assert service.stop() == 0
        signed_exact.stop()


def test_given_a_plain_http_callback_url_off_loopback_when_loading_then_exit_2(tmp_path, exact, eaccounting):
    path = _file(tmp_path / "files", exact, eaccounting, 8080)
    document = json.loads(path.read_text())
    document["webhooks"]["callback_url"] = "http://shop.example.com/ledgerbridge"
    path.write_text(json.dumps(document))
    process = ledgerbridge(tmp_path / "home", "webhooks", "subscribe", str(path))
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "webhooks.callback_url" in err and "https://" in err


def test_given_a_sync_running_when_sigterm_then_serve_stops_within_30_s_with_no_connector_left(tmp_path, exact):
    with EmulatorProcess("eaccounting-emulator", "--fault", "slow:0.5", "--slow-seconds", "1") as slow:
        port = _port()
        path = _file(tmp_path / "files", exact, slow, port, every="10m")
        service = Serve(tmp_path / "home", path, port)
        wait_until(lambda: len(service.activity("run-started")) >= 1, 60)
        time.sleep(2)
        children = children_of(service.process.pid)
        started = time.monotonic()
        code = service.stop()
        assert time.monotonic() - started < 30
        assert code == 0
        assert service.activity("serve-stopped")
        assert not [pid for pid in children if alive(pid)]


def test_given_connections_run_by_airbyte_when_serve_starts_them_then_jobs_start_there_and_the_page_shows_them(
    tmp_path, exact, eaccounting
):
    backend = AirbyteBackend(
        client_id="ledgerbridge-app",
        client_secret="airbyte-secret-1",
        connections={"conn-ok": ["pending", "running", "succeeded"], "conn-bad": ["running", "failed"]},
    )
    path = write_orders_connection(tmp_path / "files", exact, eaccounting)
    document = json.loads(path.read_text())
    orders = document["connections"][0]
    app = {"url": "", "client_id": "ledgerbridge-app", "client_secret": "airbyte-secret-1"}
    with FakeAirbyteApi(backend) as airbyte:
        orders["every"] = "1h"
        orders["airbyte"] = {**app, "url": airbyte.url, "connection_id": "conn-ok"}
        invoices = {**json.loads(json.dumps(orders)), "name": "invoices"}
        invoices["airbyte"] = {**app, "url": airbyte.url, "connection_id": "conn-bad"}
        document["connections"] = [orders, invoices]
        path.write_text(json.dumps(document))
        service = Serve(tmp_path / "home", path, _port())
        try:
            wait_until(lambda: len(service.activity("run-finished")) + len(service.activity("run-failed")) == 2, 90)
            page = requests.get(service.url, timeout=10)
            metrics = requests.get(f"{service.url}/metrics", timeout=10).text
        finally:
            assert service.stop() == 0
    assert sorted(job.connection_id for job in backend.jobs.values()) == ["conn-bad", "conn-ok"]
    assert [e["connection"] for e in service.activity("run-finished")] == ["orders"]
    failed = service.activity("run-failed")
    assert [e["connection"] for e in failed] == ["invoices"] and "failed" in failed[0]["reason"]
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "orders" in page.text and "invoices" in page.text and "Airbyte job" in page.text
    assert 'ledgerbridge_runs_total{connection="orders",outcome="ok"} 1.0' in metrics
    assert 'ledgerbridge_runs_total{connection="invoices",outcome="failed"} 1.0' in metrics
    assert "airbyte-secret-1" not in page.text + metrics + "".join(service.lines)
