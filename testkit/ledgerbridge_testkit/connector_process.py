"""A connector as a real process: found among the installed console scripts, run to its end or killed mid-run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .airbyte_output import Output

BIN = Path(sys.executable).parent
CONNECTOR_TIMEOUT = 900


def console_script(name: str) -> str:
    found = shutil.which(name, path=str(BIN) + os.pathsep + os.environ.get("PATH", ""))
    if found is None:
        raise RuntimeError(f"{name} is not installed (run `make venv` in the repository root)")
    return found


def run_connector(
    command: list[str],
    workdir: Path,
    stdin_path: Path | None = None,
    env: dict[str, str] | None = None,
    kill_when: Callable[[], bool] | None = None,
    poll_seconds: float = 0.01,
) -> Output:
    """Runs one connector process; ``kill_when()`` returning True sends it SIGKILL (a crash: no cleanup at all)."""
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
