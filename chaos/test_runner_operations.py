"""The runner as cron and a user run it: two syncs of one connection file at once, a SIGKILL of the runner mid-sync,
SIGINT to the runner's PID alone. Real ``ledgerbridge`` processes, real connectors, fresh emulators per scenario."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from ledger import diff_orders

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit.runner_process import (
    alive,
    children_of,
    files_holding,
    force_refresh,
    ledgerbridge,
    order_posts,
    secrets_of,
    wait_until,
    write_orders_connection,
)


def _emulators(size) -> tuple[EmulatorProcess, EmulatorProcess]:
    # Each scenario runs whole syncs through the runner: the reduced run keeps them to about 80 orders.
    scale = size.exact_scale if size.full else 2
    exact = EmulatorProcess(
        "exact-online-emulator", "--scale", str(scale), "--minutely-limit", "0", "--daily-limit", "0",
        "--token-daily-limit", "0",
    )  # fmt: skip
    return exact, EmulatorProcess("eaccounting-emulator")


def _order_numbers(exact: EmulatorProcess) -> list[int]:
    division = exact.start_line["division"]
    return [o["OrderNumber"] for o in exact.dump()["salesorder/SalesOrders"] if o.get("Division") == division]


def _sync(home: Path, connections: Path, **env: str) -> tuple[int, str]:
    run = ledgerbridge(home, "sync", str(connections), env=env or None)
    out, err = run.communicate(timeout=1500)
    return run.returncode, out + err


def test_given_two_syncs_of_one_connection_file_started_together_then_one_runs_nothing_is_duplicated_and_tokens_live(
    size, scorecard, tmp_path
):
    exact, eaccounting = _emulators(size)
    with exact, eaccounting:
        connections = write_orders_connection(tmp_path / "files", exact, eaccounting)
        home = tmp_path / "home"
        runs = [ledgerbridge(home, "sync", str(connections)) for _ in range(2)]
        outputs = [run.communicate(timeout=1500) for run in runs]
        expected = _order_numbers(exact)
        ledger = diff_orders(expected, eaccounting.dump())
        force_refresh(exact, tmp_path / "files" / "exact-source.json")
        force_refresh(eaccounting, tmp_path / "files" / "eaccounting-destination.json")
        check = ledgerbridge(home, "check", str(connections))
        check_output = check.communicate(timeout=300)

    scorecard.held(f"two `ledgerbridge sync` of one connection file at once over {len(expected)} orders")
    scorecard.survived("two runs at once")
    scorecard.lost(len(ledger.missing))
    scorecard.duplicated(ledger.duplicate_count)
    assert sorted(run.returncode for run in runs) == [0, 3], outputs
    assert ledger.missing == [] and ledger.duplicates == {}
    assert check.returncode == 0, check_output  # both refresh-token chains still work


def test_given_a_sync_writing_when_the_runner_is_killed_then_no_connector_or_secret_survives_and_a_resync_completes(
    size, scorecard, tmp_path
):
    exact, eaccounting = _emulators(size)
    with exact, eaccounting:
        connections = write_orders_connection(tmp_path / "files", exact, eaccounting)
        home, temporary = tmp_path / "home", tmp_path / "tmp"
        temporary.mkdir()
        expected = _order_numbers(exact)
        run = ledgerbridge(home, "sync", str(connections), env={"TMPDIR": str(temporary)})
        wait_until(lambda: order_posts(eaccounting) >= len(expected) // 4, timeout=600)
        connectors = children_of(run.pid)
        run.send_signal(signal.SIGKILL)
        run.wait()
        time.sleep(1.0)
        survivors = [pid for pid in connectors if alive(pid)]
        left = files_holding(secrets_of(exact, eaccounting, tmp_path / "files"), home, temporary)
        code, output = _sync(home, connections)
        ledger = diff_orders(expected, eaccounting.dump())

    scorecard.held(f"SIGKILL of the runner after {len(expected) // 4} of {len(expected)} orders, then a resync")
    scorecard.survived("runner killed mid-sync")
    scorecard.lost(len(ledger.missing))
    scorecard.duplicated(ledger.duplicate_count)
    scorecard.secrets_left(len(left))
    # The source may have read everything before the kill; whatever connector still ran must die with the runner.
    assert connectors and survivors == []
    assert left == []
    assert code == 0, output[-3000:]
    assert ledger.missing == [] and ledger.duplicates == {}


def test_given_a_sync_writing_when_its_pid_alone_gets_sigint_then_it_exits_130_within_10_s_and_a_resync_completes(
    size, scorecard, tmp_path
):
    exact, eaccounting = _emulators(size)
    with exact, eaccounting:
        connections = write_orders_connection(tmp_path / "files", exact, eaccounting)
        home = tmp_path / "home"
        expected = _order_numbers(exact)
        run = ledgerbridge(home, "sync", str(connections))
        wait_until(lambda: order_posts(eaccounting) >= len(expected) // 4, timeout=600)
        run.send_signal(signal.SIGINT)
        signalled = time.monotonic()
        out, err = run.communicate(timeout=60)
        took = time.monotonic() - signalled
        code, output = _sync(home, connections)
        ledger = diff_orders(expected, eaccounting.dump())

    scorecard.held(f"SIGINT to the runner's PID after {len(expected) // 4} of {len(expected)} orders ({took:.1f} s)")
    scorecard.survived("SIGINT to the runner's PID")
    scorecard.lost(len(ledger.missing))
    scorecard.duplicated(ledger.duplicate_count)
    assert run.returncode == 130, out + err
    assert took < 10
    assert "interrupted" in err
    assert code == 0, output[-3000:]
    assert ledger.missing == [] and ledger.duplicates == {}
