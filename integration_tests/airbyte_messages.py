"""What a connector container printed, read as Airbyte protocol messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ledgerbridge_testkit import Output


def parse_lines(text: str) -> list[dict[str, Any]]:
    """The protocol messages among a container's output lines (a log line that starts with a brace is skipped)."""
    return Output.parse(text).messages


@dataclass
class ConnectorOutput:
    messages: list[dict[str, Any]] = field(default_factory=list)
    returncode: int | None = None
    stderr: str = ""

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [message for message in self.messages if message.get("type") == kind]

    @property
    def connection_statuses(self) -> list[str]:
        return [message["connectionStatus"]["status"] for message in self.of_type("CONNECTION_STATUS")]

    @property
    def spec(self) -> dict[str, Any]:
        (message,) = self.of_type("SPEC")
        return message["spec"]

    @property
    def catalog(self) -> dict[str, Any]:
        (message,) = self.of_type("CATALOG")
        return message["catalog"]

    def records(self, stream: str | None = None) -> list[dict[str, Any]]:
        return [
            message["record"]
            for message in self.of_type("RECORD")
            if stream is None or message["record"]["stream"] == stream
        ]

    @property
    def states(self) -> list[dict[str, Any]]:
        return [message["state"] for message in self.of_type("STATE")]

    @property
    def persisted_configs(self) -> list[dict[str, Any]]:
        """Configs the connector asked the platform to store (rotated OAuth tokens), oldest first."""
        return [
            message["control"]["connectorConfig"]["config"]
            for message in self.of_type("CONTROL")
            if message["control"].get("type") == "CONNECTOR_CONFIG"
        ]

    @property
    def errors(self) -> list[str]:
        return [
            message["trace"]["error"].get("message", "")
            for message in self.of_type("TRACE")
            if message["trace"].get("type") == "ERROR"
        ]

    def describe(self) -> str:
        """For assertion messages: the errors and the end of stderr, never the config."""
        return f"exit {self.returncode}; errors {self.errors}; stderr tail: {self.stderr[-1500:]}"
