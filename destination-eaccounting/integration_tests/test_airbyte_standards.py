"""Airbyte's FAST standard tests for destinations (spec, check), driven by acceptance-test-config.yml."""

from __future__ import annotations

import pytest
from airbyte_cdk.test import standard_tests

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import acceptance_config, emulator_config, live_credentials

from .conftest import EMULATOR_CONFIG, rules

pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]


@pytest.fixture(scope="module", autouse=True)
def emulator_config_file():
    """The standard tests re-read the file for every test and never see a rotated refresh token, so they get a live
    access token instead (redeemed once here)."""
    emulator = EmulatorProcess("eaccounting-emulator", "--seed", "1")
    config = {**emulator_config(emulator), "credentials": live_credentials(emulator), "mapping": rules()}
    with acceptance_config(EMULATOR_CONFIG, config) as path:
        yield path
    emulator.stop()


class TestStandardDestination(standard_tests.DestinationTestSuiteBase):
    pass
