"""The Exact → eAccounting orders flow as the platform runs it: real connector processes, config files that absorb
every rotated token the connectors hand back, and a recorded source output that a destination can be fed again."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import (
    ConfigFile,
    Output,
    company_rules,
    configured_catalog,
    console_script,
    emulator_config,
    goods_coding_and_unit,
    run_connector,
)

DOCUMENT_STREAMS = {"accounts", "contacts", "addresses"}


def eaccounting_rules(eaccounting: EmulatorProcess, **overrides: Any) -> dict[str, Any]:
    """The seeded company's rules, articles created with its own goods coding and unit; ``overrides`` replace whole
    sections."""
    rules = company_rules(*goods_coding_and_unit(eaccounting.dump()))
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
