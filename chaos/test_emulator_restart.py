"""eAccounting goes away mid-sync and comes back with its saved state (``--state-file``): the sync, rerun if it had to
stop, delivers every order exactly once with the tokens it already had."""

from __future__ import annotations

import time
from urllib.parse import urlparse

from flow import EAccountingDestination, records
from ledger import diff_orders, duplicate_articles, duplicate_customers

from emulator_kit.process import EmulatorProcess

MAX_RUNS = 4
DOWN_SECONDS = 1.5


class RestartingEAccounting:
    """One eAccounting emulator on a fixed port and state file that can be stopped and started again."""

    def __init__(self, state_file) -> None:
        self.state_file = str(state_file)
        self.current = EmulatorProcess("eaccounting-emulator", "--state-file", self.state_file)
        self.port = str(urlparse(self.current.root_url).port)
        self.restarts = 0

    def restart(self) -> None:
        self.current.stop()  # SIGTERM: the emulator saves its state file
        time.sleep(DOWN_SECONDS)
        self.current = EmulatorProcess("eaccounting-emulator", "--port", self.port, "--state-file", self.state_file)
        self.restarts += 1

    def writes(self) -> int:
        return sum(1 for r in self.current.requests_log() if r["method"] == "POST" and not r["path"].endswith("/token"))


def test_given_the_api_restarts_mid_sync_when_the_sync_goes_on_or_reruns_then_every_order_lands_exactly_once(
    source, recorded_orders, scorecard, tmp_path
):
    orders = records(recorded_orders, "sales_orders")
    server = RestartingEAccounting(tmp_path / "eaccounting-state.json")
    try:
        before = server.current.dump()
        destination = EAccountingDestination(tmp_path, server.current, source.catalog_path)

        def restart_twice() -> bool:
            # The request log starts empty after each restart, so each threshold counts writes since the last one.
            if server.restarts < 2 and server.writes() >= 30:
                server.restart()
            return False

        runs = []
        for _ in range(MAX_RUNS):
            output = destination.write(recorded_orders, kill_when=restart_twice)
            runs.append(output)
            if output.returncode == 0 and not output.failed():
                break
        after = server.current.dump()
    finally:
        server.current.stop()

    ledger = diff_orders([o["OrderNumber"] for o in orders], after)
    duplicates = ledger.duplicate_count + sum(duplicate_customers(before, after).values())
    duplicates += sum(duplicate_articles(after).values())
    scorecard.held(f"{len(orders)} orders while eAccounting restarted {server.restarts} times mid-sync")
    scorecard.survived("API restarted mid-sync (state file)", server.restarts)
    if len(runs) > 1:
        scorecard.note(f"restart: everything delivered after {len(runs)} destination runs")
    scorecard.lost(len(ledger.missing))
    scorecard.duplicated(duplicates)
    assert server.restarts == 2
    assert ledger.missing == [], [r.stderr[-1500:] for r in runs]
    assert duplicates == 0, ledger.duplicates
    assert runs[-1].returncode == 0 and runs[-1].failed() == []
