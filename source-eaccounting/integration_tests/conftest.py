"""Starts `eaccounting-emulator` for the standard tests and the end-to-end tests (DESIGN.md start contract)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

HERE = Path(__file__).parent
# acceptance-test-config.yml points here; the file is written per test session and git-ignored.
EMULATOR_CONFIG = HERE / ".emulator_config.json"


class Emulator:
    def __init__(self, process: subprocess.Popen, announcement: dict[str, Any]) -> None:
        self.process = process
        self.api_url: str = announcement["api_url"].rstrip("/")
        self.identity_url: str = announcement["identity_url"].rstrip("/")
        self.credentials: dict[str, str] = announcement["credentials"]

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

    def requests_log(self) -> list[dict[str, Any]]:
        return requests.get(f"{self.root}/_emulator/requests", timeout=10).json()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_emulator(*args: str) -> Emulator:
    command = shutil.which(
        "eaccounting-emulator", path=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]
    )
    if command is None:
        pytest.skip("eaccounting-emulator is not installed (run `make venv` in the repository root)")
    process = subprocess.Popen(
        [command, "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    line = process.stdout.readline() if process.stdout else ""
    if not line:
        process.kill()
        pytest.fail(f"eaccounting-emulator {' '.join(args)} exited without announcing its URLs")
    return Emulator(process, json.loads(line))


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    instance = start_emulator("--seed", "1")
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
