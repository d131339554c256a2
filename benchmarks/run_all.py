"""`make bench`: runs every benchmark in this folder, prints ONE table of their figures (ours, baseline or peer, ratio,
target, pass/fail) and writes it with the date and the machine's facts to benchmarks/RESULTS.md.

Each benchmark keeps printing its own detail (kept in a log per benchmark, path shown); the figures reach this table
through figures.report(). A benchmark that fails to run shows as a FAIL row with its exit code, never as a gap.

Usage: .venv/bin/python benchmarks/run_all.py [--only NAME ...]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from figures import FIGURES_FILE

HERE = Path(__file__).resolve().parent
# (script, arguments, the issue whose targets it measures, what it stands for there)
BENCHMARKS = [
    ("emulators.py", [], 2, "the emulators are never the bottleneck"),
    ("source_exact_online.py", [], 3, "Exact source vs bare requests loop; memory 20k → 200k rows"),
    ("source_eaccounting.py", [], 4, "eAccounting source vs bare requests loop; memory 20k → 200k rows"),
    ("peer_exact_reader.py", ["--scale", "334"], 9, "Exact source vs the PyPI reader `exactonline` (20k accounts)"),
    ("rate_limit.py", ["--calls", "2000"], 9, "2,000 Exact calls under 60/min on the fast clock"),
    ("orders_flow.py", [], 5, "orders → eAccounting vs per-order lookup; mapping speed; dry-run memory"),
    ("exact_writes.py", [], 6, "eAccounting → Exact vs per-record lookup-then-write"),
    ("scale.py", [], 9, "memory: 1M accounts read; 100k orders source → destination, written for real"),
    ("money_properties.py", [], 14, "10,000 random documents per money property, both directions"),
    ("serve_latency.py", [], 19, "serve: 50 Exact orders by webhook into eAccounting, latency and calls"),
    ("serve_soak.py", ["--minutes", "5"], 19, "serve: webhooks + schedules + 10 % faults; lost, twice, RSS, fds"),
    ("reconcile.py", [], 14, "reconcile: calls per 1,000 documents per system; memory 10k → 100k orders"),
    ("concurrent_writes.py", [], 20, "2,000 orders → eAccounting at 150/500 ms round trips: concurrent vs sequential"),
]


def machine() -> list[str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory_kb = 0
    return [
        f"date: {datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"machine: {platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), "
        f"{memory_kb / 1024 / 1024:.1f} GiB RAM; load average before the run {os.getloadavg()[0]:.2f}",
        f"python: {platform.python_version()}",
    ]


def fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(rows: list[dict]) -> list[str]:
    header = ["figure", "ours", "baseline / peer", "ratio", "target", "result", "issue"]
    body = []
    for row in rows:
        peer = fmt(row.get("peer"))
        if row.get("peer_name"):
            peer = f"{peer} ({row['peer_name']})" if row.get("peer") is not None else row["peer_name"]
        ratio = f"{row['ratio']:.2f}" if isinstance(row.get("ratio"), (int, float)) else "-"
        result = "pass" if row["passed"] else "FAIL"
        body.append([row["figure"], fmt(row["ours"]), peer, ratio, row["target"], result, f"#{row['issue']}"])
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], help="a script name (repeatable)")
    args = parser.parse_args()
    facts = machine()
    logs = Path(tempfile.mkdtemp(prefix="ledgerbridge-bench-"))
    rows: list[dict] = []
    timings = []
    for script, arguments, issue, purpose in BENCHMARKS:
        if args.only and script not in args.only:
            continue
        figures_path = logs / f"{script}.figures.jsonl"
        log_path = logs / f"{script}.log"
        print(f"=== {script} {' '.join(arguments)} — {purpose} (log: {log_path})", flush=True)
        started = time.perf_counter()
        with log_path.open("w") as log:
            code = subprocess.call(
                [sys.executable, str(HERE / script), *arguments],
                stdout=log, stderr=subprocess.STDOUT, cwd=HERE.parent,
                env={**os.environ, FIGURES_FILE: str(figures_path)},
            )  # fmt: skip
        seconds = time.perf_counter() - started
        timings.append(f"`.venv/bin/python benchmarks/{' '.join([script, *arguments])}`: {seconds:.0f} s, exit {code}")
        found = [json.loads(line) for line in figures_path.read_text().splitlines()] if figures_path.exists() else []
        rows += [{**row, "issue": issue} for row in found]
        if code != 0 and all(row["passed"] for row in found):
            rows.append({"figure": f"{script} ran to the end", "ours": f"exit {code}", "target": "exit 0",
                         "passed": False, "peer": None, "peer_name": f"see {log_path}", "ratio": None,
                         "issue": issue})  # fmt: skip
        print(f"    {len(found)} figures, {seconds:.0f} s, exit code {code}", flush=True)
    lines = table(rows)
    print("\n".join(lines))
    failed = [row for row in rows if not row["passed"]]
    print(f"{len(rows) - len(failed)} of {len(rows)} figures meet their target")
    if args.only:
        return 1 if failed else 0  # a partial run does not replace the recorded table
    results = HERE / "RESULTS.md"
    results.write_text(
        "# Benchmark results\n\nWritten by `make bench` (benchmarks/run_all.py); "
        "every figure comes from the same run.\n\n"
        + "\n".join(f"- {fact}" for fact in facts)
        + "\n\n"
        + "\n".join(lines)
        + f"\n\n{len(rows) - len(failed)} of {len(rows)} figures meet their target.\n\n## Runs\n\n"
        + "\n".join(f"- {t}" for t in timings)
        + "\n"
    )
    print(f"written to {results}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
