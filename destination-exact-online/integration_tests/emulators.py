"""Both emulators as real subprocesses on loopback (testkit's harness), plus the Airbyte plumbing of a connection:
source output piped into the destination, configs updated from CONNECTOR_CONFIG messages, and the states the
destination echoed kept for the next sync — as the platform does."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import Output, configured_catalog, console_script, live_credentials, run_connector

# The smallest mapping that can write prices: the eAccounting price currency is always named, never assumed.
PRICES_IN_EUR: dict[str, Any] = {"items": {"prices": {"currency": "EUR"}}}


class ExactEmulator(EmulatorProcess):
    """exact-online-emulator, plus a token chain of the tests' own to change its data through the API."""

    def __init__(self, *options: str) -> None:
        super().__init__("exact-online-emulator", *options)
        self.tokens = self.credentials

    @property
    def division(self) -> int:
        return int(self.start_line["division"])

    def fresh_credentials(self) -> dict[str, Any]:
        """Credentials with a live access token, so connector runs need no refresh (Exact allows one per 570 s)."""
        self.tokens = live_credentials(self, self.tokens)
        return dict(self.tokens)

    def api(self, method: str, resource: str, body: Any = None) -> Any:
        if "access_token" not in self.tokens:
            self.fresh_credentials()
        response = requests.request(
            method,
            f"{self.root_url}/api/v1/{self.division}/{resource}",
            json=body,
            headers={
                "Authorization": f"Bearer {self.tokens['access_token']}",
                "Accept": "application/json",
                "Prefer": "return=representation",
            },
            timeout=30,
        )
        response.raise_for_status()
        return response.json()["d"] if response.content else None

    def destination_config(self, mapping: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        credentials = self.tokens if "access_token" in self.tokens else self.fresh_credentials()
        return {
            "base_url": self.root_url,
            "division": self.division,
            "credentials": dict(credentials),
            "mapping": mapping or {},
            **extra,
        }


class EAccountingEmulator(EmulatorProcess):
    """eaccounting-emulator; ``config`` is the source's, whose token chain the tests share to change data."""

    def __init__(self, *options: str) -> None:
        super().__init__("eaccounting-emulator", *options)
        self.config: dict[str, Any] = {
            "api_url": self.start_line["api_url"],
            "identity_url": self.start_line["identity_url"],
            "credentials": self.credentials,
        }
        self._access_token: str | None = None

    def api(self, method: str, resource: str, body: Any = None) -> Any:
        """Changes test data through the API itself; the rotated refresh token goes back into the source config."""
        if self._access_token is None:
            live = live_credentials(self, self.config["credentials"])
            self.config["credentials"]["refresh_token"] = live["refresh_token"]
            self._access_token = live["access_token"]
        response = requests.request(
            method,
            f"{self.config['api_url']}/{resource}",
            json=body,
            headers={"Authorization": f"Bearer {self._access_token}"},
            timeout=30,
        )
        assert response.ok, response.text
        return response.json() if response.content else None


CURSORS = {"customers": "ChangedUtc", "articles": "ChangedUtc", "orders": "ModifiedUtc"}


def catalog_of(streams: list[str]) -> dict[str, Any]:
    """The source's streams, each incremental on its cursor, as a connection configures them."""
    discovered = {
        "streams": [
            {
                "name": name,
                "json_schema": {"type": "object"},
                "supported_sync_modes": ["full_refresh", "incremental"],
                "source_defined_cursor": True,
                "default_cursor_field": [CURSORS[name]],
                "source_defined_primary_key": [["Id"]],
            }
            for name in streams
        ]
    }
    return configured_catalog(discovered, full_refresh=set(), incremental=set(streams))


@dataclass
class SyncResult:
    source: list[dict[str, Any]]
    destination: list[dict[str, Any]]
    returncode: int
    stderr: str = ""

    @property
    def activity(self) -> list[dict[str, Any]]:
        return Output(self.destination).activity

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
        (self.workdir / "catalog.json").write_text(json.dumps(catalog_of(self.streams)))

    def _write(self, name: str, data: Any) -> str:
        path = self.workdir / name
        path.write_text(json.dumps(data))
        return str(path)

    def read_source(self, *, from_scratch: bool = False) -> str:
        command = [
            console_script("source-eaccounting"),
            "read",
            "--config",
            self._write("source.json", self.eaccounting.config),
            "--catalog",
            str(self.workdir / "catalog.json"),
        ]
        if self.states and not from_scratch:
            command += ["--state", self._write("state.json", list(self.states.values()))]
        done = run_connector(command, self.workdir)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        rotated = done.last_config()
        if rotated is not None:
            self.eaccounting.config = rotated
            self.eaccounting._access_token = None
        return done.stdout

    def write_destination(
        self, source_output: str, env: dict[str, str] | None = None, kill_when: Callable[[], bool] | None = None
    ) -> SyncResult:
        """Runs the destination on the source's records and states; ``kill_when()`` returning True kills it from
        outside with SIGKILL mid-run (a crash: no cleanup at all), as the platform's pod can be."""
        command = [
            console_script("destination-exact-online"),
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
        for state in done.final_states():
            self.states[state["stream"]["stream_descriptor"]["name"]] = state
        rotated = done.last_config()
        if rotated is not None:
            self.destination_config = rotated
        assert done.returncode is not None
        return SyncResult(Output.parse(source_output).messages, done.messages, done.returncode, done.stderr)

    def sync(
        self,
        *,
        from_scratch: bool = False,
        env: dict[str, str] | None = None,
        kill_when: Callable[[], bool] | None = None,
    ) -> SyncResult:
        return self.write_destination(self.read_source(from_scratch=from_scratch), env, kill_when)
