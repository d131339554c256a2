"""Starts `eaccounting-emulator` for the standard tests and the end-to-end tests (DESIGN.md start contract)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import acceptance_config, emulator_config, live_credentials

HERE = Path(__file__).parent
# acceptance-test-config.yml points here; the file is written per test session and git-ignored.
EMULATOR_CONFIG = HERE / ".emulator_config.json"


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess("eaccounting-emulator") as instance:
        yield instance


@pytest.fixture(scope="session", autouse=True)
def emulator_config_file(emulator: EmulatorProcess) -> Iterator[Path]:
    """A config whose access token is valid for the session.

    The standard tests read the config file afresh for every test and never see the rotated refresh token, so the
    fixture redeems the seeded refresh token once and hands them a live access token instead.
    """
    config = {**emulator_config(emulator), "credentials": live_credentials(emulator)}
    with acceptance_config(EMULATOR_CONFIG, config) as path:
        yield path
