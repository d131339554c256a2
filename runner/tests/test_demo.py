"""``ledgerbridge demo`` end to end: both emulators, every flow through the real connectors, a rerun writing nothing.

One demo run (about a minute) is shared by the tests of this module.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

EVERY_FLOW = {
    ("exact-orders-to-eaccounting", "sales_orders"),
    ("exact-invoices-to-eaccounting", "sales_invoices"),
    ("exact-ledger-to-eaccounting", "transaction_lines"),
    ("eaccounting-to-exact", "customers"),
    ("eaccounting-to-exact", "articles"),
    ("eaccounting-to-exact", "orders"),
}
LINE = re.compile(r"^(?P<connection>[\w.-]+): (?P<stream>\w+): read (?P<read>\d+), written (?P<written>\d+), ")


class Demo:
    def __init__(self, home: Path) -> None:
        started = time.monotonic()
        self.home = home
        completed = subprocess.run(
            [sys.executable, "-m", "ledgerbridge", "demo"],
            env={**os.environ, "LEDGERBRIDGE_HOME": str(home)},
            capture_output=True,
            text=True,
            timeout=600,
        )
        self.seconds = time.monotonic() - started
        self.code = completed.returncode
        self.output = completed.stdout + completed.stderr
        first, _, second = completed.stdout.partition("Second run: incremental")
        self.first = _written(first)
        self.second = _written(second)


def _written(section: str) -> dict[tuple[str, str], int]:
    found = {}
    for line in section.splitlines():
        match = LINE.match(line)
        if match:
            found[(match["connection"], match["stream"])] = int(match["written"])
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return Demo(tmp_path_factory.mktemp("demo-home"))


def test_given_both_emulators_when_the_demo_runs_then_every_flow_writes_and_the_demo_succeeds(demo):
    assert demo.code == 0, demo.output[-3000:]
    assert set(demo.first) >= EVERY_FLOW
    assert all(demo.first[flow] > 0 for flow in EVERY_FLOW), demo.first
    print(f"demo took {demo.seconds:.1f} s")


def test_given_the_first_run_when_the_demo_reruns_then_nothing_is_written(demo):
    assert set(demo.second) >= EVERY_FLOW
    assert sum(demo.second.values()) == 0
    assert "Second run: 0 writes to Exact Online, 0 to eAccounting — nothing new was written." in demo.output


def test_given_the_demo_when_it_ends_then_it_names_the_activity_log_and_state_and_both_hold_every_connection(demo):
    root = demo.home / "demo"
    assert f"Activity log: {root / 'activity.jsonl'}" in demo.output
    assert f"State:        {root / 'state.sqlite3'}" in demo.output
    lines = [json.loads(line) for line in (root / "activity.jsonl").read_text().splitlines()]
    connections = {c for c, _ in EVERY_FLOW}
    assert {line["connection"] for line in lines} == connections
    # ids, numbers and reasons only: no e-mail addresses or names reach the log
    assert not any("@" in json.dumps(line) for line in lines)
    with sqlite3.connect(root / "state.sqlite3") as db:
        stateful = {row[0] for row in db.execute("SELECT DISTINCT connection FROM stream_state")}
    assert stateful == connections


def test_given_the_demo_output_then_no_token_or_client_secret_is_printed(demo):
    secrets = root_secrets(demo.home / "demo" / "connections" / "secrets")
    assert secrets, "the demo keeps its connector configs"
    assert not [secret for secret in secrets if secret in demo.output]


def root_secrets(folder: Path) -> set[str]:
    found = set()
    for path in folder.glob("*.json"):
        credentials = json.loads(path.read_text())["credentials"]
        found |= {credentials[k] for k in ("client_secret", "refresh_token", "access_token") if credentials.get(k)}
    return found
