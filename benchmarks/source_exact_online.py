"""Benchmark of source-exact-online against exact-online-emulator, printed as ratios measured in one run.

  API calls per 1,000 sync rows        target <= 1.01
  records/s vs a bare requests loop    target >= 0.5   (same endpoint, same $select, same paging)
  peak RSS 200k rows / peak RSS 20k    target <= 1.2   (connector process, measured on the child)

Usage: .venv/bin/python benchmarks/source_exact_online.py [--small-scale 334] [--large-scale 3334]
The emulator seeds 60 accounts per unit of --scale, so the defaults give about 20k and 200k rows of
sync/CRM/Accounts. Rate limits are switched off in the emulator so that throughput, not pacing, is measured.
"""

from __future__ import annotations

import argparse
import json
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

CONNECTOR = console_script("source-exact-online")
STREAM = "accounts"
RESOURCE = "sync/CRM/Accounts"

# Runs one command as a grandchild and reports its wall time and peak RSS, so each figure belongs to one process.
_MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
with open(sys.argv[1], "wb") as sink:
    code = subprocess.call(sys.argv[2:], stdout=sink, stderr=subprocess.DEVNULL)
elapsed = time.perf_counter() - started
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": code, "seconds": elapsed, "max_rss_kb": peak_kb}))
"""


def start_emulator(scale: int) -> EmulatorProcess:
    return EmulatorProcess(
        "exact-online-emulator", "--scale", str(scale), "--minutely-limit", "0", "--daily-limit", "0"
    )


def fresh_config(emulator: EmulatorProcess) -> dict[str, Any]:
    """The source's config with a live access token: the measured read spends no time refreshing."""
    return {**emulator_config(emulator), "credentials": live_credentials(emulator)}


def api_calls(emulator: EmulatorProcess) -> int:
    division = f"/api/v1/{emulator_config(emulator)['divisions'][0]}/"
    return sum(1 for entry in emulator.requests_log() if division in entry["path"])


def select_clause() -> str:
    schema_path = Path(__file__).resolve().parents[1] / "source-exact-online/source_exact_online/schemas/accounts.json"
    return ",".join(json.loads(schema_path.read_text())["properties"])


def bare_loop(config: dict[str, Any]) -> tuple[int, float]:
    """The baseline: a plain requests loop paging the same endpoint with the same query and decoding every page."""
    session = requests.Session()
    session.headers.update(
        {"Accept": "application/json", "Authorization": f"Bearer {config['credentials']['access_token']}"}
    )
    url: str | None = f"{config['base_url']}/api/v1/{config['divisions'][0]}/{RESOURCE}"
    params: dict[str, str] | None = {"$select": select_clause(), "$filter": "Timestamp gt 1L"}
    rows = 0
    started = time.perf_counter()
    while url:
        body = session.get(url, params=params, timeout=120).json()["d"]
        rows += len(body["results"])
        url, params = body.get("__next"), None
    return rows, time.perf_counter() - started


def connector_read(config: dict[str, Any], workdir: Path) -> dict[str, Any]:
    config_path = workdir / "config.json"
    catalog_path = workdir / "catalog.json"
    output_path = workdir / "output.jsonl"
    config_path.write_text(json.dumps(config))
    catalog_path.write_text(
        json.dumps(
            {
                "streams": [
                    {
                        "stream": {
                            "name": STREAM,
                            "json_schema": {},
                            "supported_sync_modes": ["full_refresh", "incremental"],
                        },
                        "sync_mode": "full_refresh",
                        "destination_sync_mode": "overwrite",
                    }
                ]
            }
        )
    )
    measured = subprocess.run(
        [
            sys.executable,
            "-c",
            _MEASURE,
            str(output_path),
            CONNECTOR,
            "read",
            "--config",
            str(config_path),
            "--catalog",
            str(catalog_path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(measured.stdout)
    with output_path.open("rb") as lines:
        result["records"] = sum(1 for line in lines if line.startswith(b'{"type":"RECORD"'))
    return result


def measure(scale: int, workdir: Path, with_baseline: bool) -> dict[str, Any]:
    with start_emulator(scale) as emulator:
        config = fresh_config(emulator)
        figures: dict[str, Any] = {}
        if with_baseline:
            figures["baseline_rows"], figures["baseline_seconds"] = bare_loop(config)
        calls_before = api_calls(emulator)
        figures.update(connector_read(config, workdir))
        figures["api_calls"] = api_calls(emulator) - calls_before
        return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small-scale", type=int, default=334)
    parser.add_argument("--large-scale", type=int, default=3334)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(args.small_scale, Path(tmp), with_baseline=False)
        large = measure(args.large_scale, Path(tmp), with_baseline=True)

    calls_per_1000 = large["api_calls"] / (large["records"] / 1000)
    connector_rate = large["records"] / large["seconds"]
    baseline_rate = large["baseline_rows"] / large["baseline_seconds"]
    rss_ratio = large["max_rss_kb"] / small["max_rss_kb"]
    print(f"rows: small {small['records']:,}  large {large['records']:,}  (stream {STREAM}, {RESOURCE})")
    print(f"API calls per 1,000 sync rows       {calls_per_1000:.4f}   target <= 1.01  ({large['api_calls']} calls)")
    print(
        f"records/s connector / bare loop     {connector_rate / baseline_rate:.3f}    target >= 0.5   "
        f"({connector_rate:,.0f}/s incl. process start vs {baseline_rate:,.0f}/s)"
    )
    print(
        f"peak RSS large / small              {rss_ratio:.3f}    target <= 1.2   "
        f"({large['max_rss_kb'] / 1024:.0f} MiB vs {small['max_rss_kb'] / 1024:.0f} MiB)"
    )
    report("source-exact-online: API calls per 1,000 sync rows", round(calls_per_1000, 4), "<= 1.01",
           calls_per_1000 <= 1.01)  # fmt: skip
    report("source-exact-online: records/s vs bare requests loop", round(connector_rate), ">= 0.5x",
           connector_rate / baseline_rate >= 0.5, peer=round(baseline_rate), peer_name="bare requests loop",
           ratio=connector_rate / baseline_rate)  # fmt: skip
    report(f"source-exact-online: peak RSS MiB at {large['records']:,} rows vs {small['records']:,}",
           round(large["max_rss_kb"] / 1024), "<= 1.2x", rss_ratio <= 1.2, peer=round(small["max_rss_kb"] / 1024),
           peer_name="same connector, 10x fewer rows", ratio=rss_ratio)  # fmt: skip
    ok = calls_per_1000 <= 1.01 and connector_rate / baseline_rate >= 0.5 and rss_ratio <= 1.2
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
