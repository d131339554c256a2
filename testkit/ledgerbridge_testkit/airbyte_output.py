"""What one connector run printed: its Airbyte messages, its stderr, and how it ended."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Output:
    messages: list[dict[str, Any]] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    returncode: int | None = None

    @classmethod
    def parse(cls, stdout: str, stderr: str = "", returncode: int | None = None) -> Output:
        """Every JSON line of ``stdout``; anything else a connector or library printed is skipped."""
        messages = []
        for line in stdout.splitlines():
            if line.startswith("{"):
                try:
                    messages.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return cls(messages, stdout, stderr, returncode)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    def logs_json(self, event: str) -> list[dict[str, Any]]:
        """The structured LOG lines (a JSON object with ``event``) of one kind, e.g. ``activity``."""
        found = []
        for message in self.of_type("LOG"):
            text = message["log"]["message"]
            if text.startswith("{"):
                try:
                    payload = json.loads(text)
                except json.JSONDecodeError:
                    continue
                if isinstance(payload, dict) and payload.get("event") == event:
                    found.append(payload)
        return found

    @property
    def activity(self) -> list[dict[str, Any]]:
        return self.logs_json("activity")

    def failed(self) -> list[dict[str, Any]]:
        return [a for a in self.activity if a["action"] == "failed"]

    def states(self) -> list[dict[str, Any]]:
        return [m["state"] for m in self.of_type("STATE")]

    def last_config(self) -> dict[str, Any] | None:
        controls = [m for m in self.of_type("CONTROL") if m["control"]["type"] == "CONNECTOR_CONFIG"]
        return controls[-1]["control"]["connectorConfig"]["config"] if controls else None

    def records_of(self, stream: str) -> list[dict[str, Any]]:
        return [m["record"]["data"] for m in self.of_type("RECORD") if m["record"]["stream"] == stream]

    def record_counts(self) -> Counter[str]:
        return Counter(m["record"]["stream"] for m in self.of_type("RECORD"))

    def errors(self) -> list[dict[str, Any]]:
        """The ERROR traces: what the platform shows as the run's failure (message, failure type)."""
        return [m["trace"]["error"] for m in self.of_type("TRACE") if m["trace"]["type"] == "ERROR"]

    def connection_statuses(self) -> list[str]:
        """What ``check`` answered: SUCCEEDED or FAILED, once per run."""
        return [m["connectionStatus"]["status"] for m in self.of_type("CONNECTION_STATUS")]

    def spec(self) -> dict[str, Any]:
        (message,) = self.of_type("SPEC")
        spec: dict[str, Any] = message["spec"]
        return spec

    def catalog(self) -> dict[str, Any]:
        (message,) = self.of_type("CATALOG")
        catalog: dict[str, Any] = message["catalog"]
        return catalog

    def describe(self) -> str:
        """For assertion messages: the errors and the end of stderr, never the config."""
        messages = [error.get("message", "") for error in self.errors()]
        return f"exit {self.returncode}; errors {messages}; stderr tail: {self.stderr[-1500:]}"

    def final_states(self) -> list[dict[str, Any]]:
        """The last STATE per stream: what the platform hands the next run."""
        latest: dict[str, dict[str, Any]] = {}
        for state in self.states():
            latest[state["stream"]["stream_descriptor"]["name"]] = state
        return list(latest.values())
