"""Airbyte's FAST standard tests for destinations (spec, check), driven by acceptance-test-config.yml."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests
from airbyte_cdk.test import standard_tests

from .conftest import EMULATOR_CONFIG, rules
from .harness import EmulatorProcess

pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]


@pytest.fixture(scope="module", autouse=True)
def emulator_config_file():
    """The standard tests re-read the file for every test and never see a rotated refresh token, so they get a live
    access token instead (redeemed once here)."""
    emulator = EmulatorProcess("eaccounting-emulator", "--seed", "1")
    announced = emulator.start_line
    tokens = requests.post(
        f"{announced['identity_url']}/connect/token",
        data={"grant_type": "refresh_token", "refresh_token": announced["credentials"]["refresh_token"],
              "client_id": announced["credentials"]["client_id"],
              "client_secret": announced["credentials"]["client_secret"]},
        timeout=10,
    ).json()  # fmt: skip
    expiry = datetime.now(UTC) + timedelta(seconds=int(tokens.get("expires_in", 3600)))
    config = {
        "api_url": announced["api_url"],
        "identity_url": announced["identity_url"],
        "credentials": {**announced["credentials"], "refresh_token": tokens["refresh_token"],
                        "access_token": tokens["access_token"], "token_expiry_date": expiry.isoformat()},
        "mapping": rules(),
    }  # fmt: skip
    EMULATOR_CONFIG.write_text(json.dumps(config, indent=2))
    yield EMULATOR_CONFIG
    EMULATOR_CONFIG.unlink(missing_ok=True)
    emulator.stop()


class TestStandardDestination(standard_tests.DestinationTestSuiteBase):
    pass
