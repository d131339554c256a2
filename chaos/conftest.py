"""Shared emulators, the run size (reduced in `make test`, the issue's counts with LEDGERBRIDGE_CHAOS=full) and the
summary printed after the session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from scorecard import Scorecard

from emulator_kit.process import EmulatorProcess

FULL = os.environ.get("LEDGERBRIDGE_CHAOS", "").lower() == "full"


@dataclass(frozen=True)
class Size:
    exact_scale: int  # the Exact emulator seeds about 40 sales orders per unit
    kill_points: int
    rotation_runs: int
    bad_records_per_kind: int
    full: bool


SIZE = (
    Size(exact_scale=25, kill_points=100, rotation_runs=200, bad_records_per_kind=8, full=True)
    if FULL
    else Size(exact_scale=4, kill_points=12, rotation_runs=15, bad_records_per_kind=8, full=False)
)
SCORECARD = Scorecard()


@pytest.fixture(scope="session")
def size() -> Size:
    return SIZE


@pytest.fixture(scope="session")
def scorecard() -> Scorecard:
    return SCORECARD


@pytest.fixture(scope="session")
def exact() -> Iterator[EmulatorProcess]:
    """The orders' source: limits off, so the destination side is what each scenario stresses."""
    with EmulatorProcess(
        "exact-online-emulator", "--scale", str(SIZE.exact_scale), "--minutely-limit", "0", "--daily-limit", "0",
        "--token-daily-limit", "0",
    ) as emulator:  # fmt: skip
        yield emulator


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.section(f"chaos summary ({'full' if FULL else 'reduced'} run)")
    for line in SCORECARD.lines():
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def source(exact: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory):
    from flow import ExactSource

    return ExactSource(tmp_path_factory.mktemp("source"), exact)


@pytest.fixture(scope="session")
def recorded_orders(source) -> Path:
    """One real read of the sales orders and their parties; destination runs are fed this output again and again."""
    return source.record()
