"""The Docker engine the tier runs on: use the one that answers, else start dockerd the way our machines allow.

Our machines have no bridge networking (containers run with ``--network host``), so a dockerd started here gets
``--bridge=none --iptables=false``. An engine this module started is stopped again, by its own PID, when the tier ends.
Anything that keeps the engine from answering is an error with the daemon's own words: the tier never passes by
quietly running nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

START_TIMEOUT = 90


class DockerUnavailable(RuntimeError):
    pass


def docker_cli() -> str:
    cli = shutil.which("docker")
    if cli is None:
        raise DockerUnavailable("the docker CLI is not on PATH (Debian: apt-get install docker.io)")
    return cli


def engine_answers() -> bool:
    command = [docker_cli(), "info", "--format", "{{.ServerVersion}}"]
    completed = subprocess.run(command, capture_output=True, timeout=30)
    return completed.returncode == 0


class DockerEngine:
    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def started_here(self) -> bool:
        return self.process is not None

    def ensure_running(self) -> None:
        if engine_answers():
            return
        dockerd = shutil.which("dockerd") or (shutil.which("dockerd", path="/usr/sbin:/usr/bin"))
        if dockerd is None:
            raise DockerUnavailable("no Docker engine answers and dockerd is not installed (apt-get install docker.io)")
        if os.geteuid() != 0:
            raise DockerUnavailable("no Docker engine answers, and starting dockerd needs root")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [dockerd, "--bridge=none", "--iptables=false"], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DockerUnavailable(f"dockerd exited with {self.process.returncode}:\n{self._log_tail()}")
            if engine_answers():
                return
            time.sleep(0.5)
        self.stop()
        raise DockerUnavailable(f"dockerd did not answer within {START_TIMEOUT}s:\n{self._log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no dockerd log)"
