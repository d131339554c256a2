"""Benchmark: source-eaccounting reading customers from eaccounting-emulator.

Prints, from one run:
  * API calls per 1,000 rows at the connector's page size (target: about 1; the API's default page size costs 20);
  * records/s of `source-eaccounting read` relative to a bare `requests` paging loop over the same endpoint
    (target: >= 0.5x);
  * peak RSS of the connector process at ~200k rows relative to ~20k rows (target: <= 1.2x, i.e. memory is flat).

Usage: .venv/bin/python benchmarks/source_eaccounting.py [--small-scale 500] [--large-scale 5000]
(the emulator seeds 40 customers per unit of --scale).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from figures import report

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import console_script, emulator_config, live_credentials

CATALOG = {
    "streams": [
        {
            "stream": {"name": "customers", "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
            "sync_mode": "full_refresh",
            "destination_sync_mode": "overwrite",
        }
    ]
}


def customer_calls(emulator: EmulatorProcess) -> int:
    return sum(
        1
        for entry in emulator.requests_log()
        if entry["method"] == "GET" and entry["path"].lower().endswith("/customers")
    )


def bare_loop(config: dict[str, Any], page_size: int) -> tuple[int, float]:
    """The baseline: what a hand-written script would do, with no Airbyte protocol around it."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {config['credentials']['access_token']}"
    rows, page, started = 0, 1, time.perf_counter()
    while True:
        body = session.get(
            f"{config['api_url']}/customers", params={"$page": page, "$pagesize": page_size}, timeout=120
        ).json()
        rows += len(body["Data"])
        if body["Meta"]["CurrentPage"] >= body["Meta"]["TotalNumberOfPages"]:
            return rows, time.perf_counter() - started
        page += 1


def connector_read(config: dict[str, Any], workdir: Path) -> tuple[int, float, int]:
    """Run the console script; return (records, seconds, peak RSS in KiB of that process)."""
    config_path, catalog_path = workdir / "config.json", workdir / "catalog.json"
    config_path.write_text(json.dumps(config))
    catalog_path.write_text(json.dumps(CATALOG))
    started = time.perf_counter()
    process = subprocess.Popen(
        [console_script("source-eaccounting"), "read", "--config", str(config_path), "--catalog", str(catalog_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    records = sum(1 for line in process.stdout if line.startswith(b'{"type":"RECORD"'))
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"source-eaccounting read failed with exit code {process.returncode}")
    return records, elapsed, usage.ru_maxrss


def measure(scale: int, workdir: Path) -> dict[str, float]:
    with EmulatorProcess("eaccounting-emulator", "--scale", str(scale)) as emulator:
        # A live access token: the measured read spends no time refreshing.
        config = {**emulator_config(emulator), "credentials": live_credentials(emulator)}
        baseline_rows, baseline_seconds = bare_loop(config, page_size=1000)
        calls_before = customer_calls(emulator)
        records, seconds, peak_rss_kib = connector_read(config, workdir)
        connector_calls = customer_calls(emulator) - calls_before
    if records != baseline_rows:
        raise SystemExit(f"connector read {records} customers, the bare loop {baseline_rows}")
    return {
        "rows": records,
        "calls_per_1000_rows": connector_calls / records * 1000,
        "connector_rps": records / seconds,
        "baseline_rps": baseline_rows / baseline_seconds,
        "peak_rss_mib": peak_rss_kib / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small-scale", type=int, default=500, help="emulator --scale for ~20k customers")
    parser.add_argument("--large-scale", type=int, default=5000, help="emulator --scale for ~200k customers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(args.small_scale, Path(tmp))
        large = measure(args.large_scale, Path(tmp))

    speed_ratio = large["connector_rps"] / large["baseline_rps"]
    rss_ratio = large["peak_rss_mib"] / small["peak_rss_mib"]
    checks = [
        (
            "calls per 1,000 rows (page size 1000)",
            f"{large['calls_per_1000_rows']:.2f}",
            large["calls_per_1000_rows"] <= 1.1,
        ),
        ("records/s vs bare requests loop", f"{speed_ratio:.2f}x", speed_ratio >= 0.5),
        ("peak RSS large/small", f"{rss_ratio:.2f}x", rss_ratio <= 1.2),
    ]
    for label, run in (("small", small), ("large", large)):
        print(
            f"{label}: {run['rows']:.0f} customers, connector {run['connector_rps']:.0f} rec/s, "
            f"bare loop {run['baseline_rps']:.0f} rec/s, peak RSS {run['peak_rss_mib']:.1f} MiB, "
            f"{run['calls_per_1000_rows']:.2f} calls/1k rows"
        )
    for label, value, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}: {value}")
    report("source-eaccounting: API calls per 1,000 rows", round(large["calls_per_1000_rows"], 2), "<= 1.1",
           checks[0][2])  # fmt: skip
    report("source-eaccounting: records/s vs bare requests loop", round(large["connector_rps"]), ">= 0.5x",
           checks[1][2], peer=round(large["baseline_rps"]), peer_name="bare requests loop",
           ratio=speed_ratio)  # fmt: skip
    report(f"source-eaccounting: peak RSS MiB at {large['rows']:,.0f} rows vs {small['rows']:,.0f}",
           round(large["peak_rss_mib"]), "<= 1.2x", checks[2][2], peer=round(small["peak_rss_mib"]),
           peer_name="same connector, 10x fewer rows", ratio=rss_ratio)  # fmt: skip
    return 0 if all(ok for _, _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
