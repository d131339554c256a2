"""Real processes on loopback: both emulators, the source and the destination through their console scripts.

Configs live in files the way the platform keeps them: after each run the last CONNECTOR_CONFIG a connector printed
replaces its file, so rotated refresh tokens carry over to the next run exactly as they would in Airbyte.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import ConfigFile, Output, configured_catalog, console_script, run_connector

__all__ = ["ConfigFile", "EmulatorProcess", "Flow", "Output", "configured_catalog", "console_script", "writes"]


def writes(log: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in log if r["method"] in ("POST", "PUT", "DELETE") and not r["path"].endswith("/connect/token")]


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
        self.source_config.absorb(Output.parse(out.read_text()))
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
        self.source_config.absorb(Output.parse(tee.read_text()))
        output = Output.parse(completed.stdout)
        output.returncode = completed.returncode
        self.destination_config.absorb(output)
        return output

    def write_from(self, input_path: Path, kill_when: Any = None, poll: float = 0.005) -> Output:
        """Run the destination on recorded source output; ``kill_when()`` → True sends SIGKILL mid-run."""
        command = [console_script("destination-eaccounting"), "write", "--config", str(self.destination_config.path),
                   "--catalog", str(self.catalog_path)]  # fmt: skip
        output = run_connector(command, self.workdir, stdin_path=input_path, kill_when=kill_when, poll_seconds=poll)
        self.destination_config.absorb(output)
        return output


def _quote(parts: list[str]) -> str:
    import shlex

    return " ".join(shlex.quote(p) for p in parts)
