"""``source-exact-online read | destination-eaccounting write`` as real processes on loopback, through their console
scripts, against both emulators.

Configs live in files the way the platform keeps them: after each run the last CONNECTOR_CONFIG a connector printed
replaces its file, so rotated refresh tokens carry over to the next run exactly as they would in Airbyte.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledgerbridge_testkit import ConfigFile, Output, console_script, run_connector


@dataclass
class Flow:
    """``source-exact-online read | destination-eaccounting write`` with config files kept across runs."""

    workdir: Path
    source_config: ConfigFile
    destination_config: ConfigFile
    catalog_path: Path

    def read_source(self) -> Path:
        """The source's output, recorded for ``write_from``."""
        read = run_connector(self._source_command(), self.workdir)
        assert read.returncode == 0, read.describe()
        self.source_config.absorb(read)
        out = self.workdir / f"source-{time.monotonic_ns()}.jsonl"
        out.write_text(read.stdout)
        return out

    def _source_command(self) -> list[str]:
        return [console_script("source-exact-online"), "read", "--config", str(self.source_config.path),
                "--catalog", str(self.catalog_path)]  # fmt: skip

    def _destination_command(self) -> list[str]:
        return [console_script("destination-eaccounting"), "write", "--config", str(self.destination_config.path),
                "--catalog", str(self.catalog_path)]  # fmt: skip

    def run(self, extra_input: Iterable[dict[str, Any]] = ()) -> Output:
        """The piped flow; ``extra_input`` messages are appended to what the source sends (bad-record corpus)."""
        tee = self.workdir / "piped.jsonl"
        extra = self.workdir / "extra.jsonl"
        extra.write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in extra_input))
        source, destination = shlex.join(self._source_command()), shlex.join(self._destination_command())
        script = f"{{ {source}; cat {shlex.quote(str(extra))}; }} | tee {shlex.quote(str(tee))} | {destination}"
        completed = subprocess.run(
            ["bash", "-o", "pipefail", "-c", script], capture_output=True, text=True, timeout=240
        )
        self.source_config.absorb(Output.parse(tee.read_text()))
        output = Output.parse(completed.stdout)
        output.returncode = completed.returncode
        self.destination_config.absorb(output)
        return output

    def write_from(self, input_path: Path, kill_when: Callable[[], bool] | None = None, poll: float = 0.005) -> Output:
        """Run the destination on recorded source output; ``kill_when()`` → True sends SIGKILL mid-run."""
        output = run_connector(
            self._destination_command(), self.workdir, stdin_path=input_path, kill_when=kill_when, poll_seconds=poll
        )
        self.destination_config.absorb(output)
        return output
