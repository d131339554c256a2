"""Real processes on loopback: both emulators, the source and the destination through their console scripts.

Configs live in files the way the platform keeps them: after each run the last CONNECTOR_CONFIG a connector printed
replaces its file, so rotated refresh tokens carry over to the next run exactly as they would in Airbyte.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

BIN = Path(sys.executable).parent


def console_script(name: str) -> str:
    found = shutil.which(name, path=str(BIN) + os.pathsep + os.environ.get("PATH", ""))
    if found is None:
        pytest.skip(f"{name} is not installed (run `make venv` in the repository root)")
    return found


class Emulator:
    def __init__(self, command: str, *args: str) -> None:
        self.process = subprocess.Popen(
            [console_script(command), "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            self.process.kill()
            pytest.fail(f"{command} {' '.join(args)} exited without announcing its URLs")
        self.announcement: dict[str, Any] = json.loads(line)

    @property
    def root(self) -> str:
        url = self.announcement.get("identity_url") or self.announcement["base_url"]
        return url.rstrip("/")

    def admin(self, path: str) -> Any:
        return requests.get(f"{self.root}/_emulator/{path}", timeout=30).json()

    def requests_log(self) -> list[dict[str, Any]]:
        return self.admin("requests")

    def clear_requests(self) -> None:
        requests.delete(f"{self.root}/_emulator/requests", timeout=10)

    def dump(self) -> dict[str, Any]:
        return self.admin("dump")

    def set_faults(self, rules: list[str]) -> None:
        """Fault rules ``KIND:RATE[:PATH_GLOB]`` (see emulators/README.md), replacing any set before."""
        requests.post(f"{self.root}/_emulator/faults", json={"faults": rules}, timeout=10).raise_for_status()

    def advance_clock(self, seconds: float) -> None:
        requests.post(f"{self.root}/_emulator/clock", json={"advance": seconds}, timeout=10).raise_for_status()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def writes(log: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in log if r["method"] in ("POST", "PUT", "DELETE") and not r["path"].endswith("/connect/token")]


@dataclass
class Output:
    messages: list[dict[str, Any]] = field(default_factory=list)
    returncode: int | None = None

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    def logs_json(self, event: str) -> list[dict[str, Any]]:
        found = []
        for message in self.of_type("LOG"):
            text = message["log"]["message"]
            if text.startswith("{"):
                payload = json.loads(text)
                if payload.get("event") == event:
                    found.append(payload)
        return found

    @property
    def activity(self) -> list[dict[str, Any]]:
        return self.logs_json("activity")

    def states(self) -> list[dict[str, Any]]:
        return [m["state"] for m in self.of_type("STATE")]

    def last_config(self) -> dict[str, Any] | None:
        controls = [m for m in self.of_type("CONTROL") if m["control"]["type"] == "CONNECTOR_CONFIG"]
        return controls[-1]["control"]["connectorConfig"]["config"] if controls else None


def parse_output(text: str) -> Output:
    output = Output()
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                output.messages.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return output


class ConfigFile:
    def __init__(self, path: Path, config: dict[str, Any]) -> None:
        self.path = path
        self.write(config)

    def read(self) -> dict[str, Any]:
        return json.loads(self.path.read_text())

    def write(self, config: dict[str, Any]) -> None:
        self.path.write_text(json.dumps(config, ensure_ascii=False))

    def absorb(self, output: Output) -> None:
        """Keep what the connector persisted (rotated tokens), as the platform does."""
        rotated = output.last_config()
        if rotated is not None:
            self.write(rotated)


@dataclass
class Flow:
    """``source-exact-online read | destination-eaccounting write`` with config files kept across runs."""

    workdir: Path
    source_config: ConfigFile
    destination_config: ConfigFile
    catalog_path: Path

    def read_source(self) -> Path:
        out = self.workdir / f"source-{time.monotonic_ns()}.jsonl"
        with out.open("w") as sink:
            subprocess.run(
                [console_script("source-exact-online"), "read", "--config", str(self.source_config.path),
                 "--catalog", str(self.catalog_path)],
                stdout=sink, stderr=subprocess.DEVNULL, check=True, timeout=120,
            )  # fmt: skip
        self.source_config.absorb(parse_output(out.read_text()))
        return out

    def run(self, extra_input: Iterable[dict[str, Any]] = ()) -> Output:
        """The piped flow; ``extra_input`` messages are appended to what the source sends (bad-record corpus)."""
        tee = self.workdir / "piped.jsonl"
        extra = self.workdir / "extra.jsonl"
        extra.write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in extra_input))
        source = [console_script("source-exact-online"), "read", "--config", str(self.source_config.path),
                  "--catalog", str(self.catalog_path)]  # fmt: skip
        destination = [console_script("destination-eaccounting"), "write", "--config",
                       str(self.destination_config.path), "--catalog", str(self.catalog_path)]  # fmt: skip
        script = (
            f"{{ {_quote(source)}; cat {_quote([str(extra)])}; }} | tee {_quote([str(tee)])} | {_quote(destination)}"
        )
        completed = subprocess.run(
            ["bash", "-o", "pipefail", "-c", script], capture_output=True, text=True, timeout=240
        )
        self.source_config.absorb(parse_output(tee.read_text()))
        output = parse_output(completed.stdout)
        output.returncode = completed.returncode
        self.destination_config.absorb(output)
        return output

    def write_from(self, input_path: Path, kill_when: Any = None, poll: float = 0.005) -> Output:
        """Run the destination on recorded source output; ``kill_when()`` → True sends SIGKILL mid-run."""
        out_path = self.workdir / f"destination-{time.monotonic_ns()}.jsonl"
        with input_path.open("rb") as stdin, out_path.open("w") as stdout:
            process = subprocess.Popen(
                [console_script("destination-eaccounting"), "write", "--config", str(self.destination_config.path),
                 "--catalog", str(self.catalog_path)],
                stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            if kill_when is not None:
                while process.poll() is None:
                    if kill_when():
                        process.send_signal(signal.SIGKILL)
                        break
                    time.sleep(poll)
            process.wait(timeout=240)
        output = parse_output(out_path.read_text())
        output.returncode = process.returncode
        self.destination_config.absorb(output)
        return output


def _quote(parts: list[str]) -> str:
    import shlex

    return " ".join(shlex.quote(p) for p in parts)


def configured_catalog(discovered: dict[str, Any], full_refresh: set[str], incremental: set[str]) -> dict[str, Any]:
    streams = []
    for stream in discovered["streams"]:
        name = stream["name"]
        if name not in full_refresh | incremental:
            continue
        mode = "incremental" if name in incremental else "full_refresh"
        streams.append(
            {
                "stream": stream,
                "sync_mode": mode,
                "destination_sync_mode": "append_dedup" if mode == "incremental" else "append",
                "cursor_field": stream.get("default_cursor_field") or [],
                "primary_key": stream.get("source_defined_primary_key") or [],
            }
        )
    return {"streams": streams}
