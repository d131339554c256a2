"""Starts exact-online-emulator as a real subprocess on loopback and hands out configs for it."""

from __future__ import annotations

import time
from typing import Any

import requests

from emulator_kit.process import EmulatorProcess


class RunningEmulator(EmulatorProcess):
    """exact-online-emulator through the shared process harness, plus the configs this source's tests need."""

    def __init__(self, *options: str) -> None:
        super().__init__("exact-online-emulator", *options)
        # The emulator's clock starts before its start line is printed: measuring from here keeps our model behind it.
        self.ready_at = time.time()
        self.ready_monotonic = time.monotonic()

    @property
    def base_url(self) -> str:
        return self.start_line["base_url"]

    @property
    def division(self) -> int:
        return int(self.start_line["division"])

    def config(self, *, with_access_token: bool = False, divisions: list[int] | None = None) -> dict[str, Any]:
        credentials = dict(self.start_line["credentials"])
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
