"""10 % of all API calls fail (429, 500, 503, hung-then-dropped, dropped) on both sides of the orders flow, and both
access tokens expire mid-run: every order is delivered exactly once, and no endpoint collects the client errors that
make Exact block it (10 per endpoint per hour)."""

from __future__ import annotations

import re
from collections import Counter

from flow import EAccountingDestination, ExactSource, records, time_travel
from ledger import diff_orders, duplicate_articles, duplicate_customers

from emulator_kit.process import EmulatorProcess

# One call in ten fails. `timeout` hangs 1 s and then drops the connection (a hung server). An injected eAccounting 429
# says "try again in 2 seconds" (the real one names the rest of its minute window) so that the run fits its budget; an
# injected Exact 429 carries no reset header, so the Exact client waits its full 60 s fallback for each.
FAULTS = ["429:0.02", "500:0.02", "503:0.02", "timeout:0.02", "drop:0.02"]


def fault_options() -> list[str]:
    return [option for rule in FAULTS for option in ("--fault", rule)] + ["--timeout-seconds", "1"]


MAX_RUNS = 5
CLIENT_ERROR_LIMIT = 10
_ID = re.compile(r"\(guid'[^']*'\)|\([^)]*\)|/[0-9a-f]{8}-[0-9a-f-]{27}|/\d+(?=/|$)")


def endpoint(entry: dict) -> str:
    return f"{entry['method']} {_ID.sub('/{id}', entry['path'])}"


def client_errors(log: list[dict]) -> Counter[str]:
    """400/401/403/404 answers per endpoint (429 and 5xx are the injected faults, not the client's mistakes)."""
    return Counter(endpoint(e) for e in log if 400 <= e["status"] < 500 and e["status"] != 429)


def _expire_once(emulator: EmulatorProcess, after_calls: int, seconds: float, done: list[bool]):
    def check() -> bool:
        if not done and len(emulator.requests_log()) >= after_calls:
            emulator.advance_clock(seconds)
            done.append(True)
        return False  # never kill: only move the clock

    return check


def test_given_ten_percent_faults_and_expiring_tokens_when_syncing_orders_then_all_land_once_without_error_blocks(
    size, scorecard, tmp_path
):
    faults = fault_options()
    exact_options = [
        "--scale",
        str(max(1, size.exact_scale // 2)),
        "--minutely-limit",
        "0",
        "--daily-limit",
        "0",
        "--token-daily-limit",
        "0",
    ]
    with (
        EmulatorProcess("exact-online-emulator", *exact_options, *faults, seed=3) as exact,
        EmulatorProcess("eaccounting-emulator", *faults, "--fault-retry-seconds", "2", seed=3) as eaccounting,
    ):
        source = ExactSource(tmp_path / "source", exact)
        source.discover()
        warm_up = source.run("read")
        assert warm_up.returncode == 0, warm_up.stderr[-3000:]
        # Exact's token lives 600 s and its client keeps Exact's 570 s rule on its own (real) clock, so the expiry is
        # moved between runs on both sides; eAccounting's expires mid-run below (its emulator's clock alone moves).
        time_travel(exact, source.config, 700)
        exact_expired = [True]
        read = source.run("read")
        assert read.returncode == 0, read.stderr[-3000:]
        recorded = tmp_path / "recorded.jsonl"
        recorded.write_text(read.stdout)
        orders = records(recorded, "sales_orders")

        before = eaccounting.dump()
        destination = EAccountingDestination(tmp_path / "destination", eaccounting, source.catalog_path)
        expected = [o["OrderNumber"] for o in orders]
        ea_expired: list[bool] = []
        runs = []
        for _ in range(MAX_RUNS):
            output = destination.write(recorded, kill_when=_expire_once(eaccounting, 40, 3700, ea_expired))
            runs.append(output)
            if output.returncode == 0 and not output.failed():
                break
        after = eaccounting.dump()
        exact_log, ea_log = exact.requests_log(), eaccounting.requests_log()

    ledger = diff_orders(expected, after)
    duplicates = ledger.duplicate_count + sum(duplicate_customers(before, after).values())
    duplicates += sum(duplicate_articles(after).values())
    scorecard.held(
        f"{len(orders)} orders with 10 % injected faults on {len(exact_log)} Exact and {len(ea_log)} eAccounting calls "
        f"({len(runs)} destination run(s) until all delivered)"
    )
    scorecard.survived_log(exact_log)
    scorecard.survived_log(ea_log)
    scorecard.survived("access token expired mid-run", len(exact_expired) + len(ea_expired))
    if len(runs) > 1:
        reasons = Counter(a.get("reason", "")[:80] for r in runs[:-1] for a in r.failed())
        scorecard.note(
            f"faults: everything delivered after {len(runs)} destination runs; left for a rerun: {dict(reasons)}"
        )
    scorecard.lost(len(ledger.missing))
    scorecard.duplicated(duplicates)

    assert ea_expired, "the eAccounting clock was not moved mid-run"
    exact_tokens = [e for e in exact_log if e["path"].endswith("/oauth2/token")]
    assert len(exact_tokens) >= 2 and all(e["status"] in (200, 0, 429, 500, 503) for e in exact_tokens), exact_tokens
    assert ledger.missing == [], (ledger.missing, [r.stderr[-1500:] for r in runs])
    assert duplicates == 0, ledger.duplicates
    assert runs[-1].returncode == 0 and runs[-1].failed() == []
    injected = sum(1 for e in exact_log + ea_log if e["status"] in (0, 429, 500, 503))
    assert injected >= 0.05 * len(exact_log + ea_log), "fewer faults were injected than configured"
    for name, log in (("Exact", exact_log), ("eAccounting", ea_log)):
        errors = client_errors(log)
        assert all(count < CLIENT_ERROR_LIMIT for count in errors.values()), (name, errors)
