"""Both emulators as real subprocesses on loopback, plus the Airbyte plumbing of a connection: source output piped
into the destination, configs updated from CONNECTOR_CONFIG messages, and the states the destination echoed kept
for the next sync — as the platform does."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from ledgerbridge_testkit.connector_process import run_connector

BIN = Path(sys.executable).parent


def _script(name: str) -> str:
    return shutil.which(name, path=str(BIN)) or shutil.which(name) or str(BIN / name)


# The smallest mapping that can write prices: the eAccounting price currency is always named, never assumed.
PRICES_IN_EUR: dict[str, Any] = {"items": {"prices": {"currency": "EUR"}}}


class Emulator:
    def __init__(self, command: str, *options: str) -> None:
        self.process = subprocess.Popen(
            [_script(command), "--port", "0", *options], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            self.stop()
            raise RuntimeError(f"{command} did not start")
        self.startup: dict[str, Any] = json.loads(line)

    @property
    def root(self) -> str:
        return self.startup.get("base_url") or self.startup["identity_url"]

    def requests_log(self) -> list[dict[str, Any]]:
        return requests.get(f"{self.root}/_emulator/requests", timeout=10).json()

    def clear_requests(self) -> None:
        requests.delete(f"{self.root}/_emulator/requests", timeout=10)

    def dump(self) -> dict[str, Any]:
        return requests.get(f"{self.root}/_emulator/dump", timeout=30).json()

    def set_faults(self, rules: list[str]) -> None:
        """Fault rules ``KIND:RATE[:PATH_GLOB]`` (see emulators/README.md), replacing any set before."""
        requests.post(f"{self.root}/_emulator/faults", json={"faults": rules}, timeout=10).raise_for_status()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


class ExactEmulator(Emulator):
    def __init__(self, *options: str) -> None:
        super().__init__("exact-online-emulator", "--seed", "1", *options)
        self.credentials = dict(self.startup["credentials"])
        self._token_session: dict[str, Any] | None = None

    @property
    def division(self) -> int:
        return int(self.startup["division"])

    def fresh_credentials(self) -> dict[str, Any]:
        """Credentials with a live access token, so connector runs need no refresh (Exact allows one per 570 s)."""
        response = requests.post(
            f"{self.root}/api/oauth2/token",
            data={
                "grant_type": "refresh_token",
                "client_id": self.credentials["client_id"],
                "client_secret": self.credentials["client_secret"],
                "refresh_token": self.credentials["refresh_token"],
            },
            timeout=10,
        )
        response.raise_for_status()
        token = response.json()
        expiry = time.time() + int(token["expires_in"])
        self.credentials.update(
            refresh_token=token["refresh_token"],
            access_token=token["access_token"],
            token_expiry_date=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(expiry)),
        )
        return dict(self.credentials)

    def api(self, method: str, resource: str, body: Any = None) -> Any:
        if "access_token" not in self.credentials:
            self.fresh_credentials()
        response = requests.request(
            method,
            f"{self.root}/api/v1/{self.division}/{resource}",
            json=body,
            headers={
                "Authorization": f"Bearer {self.credentials['access_token']}",
                "Accept": "application/json",
                "Prefer": "return=representation",
            },
            timeout=30,
        )
        response.raise_for_status()
        return response.json()["d"] if response.content else None

    def destination_config(self, mapping: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        credentials = self.credentials if "access_token" in self.credentials else self.fresh_credentials()
        return {
            "base_url": self.root,
            "division": self.division,
            "credentials": dict(credentials),
            "mapping": mapping or {},
            **extra,
        }


class EAccountingEmulator(Emulator):
    def __init__(self, *options: str) -> None:
        super().__init__("eaccounting-emulator", "--seed", "1", *options)
        self.config: dict[str, Any] = {
            "api_url": self.startup["api_url"],
            "identity_url": self.startup["identity_url"],
            "credentials": dict(self.startup["credentials"]),
        }
        self._access_token: str | None = None

    def api(self, method: str, resource: str, body: Any = None) -> Any:
        """Changes test data through the API itself; the rotated refresh token goes back into the source config."""
        if self._access_token is None:
            credentials = self.config["credentials"]
            response = requests.post(
                f"{self.config['identity_url']}/connect/token",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": credentials["refresh_token"],
                    "client_id": credentials["client_id"],
                    "client_secret": credentials["client_secret"],
                },
                timeout=10,
            )
            response.raise_for_status()
            token = response.json()
            credentials["refresh_token"] = token["refresh_token"]
            self._access_token = token["access_token"]
        response = requests.request(
            method,
            f"{self.config['api_url']}/{resource}",
            json=body,
            headers={"Authorization": f"Bearer {self._access_token}"},
            timeout=30,
        )
        assert response.ok, response.text
        return response.json() if response.content else None


def configured_catalog(streams: list[str]) -> dict[str, Any]:
    cursors = {"customers": "ChangedUtc", "articles": "ChangedUtc", "orders": "ModifiedUtc"}
    return {
        "streams": [
            {
                "stream": {
                    "name": name,
                    "json_schema": {"type": "object"},
                    "supported_sync_modes": ["full_refresh", "incremental"],
                    "source_defined_cursor": True,
                    "default_cursor_field": [cursors[name]],
                    "source_defined_primary_key": [["Id"]],
                },
                "sync_mode": "incremental",
                "destination_sync_mode": "append_dedup",
                "cursor_field": [cursors[name]],
                "primary_key": [["Id"]],
            }
            for name in streams
        ]
    }


def messages_of(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def activity_of(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lines = []
    for message in messages:
        if message["type"] == "LOG" and message["log"]["message"].startswith("{"):
            line = json.loads(message["log"]["message"])
            if line.get("event") == "activity":
                lines.append(line)
    return lines


@dataclass
class SyncResult:
    source: list[dict[str, Any]]
    destination: list[dict[str, Any]]
    returncode: int
    stderr: str = ""

    @property
    def activity(self) -> list[dict[str, Any]]:
        return activity_of(self.destination)

    @property
    def states(self) -> list[dict[str, Any]]:
        return [m["state"] for m in self.destination if m["type"] == "STATE"]


@dataclass
class Connection:
    """A source-eaccounting → destination-exact-online connection, run as two real processes joined by a pipe."""

    eaccounting: EAccountingEmulator
    exact: ExactEmulator
    streams: list[str]
    workdir: Path
    mapping: dict[str, Any] = field(default_factory=dict)
    destination_options: dict[str, Any] = field(default_factory=dict)
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    destination_config: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.destination_config:
            self.destination_config = self.exact.destination_config(self.mapping, **self.destination_options)
        (self.workdir / "catalog.json").write_text(json.dumps(configured_catalog(self.streams)))

    def _write(self, name: str, data: Any) -> str:
        path = self.workdir / name
        path.write_text(json.dumps(data))
        return str(path)

    def read_source(self, *, from_scratch: bool = False) -> str:
        command = [
            _script("source-eaccounting"),
            "read",
            "--config",
            self._write("source.json", self.eaccounting.config),
            "--catalog",
            str(self.workdir / "catalog.json"),
        ]
        if self.states and not from_scratch:
            command += ["--state", self._write("state.json", list(self.states.values()))]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        for message in messages_of(done.stdout):
            if message["type"] == "CONTROL":
                self.eaccounting.config = message["control"]["connectorConfig"]["config"]
                self.eaccounting._access_token = None
        return done.stdout

    def write_destination(
        self, source_output: str, env: dict[str, str] | None = None, kill_when: Callable[[], bool] | None = None
    ) -> SyncResult:
        """Runs the destination on the source's records and states; ``kill_when()`` returning True kills it from
        outside with SIGKILL mid-run (a crash: no cleanup at all), as the platform's pod can be."""
        command = [
            _script("destination-exact-online"),
            "write",
            "--config",
            self._write("destination.json", self.destination_config),
            "--catalog",
            str(self.workdir / "catalog.json"),
        ]
        records = "\n".join(
            line for line in source_output.splitlines() if line.startswith(('{"type":"RECORD"', '{"type":"STATE"'))
        )
        stdin = self.workdir / "destination-input.jsonl"
        stdin.write_text(records + "\n")
        done = run_connector(command, self.workdir, stdin_path=stdin, env=env, kill_when=kill_when)
        destination = done.messages
        for message in destination:
            if message["type"] == "STATE":
                state = message["state"]
                self.states[state["stream"]["stream_descriptor"]["name"]] = state
            elif message["type"] == "CONTROL":
                self.destination_config = message["control"]["connectorConfig"]["config"]
        assert done.returncode is not None
        return SyncResult(messages_of(source_output), destination, done.returncode, done.stderr)

    def sync(
        self,
        *,
        from_scratch: bool = False,
        env: dict[str, str] | None = None,
        kill_when: Callable[[], bool] | None = None,
    ) -> SyncResult:
        return self.write_destination(self.read_source(from_scratch=from_scratch), env, kill_when)


def writes(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in log if r["method"] in ("POST", "PUT", "DELETE") and "/oauth2/" not in r["path"]]


class EmulatedClock:
    """The emulator's clock as seen from here (``--clock-speed`` emulated seconds per real second)."""

    def __init__(self, speed: float) -> None:
        self._origin = time.time()  # measured once the start line arrived: our model of the clock stays behind it
        self._started = time.monotonic()
        self._speed = speed
        self.slept = 0.0

    def time(self) -> float:
        return self._origin + (time.monotonic() - self._started) * self._speed

    def sleep(self, seconds: float) -> None:
        self.slept += max(0.0, seconds)
        time.sleep(max(0.0, seconds) / self._speed)
