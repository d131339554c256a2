"""The Exact → eAccounting orders flow as the platform runs it: real connector processes, config files that absorb
every rotated token the connectors hand back, and a recorded source output that a destination can be fed again."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from emulator_kit.process import EmulatorProcess

BIN = Path(sys.executable).parent
DOCUMENT_STREAMS = {"accounts", "contacts", "addresses"}
CONNECTOR_TIMEOUT = 900


def console_script(name: str) -> str:
    found = shutil.which(name, path=str(BIN) + os.pathsep + os.environ.get("PATH", ""))
    if found is None:
        raise RuntimeError(f"{name} is not installed (run `make venv` in the repository root)")
    return found


@dataclass
class Output:
    """What one connector run printed: its Airbyte messages, its stderr, and how it ended."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    returncode: int | None = None

    @classmethod
    def parse(cls, stdout: str, stderr: str = "", returncode: int | None = None) -> Output:
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

    @property
    def activity(self) -> list[dict[str, Any]]:
        found = []
        for message in self.of_type("LOG"):
            text = message["log"]["message"]
            if text.startswith('{"event":"activity"') or text.startswith('{"event": "activity"'):
                found.append(json.loads(text))
        return found

    def failed(self) -> list[dict[str, Any]]:
        return [a for a in self.activity if a["action"] == "failed"]

    def states(self) -> list[dict[str, Any]]:
        return [m["state"] for m in self.of_type("STATE")]

    def last_config(self) -> dict[str, Any] | None:
        controls = [m for m in self.of_type("CONTROL") if m["control"]["type"] == "CONNECTOR_CONFIG"]
        return controls[-1]["control"]["connectorConfig"]["config"] if controls else None


class ConfigFile:
    """A connector config as the platform keeps it: the last CONNECTOR_CONFIG a run printed replaces it."""

    def __init__(self, path: Path, config: dict[str, Any]) -> None:
        self.path = path
        self.write(config)

    def read(self) -> dict[str, Any]:
        return json.loads(self.path.read_text())

    def write(self, config: dict[str, Any]) -> None:
        self.path.write_text(json.dumps(config, ensure_ascii=False))

    def absorb(self, output: Output) -> bool:
        rotated = output.last_config()
        if rotated is not None:
            self.write(rotated)
        return rotated is not None


def run_connector(
    command: list[str],
    workdir: Path,
    stdin_path: Path | None = None,
    env: dict[str, str] | None = None,
    kill_when: Callable[[], bool] | None = None,
    poll_seconds: float = 0.01,
) -> Output:
    """One connector process; ``kill_when()`` returning True sends it SIGKILL (a crash, no cleanup)."""
    stamp = time.monotonic_ns()
    out_path, err_path = workdir / f"out-{stamp}.jsonl", workdir / f"err-{stamp}.txt"
    with (
        stdin_path.open("rb") if stdin_path else open(os.devnull, "rb") as stdin,
        out_path.open("w") as stdout,
        err_path.open("w") as stderr,
    ):
        process = subprocess.Popen(
            command, stdin=stdin, stdout=stdout, stderr=stderr, env={**os.environ, **(env or {})}
        )
        if kill_when is not None:
            while process.poll() is None:
                if kill_when():
                    process.send_signal(signal.SIGKILL)
                    break
                time.sleep(poll_seconds)
        process.wait(timeout=CONNECTOR_TIMEOUT)
    return Output.parse(out_path.read_text(), err_path.read_text(), process.returncode)


def emulator_config(emulator: EmulatorProcess) -> dict[str, Any]:
    line = emulator.start_line
    if "base_url" in line:
        return {"base_url": line["base_url"], "divisions": [line["division"]], "credentials": line["credentials"]}
    return {"api_url": line["api_url"], "identity_url": line["identity_url"], "credentials": line["credentials"]}


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


def eaccounting_rules(eaccounting: EmulatorProcess, **overrides: Any) -> dict[str, Any]:
    """Mapping rules for the seeded Swedish company; the goods coding and unit are looked up, not hard-coded."""
    dump = eaccounting.dump()
    coding = next(c["Id"] for c in dump["articleaccountcodings"] if c.get("VatRatePercent") in (0.25, 25))
    unit = dump["units"][0]["Id"]
    rules: dict[str, Any] = {
        "vat": {
            "mode": "by_country",
            "home_country": "SE",
            "per_country": [{"country": c, "eaccounting_code": "10"} for c in ("SE", "NL", "BE", "DE")],
            "eu_reverse_charge_code": "39",
            "export_code": "36",
        },
        "articles": {"create_missing": True, "new_article_coding_id": coding, "new_article_unit_id": unit},
        "payment_terms": {"default_terms": "30 dagar netto"},
        "customers": {"use_exact_code_as_customer_number": False},
    }
    rules.update(overrides)
    return rules


class ExactSource:
    """``source-exact-online`` on the sales orders and their parties, with its config file kept across runs."""

    def __init__(self, workdir: Path, exact: EmulatorProcess) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.exact = exact
        self.config = ConfigFile(workdir / "source_config.json", emulator_config(exact))
        self.catalog_path = workdir / "catalog.json"
        self.outputs: list[Output] = []

    def run(self, verb: str, **kwargs: Any) -> Output:
        if verb == "read" and not self.catalog_path.exists():
            self.discover()
        command = [console_script("source-exact-online"), verb, "--config", str(self.config.path)]
        if verb == "read":
            command += ["--catalog", str(self.catalog_path)]
        output = run_connector(command, self.workdir, **kwargs)
        self.config.absorb(output)
        self.outputs.append(output)
        return output

    def discover(self) -> None:
        output = self.run("discover")
        catalogs = output.of_type("CATALOG")
        if output.returncode != 0 or not catalogs:
            raise RuntimeError(f"source-exact-online discover failed: {output.stderr[-2000:]}")
        catalog = configured_catalog(catalogs[0]["catalog"], DOCUMENT_STREAMS, {"sales_orders"})
        self.catalog_path.write_text(json.dumps(catalog))

    def record(self) -> Path:
        """Runs the source once and keeps its output, which destination runs can then be fed again and again."""
        output = self.run("read")
        if output.returncode != 0:
            raise RuntimeError(f"source-exact-online read failed: {output.stderr[-2000:]}")
        path = self.workdir / f"recorded-{time.monotonic_ns()}.jsonl"
        path.write_text(output.stdout)
        return path


class EAccountingDestination:
    """``destination-eaccounting write`` with its config file kept across runs (rotated tokens carry over)."""

    def __init__(
        self,
        workdir: Path,
        eaccounting: EmulatorProcess,
        catalog_path: Path,
        mapping: dict[str, Any] | None = None,
    ) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.eaccounting = eaccounting
        config = {**emulator_config(eaccounting), "dry_run": False}
        config["mapping"] = mapping if mapping is not None else eaccounting_rules(eaccounting)
        self.config = ConfigFile(workdir / "destination_config.json", config)
        self.catalog_path = catalog_path
        self.outputs: list[Output] = []

    def write(
        self, input_path: Path, kill_when: Callable[[], bool] | None = None, env: dict[str, str] | None = None
    ) -> Output:
        command = [console_script("destination-eaccounting"), "write", "--config", str(self.config.path),
                   "--catalog", str(self.catalog_path)]  # fmt: skip
        output = run_connector(command, self.workdir, stdin_path=input_path, env=env, kill_when=kill_when)
        self.config.absorb(output)
        self.outputs.append(output)
        return output


def records(path: Path, stream: str) -> list[dict[str, Any]]:
    return [
        m["record"]["data"] for m in Output.parse(path.read_text()).of_type("RECORD") if m["record"]["stream"] == stream
    ]


def append_messages(path: Path, messages: Iterable[dict[str, Any]], into: Path) -> Path:
    into.write_text(path.read_text() + "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in messages))
    return into


def time_travel(emulator: EmulatorProcess, config: ConfigFile, seconds: float) -> float:
    """Lets ``seconds`` pass between two runs on both sides: the emulator's clock moves forward and the connector's only
    memory of time between runs, the stored access token's expiry, moves back by as much. A connector process reads
    the real clock, so moving only the emulator's clock would make a fresh token look expired to one side alone."""
    now = emulator.advance_clock(seconds)
    current = config.read()
    expiry = current.get("credentials", {}).get("token_expiry_date")
    if expiry:
        moved = datetime.fromisoformat(expiry.replace("Z", "+00:00")) - timedelta(seconds=seconds)
        current["credentials"]["token_expiry_date"] = moved.isoformat()
        config.write(current)
    return now
