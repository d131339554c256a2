"""The destination is killed (SIGKILL, no cleanup) at random points of an orders sync and rerun each time: every
order lands exactly once, and no customer or article is written twice."""

from __future__ import annotations

import random

from flow import EAccountingDestination, records
from ledger import diff_orders, duplicate_articles, duplicate_customers

from emulator_kit.process import EmulatorProcess

WRITES = ("POST", "PUT", "DELETE")


def _writes_so_far(eaccounting: EmulatorProcess) -> int:
    return sum(1 for r in eaccounting.requests_log() if r["method"] in WRITES and not r["path"].endswith("/token"))


def test_given_kills_at_random_points_when_the_sync_is_rerun_after_each_then_no_order_is_missing_or_duplicated(
    source, recorded_orders, size, scorecard, tmp_path
):
    orders = records(recorded_orders, "sales_orders")
    assert len(orders) >= 20 * size.exact_scale, "the source read fewer orders than the emulator seeds"
    with EmulatorProcess("eaccounting-emulator") as eaccounting:
        before = eaccounting.dump()
        destination = EAccountingDestination(tmp_path, eaccounting, source.catalog_path)
        # An upper bound on the writes a clean sync makes: one per order, customer and article at most.
        bound = len(orders) + len(records(recorded_orders, "accounts")) // 2
        rng = random.Random(9)
        points = sorted(rng.sample(range(1, bound), size.kill_points))
        killed = 0
        for point in points:
            output = destination.write(recorded_orders, kill_when=lambda p=point: _writes_so_far(eaccounting) >= p)
            if output.returncode == 0:
                break  # everything was written before this point: later points cannot be reached
            assert output.returncode == -9, output.stderr[-2000:]
            killed += 1
        final = destination.write(recorded_orders)
        assert final.returncode == 0, final.stderr[-2000:]
        assert final.failed() == []
        after = eaccounting.dump()
        log = eaccounting.requests_log()

    ledger = diff_orders([o["OrderNumber"] for o in orders], after)
    customers = duplicate_customers(before, after)
    articles = duplicate_articles(after)
    scorecard.held(
        f"{len(orders)} orders through {killed} SIGKILLs of destination-eaccounting at random write counts "
        f"({killed + 2} runs, {len(log)} eAccounting calls)"
    )
    scorecard.survived("destination killed mid-sync", killed)
    scorecard.lost(len(ledger.missing))
    scorecard.duplicated(ledger.duplicate_count + sum(customers.values()) + sum(articles.values()))
    assert killed >= size.kill_points * 0.9, f"only {killed} of {size.kill_points} kill points were reached"
    assert ledger.missing == []
    assert ledger.duplicates == {}
    assert customers == {}
    assert articles == {}
