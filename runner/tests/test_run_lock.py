"""One run per connection and per refresh-token chain: a second run exits 3 naming the holder, or waits with --wait;
a lock left by a killed run is free; two real syncs started together write every order once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from emulator_kit.process import EmulatorProcess
from ledgerbridge.cli import main
from ledgerbridge.home import DataHome
from ledgerbridge.run_lock import RunLockBusy, run_lock
from ledgerbridge_testkit.runner_process import force_refresh, ledgerbridge, order_copies, write_orders_connection


def test_given_a_run_holding_the_connection_when_a_second_sync_starts_then_it_exits_3_naming_the_holder(
    widgets_file, ledgerbridge_home: Path, capsys
):
    connections = widgets_file()
    home = DataHome.resolve(ledgerbridge_home)

    with run_lock(home.locks, ["widgets-to-recorder"], [], command="ledgerbridge sync elsewhere.yaml"):
        code = main(["sync", str(connections)])

    error = capsys.readouterr().err
    assert code == 3
    assert "connection 'widgets-to-recorder'" in error
    assert f"pid {os.getpid()}" in error
    assert "ledgerbridge sync elsewhere.yaml" in error


def test_given_another_connection_file_using_the_same_config_when_synced_then_the_token_chain_is_locked_too(
    widgets_file, tmp_path: Path, ledgerbridge_home: Path, capsys
):
    connections = widgets_file()
    home = DataHome.resolve(tmp_path / "another-home")  # another data directory: only the config file is shared

    with run_lock(home.locks, ["some-other-connection"], [tmp_path / "destination.json"]):
        code = main(["preview", str(connections)])

    assert code == 3
    assert f"config file {tmp_path / 'destination.json'}" in capsys.readouterr().err


def test_given_a_holder_that_finishes_when_the_second_run_waits_then_it_runs_after_it(
    widgets_file, ledgerbridge_home: Path
):
    connections = widgets_file()
    home = DataHome.resolve(ledgerbridge_home)
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with run_lock(home.locks, ["widgets-to-recorder"], []):
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait(10)
    threading.Timer(1.0, release.set).start()
    started = time.monotonic()
    code = main(["sync", str(connections), "--wait", "30"])
    holder.join()

    assert code == 0
    assert time.monotonic() - started >= 0.9


def test_given_a_holder_that_stays_when_the_wait_runs_out_then_the_second_run_exits_3(
    widgets_file, ledgerbridge_home: Path, capsys
):
    connections = widgets_file()
    home = DataHome.resolve(ledgerbridge_home)

    with run_lock(home.locks, ["widgets-to-recorder"], []):
        started = time.monotonic()
        code = main(["sync", str(connections), "--wait", "0.5"])

    assert code == 3
    assert time.monotonic() - started >= 0.5
    assert "after waiting" in capsys.readouterr().err


def test_given_a_holder_killed_with_sigkill_when_the_next_run_starts_then_it_takes_the_lock_over(
    widgets_file, ledgerbridge_home: Path
):
    connections = widgets_file()
    home = DataHome.resolve(ledgerbridge_home)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from ledgerbridge.run_lock import run_lock\n"
         "with run_lock(Path(sys.argv[1]), ['widgets-to-recorder'], []):\n"
         "    print('held', flush=True); time.sleep(60)",
         str(home.locks)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(RunLockBusy), run_lock(home.locks, ["widgets-to-recorder"], []):
        pass
    holder.send_signal(signal.SIGKILL)
    holder.wait()

    assert main(["sync", str(connections)]) == 0


def test_given_two_real_syncs_started_together_then_no_order_is_written_twice_and_both_token_chains_work(
    tmp_path: Path,
):
    with (
        EmulatorProcess("exact-online-emulator", "--scale", "2", "--minutely-limit", "0") as exact,
        EmulatorProcess("eaccounting-emulator") as eaccounting,
    ):
        connections = write_orders_connection(tmp_path / "files", exact, eaccounting)
        home = tmp_path / "home"
        first = ledgerbridge(home, "sync", str(connections))
        second = ledgerbridge(home, "sync", str(connections))
        outputs = [run.communicate(timeout=300) for run in (first, second)]
        codes = sorted([first.returncode, second.returncode])
        copies = order_copies(eaccounting)
        force_refresh(exact, tmp_path / "files" / "exact-source.json")
        force_refresh(eaccounting, tmp_path / "files" / "eaccounting-destination.json")
        checked = ledgerbridge(home, "check", str(connections))
        check_output = checked.communicate(timeout=300)

    assert codes == [0, 3], outputs
    busy = next(err for (_, err), run in zip(outputs, (first, second), strict=True) if run.returncode == 3)
    assert "is in use by pid" in busy
    assert len(copies) >= 40
    assert {ref: n for ref, n in copies.items() if n > 1} == {}
    assert checked.returncode == 0, check_output
    assert json.loads((tmp_path / "files" / "exact-source.json").read_text())["credentials"]["refresh_token"]
