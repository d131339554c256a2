from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from integration_tests.emulators import PRICES_IN_EUR, EAccountingEmulator, ExactEmulator

HERE = Path(__file__).resolve().parent
# Referenced by acceptance-test-config.yml; written per session, git-ignored.
FAST_CONFIG = HERE / ".emulator_config.json"


@pytest.fixture(scope="session", autouse=True)
def fast_suite_exact() -> Iterator[ExactEmulator]:
    """One Exact emulator for the FAST standard tests (check + spec), with a live access token in the config."""
    emulator = ExactEmulator()
    FAST_CONFIG.write_text(json.dumps(emulator.destination_config(PRICES_IN_EUR), indent=2))
    try:
        yield emulator
    finally:
        emulator.stop()
        FAST_CONFIG.unlink(missing_ok=True)


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
