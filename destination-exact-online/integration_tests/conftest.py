from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from integration_tests.emulators import PRICES_IN_EUR, EAccountingEmulator, ExactEmulator
from ledgerbridge_testkit import acceptance_config

HERE = Path(__file__).resolve().parent
# Referenced by acceptance-test-config.yml; written per session, git-ignored.
FAST_CONFIG = HERE / ".emulator_config.json"


@pytest.fixture(scope="session", autouse=True)
def fast_suite_exact() -> Iterator[ExactEmulator]:
    """One Exact emulator for the FAST standard tests (check + spec), with a live access token in the config."""
    with ExactEmulator() as emulator, acceptance_config(FAST_CONFIG, emulator.destination_config(PRICES_IN_EUR)):
        yield emulator


@pytest.fixture
def exact() -> Iterator[ExactEmulator]:
    running = ExactEmulator("--minutely-limit", "0")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def eaccounting() -> Iterator[EAccountingEmulator]:
    running = EAccountingEmulator()
    try:
        yield running
    finally:
        running.stop()
