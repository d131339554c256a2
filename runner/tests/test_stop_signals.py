"""SIGINT/SIGTERM to the runner's PID alone stop a real sync within 10 s with 130/143 and "interrupted"; SIGKILL of the
runner leaves no connector process behind; either way a rerun writes every order exactly once."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit.runner_process import (
    alive,
    children_of,
    files_holding,
    ledgerbridge,
    order_copies,
    order_posts,
    secrets_of,
    wait_until,
    write_orders_connection,
)

MID_SYNC_ORDERS = 10
# A real round trip: with writes overlapping, the rest of the sync still takes seconds after the tenth order.
ROUND_TRIP = "0.4"


def _orders_expected(exact: EmulatorProcess) -> int:
    """The sales orders of the division the source reads (the emulator seeds a second division too)."""
    division = exact.start_line["division"]
    return sum(1 for o in exact.dump()["salesorder/SalesOrders"] if o.get("Division") == division)


def _rerun_and_count(home: Path, connections: Path, eaccounting: EmulatorProcess) -> tuple[int, dict[str, int]]:
    rerun = ledgerbridge(home, "sync", str(connections))
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, out + err
    copies = order_copies(eaccounting)
    return len(copies), {ref: n for ref, n in copies.items() if n > 1}


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_given_a_sync_writing_when_its_pid_alone_gets_a_stop_signal_then_it_exits_within_10_s_and_a_rerun_completes(
    tmp_path: Path, stop: signal.Signals, code: int
):
    with (
        EmulatorProcess("exact-online-emulator", "--scale", "3", "--minutely-limit", "0") as exact,
        EmulatorProcess("eaccounting-emulator", "--latency-seconds", ROUND_TRIP) as eaccounting,
    ):
        connections = write_orders_connection(tmp_path / "files", exact, eaccounting)
        home = tmp_path / "home"
        run = ledgerbridge(home, "sync", str(connections))
        wait_until(lambda: order_posts(eaccounting) >= MID_SYNC_ORDERS)
        connectors = children_of(run.pid)
        run.send_signal(stop)  # the runner's PID only, not its process group
        signalled = time.monotonic()
        out, err = run.communicate(timeout=30)
        took = time.monotonic() - signalled
        written_when_stopped = len(order_copies(eaccounting))
        delivered, duplicates = _rerun_and_count(home, connections, eaccounting)
        expected = _orders_expected(exact)

    assert run.returncode == code, out + err
    assert took < 10
    assert "interrupted" in err
    assert connectors and not any(alive(pid) for pid in connectors)
    assert written_when_stopped < expected, "the sync had finished before the signal: nothing was interrupted"
    assert delivered == expected
    assert duplicates == {}


def test_given_a_sync_writing_when_the_runner_is_killed_then_no_connector_survives_and_a_rerun_loses_nothing(
    tmp_path: Path,
):
    with (
        EmulatorProcess("exact-online-emulator", "--scale", "3", "--minutely-limit", "0") as exact,
        EmulatorProcess("eaccounting-emulator", "--latency-seconds", ROUND_TRIP) as eaccounting,
    ):
        connections = write_orders_connection(tmp_path / "files", exact, eaccounting)
        home, temporary = tmp_path / "home", tmp_path / "tmp"
        temporary.mkdir()
        run = ledgerbridge(home, "sync", str(connections), env={"TMPDIR": str(temporary)})
        wait_until(lambda: order_posts(eaccounting) >= MID_SYNC_ORDERS)
        connectors = children_of(run.pid)
        run.send_signal(signal.SIGKILL)
        run.wait()
        time.sleep(1.0)
        survivors = [pid for pid in connectors if alive(pid)]
        secrets = secrets_of(exact, eaccounting, tmp_path / "files")
        left_behind = files_holding(secrets, home, temporary)
        writes_after = order_posts(eaccounting)
        time.sleep(1.0)
        writes_later = order_posts(eaccounting)
        delivered, duplicates = _rerun_and_count(home, connections, eaccounting)
        expected = _orders_expected(exact)

    assert connectors, "no connector was running when the runner was killed"  # the source may be done reading
    assert survivors == []
    assert left_behind == []
    assert writes_later == writes_after, "an orphaned destination kept writing"
    assert delivered == expected
    assert duplicates == {}
