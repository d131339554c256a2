"""One measured figure, handed to the table runner (run_all.py) when it runs a benchmark; printing is unchanged.

A benchmark calls ``report(...)`` beside its own print; with ``LEDGERBRIDGE_BENCH_FIGURES`` set (run_all sets it) the
figure is appended there as one JSON line."""

from __future__ import annotations

import json
import os
from typing import Any

FIGURES_FILE = "LEDGERBRIDGE_BENCH_FIGURES"


def report(
    figure: str, ours: Any, target: str, passed: bool, peer: Any = None, peer_name: str = "", ratio: float | None = None
) -> None:
    path = os.environ.get(FIGURES_FILE)
    if not path:
        return
    entry = {"figure": figure, "ours": ours, "peer": peer, "peer_name": peer_name, "ratio": ratio, "target": target,
             "passed": bool(passed)}  # fmt: skip
    with open(path, "a") as sink:
        sink.write(json.dumps(entry) + "\n")
