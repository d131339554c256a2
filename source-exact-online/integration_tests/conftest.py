from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from integration_tests.emulator import RunningEmulator

HERE = Path(__file__).resolve().parent
# Referenced by acceptance-test-config.yml; written per session, git-ignored.
FAST_CONFIG = HERE / ".emulator_config.json"


@pytest.fixture(scope="session", autouse=True)
def fast_suite_emulator() -> Iterator[RunningEmulator]:
    """One emulator for the FAST standard tests, with a config whose access token spares the refresh-token chain."""
    emulator = RunningEmulator()
    FAST_CONFIG.write_text(json.dumps(emulator.config(with_access_token=True), indent=2))
    try:
        yield emulator
    finally:
        emulator.stop()
        FAST_CONFIG.unlink(missing_ok=True)


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    """A private emulator for a test that changes data or spends the token chain."""
    running = RunningEmulator()
    try:
        yield running
    finally:
        running.stop()
