"""An emulator as a real child process: how tests, benchmarks and the demo start one, talk to its admin side, stop it.

It uses only the public start contract (one JSON line on stdout) and the admin endpoints, never emulator internals, so a
connector's tests that use it still treat the emulator as an independent server.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

ADMIN_TIMEOUT = 300  # a dump of a 100k-record emulator takes a few seconds


class EmulatorProcess:
    """Starts ``command`` (``exact-online-emulator`` or ``eaccounting-emulator``) and waits for its start line."""

    def __init__(self, command: str, *options: str, seed: int = 1, quiet: bool = True) -> None:
        executable = shutil.which(command) or str(Path(sys.executable).with_name(command))
        arguments = [executable, "--port", "0", "--seed", str(seed), *options]
        self.process = subprocess.Popen(
            arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL if quiet else None, text=True
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            self.stop()
            raise RuntimeError(f"{command} did not start: {' '.join(arguments)}")
        self.start_line: dict[str, Any] = json.loads(line)
        # The emulator's clock starts before it prints this line: a model of it measured from here stays behind it.
        self.ready_at = time.time()
        self.ready_monotonic = time.monotonic()
        # Exact serves everything under base_url; eAccounting serves the identity host (and the admin side) at its root.
        self.root_url: str = self.start_line.get("base_url") or self.start_line["identity_url"]

    @property
    def credentials(self) -> dict[str, str]:
        return dict(self.start_line["credentials"])

    def admin(self, name: str, body: dict[str, Any] | None = None) -> Any:
        url = f"{self.root_url}/_emulator/{name}"
        if body is None:
            response = requests.get(url, timeout=ADMIN_TIMEOUT)
        else:
            response = requests.post(url, json=body, timeout=ADMIN_TIMEOUT)
        response.raise_for_status()
        return response.json()

    def requests_log(self) -> list[dict[str, Any]]:
        log: list[dict[str, Any]] = self.admin("requests")
        return log

    def clear_requests_log(self) -> None:
        requests.delete(f"{self.root_url}/_emulator/requests", timeout=ADMIN_TIMEOUT).raise_for_status()

    def dump(self) -> dict[str, Any]:
        state: dict[str, Any] = self.admin("dump")
        return state

    def advance_clock(self, seconds: float) -> float:
        now: float = self.admin("clock", {"advance": seconds})["now"]
        return now

    def set_faults(self, rules: list[str]) -> None:
        self.admin("faults", {"faults": rules})

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
