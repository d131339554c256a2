"""Starts `eaccounting-emulator` for the standard tests and the end-to-end tests (DESIGN.md start contract)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from emulator_kit.process import EmulatorProcess

HERE = Path(__file__).parent
# acceptance-test-config.yml points here; the file is written per test session and git-ignored.
EMULATOR_CONFIG = HERE / ".emulator_config.json"


class Emulator(EmulatorProcess):
    """eaccounting-emulator through the shared process harness, plus what this source's tests ask of it."""

    def __init__(self, *options: str) -> None:
        super().__init__("eaccounting-emulator", *options)
        self.api_url: str = self.start_line["api_url"].rstrip("/")
        self.identity_url: str = self.start_line["identity_url"].rstrip("/")

    @property
    def root(self) -> str:
        return self.api_url.rsplit("/v2", 1)[0]

    def config(self, **credentials: str) -> dict[str, Any]:
        return {
            "api_url": self.api_url,
            "identity_url": self.identity_url,
            "credentials": {**self.credentials, **credentials},
        }

    def redeem(self, refresh_token: str) -> dict[str, Any]:
        """Exchange a refresh token the way the connector does; returns the token response."""
        response = requests.post(
            f"{self.identity_url}/connect/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "client_id": self.credentials["client_id"],
                "client_secret": self.credentials["client_secret"],
            },
            timeout=10,
        )
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    instance = Emulator()
    yield instance
    instance.stop()


@pytest.fixture(scope="session", autouse=True)
def emulator_config_file(emulator: Emulator) -> Iterator[Path]:
    """A config whose access token is valid for the session.

    The standard tests read the config file afresh for every test and never see the rotated refresh token, so the
    fixture redeems the seeded refresh token once and hands them a live access token instead.
    """
    tokens = emulator.redeem(emulator.credentials["refresh_token"])
    expiry = datetime.now(UTC) + timedelta(seconds=int(tokens.get("expires_in", 3600)))
    config = emulator.config(
        refresh_token=tokens["refresh_token"],
        access_token=tokens["access_token"],
        token_expiry_date=expiry.isoformat(),
    )
    EMULATOR_CONFIG.write_text(json.dumps(config, indent=2))
    yield EMULATOR_CONFIG
    EMULATOR_CONFIG.unlink(missing_ok=True)
