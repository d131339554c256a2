from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import acceptance_config, emulator_config, live_credentials

HERE = Path(__file__).resolve().parent
# Referenced by acceptance-test-config.yml; written per session, git-ignored.
FAST_CONFIG = HERE / ".emulator_config.json"


@pytest.fixture(scope="session", autouse=True)
def fast_suite_emulator() -> Iterator[EmulatorProcess]:
    """One emulator for the FAST standard tests, with a config whose access token spares the refresh-token chain."""
    with EmulatorProcess("exact-online-emulator") as emulator:
        # No division chosen: the source reads every division the token sees.
        config = {**emulator_config(emulator), "divisions": [], "credentials": live_credentials(emulator)}
        with acceptance_config(FAST_CONFIG, config):
            yield emulator


@pytest.fixture
def emulator() -> Iterator[EmulatorProcess]:
    """A private emulator for a test that changes data or spends the token chain."""
    running = EmulatorProcess("exact-online-emulator")
    try:
        yield running
    finally:
        running.stop()
