"""Starts exact-online-emulator as a real subprocess on loopback and hands out configs for it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

EMULATOR = shutil.which("exact-online-emulator") or str(Path(sys.executable).with_name("exact-online-emulator"))


class RunningEmulator:
    def __init__(self, *options: str) -> None:
        self.process = subprocess.Popen(
            [EMULATOR, "--port", "0", "--seed", "1", *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            self.stop()
            raise RuntimeError(f"exact-online-emulator did not start ({EMULATOR} {' '.join(options)})")
        # The emulator's clock starts before this line is printed: measuring from here keeps our model of it behind.
        self.ready_at = time.time()
        self.ready_monotonic = time.monotonic()
        self.startup: dict[str, Any] = json.loads(line)

    @property
    def base_url(self) -> str:
        return self.startup["base_url"]

    @property
    def division(self) -> int:
        return int(self.startup["division"])

    def config(self, *, with_access_token: bool = False, divisions: list[int] | None = None) -> dict[str, Any]:
        credentials = dict(self.startup["credentials"])
        if with_access_token:
            # Many runs share one config file in the FAST suite; a fresh access token lets them all skip refreshing,
            # so the single-use refresh token in the file is never spent twice.
            response = requests.post(
                f"{self.base_url}/api/oauth2/token",
                data={
                    "grant_type": "refresh_token",
                    "client_id": credentials["client_id"],
                    "client_secret": credentials["client_secret"],
                    "refresh_token": credentials["refresh_token"],
                },
                timeout=10,
            )
            response.raise_for_status()
            token = response.json()
            credentials["refresh_token"] = token["refresh_token"]
            credentials["access_token"] = token["access_token"]
            expiry = time.time() + int(token["expires_in"])
            credentials["token_expiry_date"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(expiry))
        return {"base_url": self.base_url, "divisions": divisions or [], "credentials": credentials}

    def requests_log(self) -> list[dict[str, Any]]:
        return requests.get(f"{self.base_url}/_emulator/requests", timeout=10).json()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


class EmulatedClock:
    """The emulator's clock as seen from here (``--clock-speed`` emulated seconds per real second)."""

    def __init__(self, emulator: RunningEmulator, speed: float) -> None:
        self._origin = emulator.ready_at
        self._started = emulator.ready_monotonic
        self._speed = speed

    def time(self) -> float:
        return self._origin + (time.monotonic() - self._started) * self._speed

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds) / self._speed)
