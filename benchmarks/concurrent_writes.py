"""Concurrent writes benchmark (issue 20): Exact orders → destination-eaccounting at eAccounting's pace, with latency.

2,000 sales orders of the Exact emulator (500 accounts, 60 items) are read once through source-exact-online; the same
input is then written twice per round trip (150 ms and 500 ms on every eAccounting request: the emulator's
``--latency-seconds``), each time into a fresh, empty company with eAccounting's own quota on (600 calls per minute
per client and endpoint):

- sequential baseline: ``max_concurrent_writes: 1``, one write at a time (the loop before issue 20);
- concurrent: the destination's default (``max_concurrent_writes`` unset).

Per run it prints the calls per minute on ``/orders`` (POSTs counted by polling the emulator's request log, from the
first seen to the last), the 429 answers, the calls per object written (every eAccounting call, token calls included,
divided by the orders, customers and articles created; target <= 1.05) and the destination's peak RSS; then the
concurrent figures as ratios to the baseline of the same run. Targets: /orders >= 90 % of the budget, 0 x 429, calls
per object <= 1.05, peak RSS <= 1.2x the sequential run's; every order lands exactly once (the emulator's dump), but
those the mapping refuses for their data, which fail alike in both runs.

Run: ``.venv/bin/python benchmarks/concurrent_writes.py`` (2,000 orders: about 40 minutes, most of it the sequential
baseline at 500 ms). ``--orders N`` and ``--latency S`` for a shorter run; ``--budget N`` sets ``calls_per_minute``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from figures import report
from scale import ORDER_PARTIES, catalog, exact_emulator, wait

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import company_rules, emulator_config, goods_coding_and_unit

BIN = Path(sys.executable).parent
LATENCIES = (0.15, 0.5)
RATE_TARGET = 0.9
CALL_TARGET = 1.05
RSS_TARGET = 1.2
QUOTA = 600
CREATES = ("orders", "customers", "articles")


@dataclass
class Run:
    label: str
    seconds: float
    rss_kib: int
    orders_per_minute: float
    throttled: int
    calls: int
    objects: int
    orders_landed: int
    duplicates: int
    failed: int

    @property
    def calls_per_object(self) -> float:
        return self.calls / max(self.objects, 1)


def read_exact_orders(orders: int, work: Path) -> tuple[Path, Path]:
    """The Exact source's output for ``orders`` sales orders, read once and replayed into every run, and its catalog."""
    with exact_emulator(accounts=500, items=60, orders=orders) as exact:
        source_path = work / "source.json"
        source_path.write_text(json.dumps(emulator_config(exact)))
        catalog_path = catalog(work, source_path, set(ORDER_PARTIES), {"sales_orders"})
        input_path = work / "input.jsonl"
        with input_path.open("wb") as sink:
            subprocess.run(
                [str(BIN / "source-exact-online"), "read",
                 "--config", str(source_path), "--catalog", str(catalog_path)],
                stdout=sink, stderr=subprocess.DEVNULL, check=True,
            )  # fmt: skip
    return input_path, catalog_path


class OrderPosts:
    """Polls the emulator's request log for the number of POST /orders seen so far, to get the pace on /orders."""

    def __init__(self, emulator: EmulatorProcess) -> None:
        self._emulator = emulator
        self._samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> OrderPosts:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        while not self._stop.wait(0.5):
            log = self._emulator.requests_log()
            posts = sum(1 for r in log if r["method"] == "POST" and r["path"].lower().endswith("/orders"))
            self._samples.append((time.monotonic(), posts))

    def per_minute(self) -> float:
        moving = [(t, n) for t, n in self._samples if n > 0]
        if len(moving) < 2:
            return 0.0
        first_t, first_n = moving[0]
        last_n = moving[-1][1]
        last_t = next(t for t, n in moving if n == last_n)
        return (last_n - first_n) / (last_t - first_t) * 60 if last_t > first_t else 0.0


def destination_config(eaccounting: EmulatorProcess) -> dict[str, Any]:
    mapping = company_rules(*goods_coding_and_unit(eaccounting.dump()))
    mapping["customers"]["long_text"] = "truncate"  # as scale.py: a generated account name may exceed 50 characters
    return {**emulator_config(eaccounting), "mapping": mapping}


def run(label: str, input_path: Path, catalog_path: Path, work: Path, latency: float, extra: dict[str, Any]) -> Run:
    """One ``destination-eaccounting write`` of the replayed input into a fresh, empty company behind ``latency``."""
    options = ("--empty", "--per-minute-limit", str(QUOTA), "--latency-seconds", str(latency))
    with EmulatorProcess("eaccounting-emulator", *options) as eaccounting:
        config_path, out_path = work / f"{label}.config.json", work / f"{label}.jsonl"
        config_path.write_text(json.dumps({**destination_config(eaccounting), **extra}))
        eaccounting.clear_requests_log()
        started = time.perf_counter()
        with OrderPosts(eaccounting) as posts, input_path.open("rb") as stdin, out_path.open("w") as stdout:
            process = subprocess.Popen(
                [str(BIN / "destination-eaccounting"), "write",
                 "--config", str(config_path), "--catalog", str(catalog_path)],
                stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            code, rss_kib = wait(process)
        seconds = time.perf_counter() - started
        log = eaccounting.requests_log()
        references = [o.get("OurReference") for o in eaccounting.dump()["orders"]]
    activity = []
    for line in out_path.read_text().splitlines():
        message = json.loads(line)
        text = message.get("log", {}).get("message", "") if message.get("type") == "LOG" else ""
        if text.startswith('{"event":"activity"'):
            activity.append(json.loads(text))
    failed = sum(1 for a in activity if a["action"] == "failed")
    if code not in ((0, 1) if failed else (0,)):
        raise SystemExit(f"{label}: destination-eaccounting exited with {code}; see {out_path}")
    created = [w for a in activity for w in a.get("writes") or [a] if w["action"] == "created"]
    return Run(
        label=label,
        seconds=seconds,
        rss_kib=rss_kib,
        orders_per_minute=posts.per_minute(),
        throttled=sum(1 for r in log if r["status"] == 429),
        calls=len(log),
        objects=sum(1 for w in created if w["target"] in CREATES),
        orders_landed=len(set(references)),
        duplicates=len(references) - len(set(references)),
        failed=failed,
    )


def describe(run: Run, budget: int) -> str:
    return (
        f"  {run.label:<16} {run.seconds:7.1f} s, /orders {run.orders_per_minute:4.0f}/min "
        f"({run.orders_per_minute / budget:.0%} of {budget}), {run.throttled} x 429, {run.calls} calls / "
        f"{run.objects} objects = {run.calls_per_object:.3f}, peak RSS {run.rss_kib / 1024:.0f} MiB, "
        f"{run.orders_landed} orders landed, {run.duplicates} duplicates, {run.failed} failed"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2_000)
    parser.add_argument("--budget", type=int, default=QUOTA, help="the destination's calls_per_minute")
    parser.add_argument("--latency", type=float, action="append", help="seconds per request (repeatable)")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        work = Path(os.environ.get("LEDGERBRIDGE_BENCH_KEEP") or tmp)
        input_path, catalog_path = read_exact_orders(args.orders, work)
        print(f"{args.orders:,} Exact orders → eAccounting, quota {QUOTA}/min per endpoint, budget {args.budget}/min")
        for latency in args.latency or LATENCIES:
            ms = f"{latency * 1000:.0f}ms"
            pace = {"calls_per_minute": args.budget}
            sequential = {**pace, "max_concurrent_writes": 1}
            baseline = run(f"sequential-{ms}", input_path, catalog_path, work, latency, sequential)
            ours = run(f"concurrent-{ms}", input_path, catalog_path, work, latency, pace)
            print(f"round trip {ms}:")
            print(describe(baseline, args.budget))
            print(describe(ours, args.budget))
            # Orders the mapping refuses (their data, not the pace) fail alike in both runs; everything else lands once.
            landed = (
                ours.orders_landed == baseline.orders_landed == args.orders - ours.failed
                and ours.failed == baseline.failed
                and not ours.duplicates + baseline.duplicates
            )
            rate_ok = ours.orders_per_minute >= RATE_TARGET * args.budget
            rss_ratio = ours.rss_kib / baseline.rss_kib
            speedup = ours.orders_per_minute / max(baseline.orders_per_minute, 1e-9)
            per_object = ours.calls_per_object / baseline.calls_per_object
            print(
                f"  concurrent / sequential: /orders pace {speedup:.2f}x, time {ours.seconds / baseline.seconds:.2f}x, "
                f"calls per object {per_object:.2f}x, peak RSS {rss_ratio:.2f}x"
            )
            report(f"{ms} round trip: /orders calls per minute, concurrent", round(ours.orders_per_minute),
                   f">= {RATE_TARGET * args.budget:.0f} ({RATE_TARGET:.0%} of {args.budget}), all landed once",
                   rate_ok and landed, peer=round(baseline.orders_per_minute), peer_name="sequential, same run",
                   ratio=speedup)  # fmt: skip
            report(f"{ms} round trip: 429 answers, concurrent", ours.throttled, "0", ours.throttled == 0,
                   peer=baseline.throttled, peer_name="sequential, same run")  # fmt: skip
            report(f"{ms} round trip: calls per object written, concurrent", round(ours.calls_per_object, 3),
                   f"<= {CALL_TARGET}", ours.calls_per_object <= CALL_TARGET,
                   peer=round(baseline.calls_per_object, 3), peer_name="sequential, same run",
                   ratio=per_object)  # fmt: skip
            report(f"{ms} round trip: peak RSS MiB, concurrent", round(ours.rss_kib / 1024),
                   f"<= {RSS_TARGET}x sequential", rss_ratio <= RSS_TARGET, peer=round(baseline.rss_kib / 1024),
                   peer_name="sequential, same run", ratio=rss_ratio)  # fmt: skip
            ok &= landed and rate_ok and ours.throttled == 0 and ours.calls_per_object <= CALL_TARGET
            ok &= rss_ratio <= RSS_TARGET
    print("within targets" if ok else "OUTSIDE TARGETS")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
