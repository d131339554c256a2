"""Scale benchmark (issue 9): memory stays flat as the volume grows 50 to 100 times, on the real connector processes.

1. Source alone: ``source-exact-online`` reads accounts (sync/CRM/Accounts) from an Exact emulator seeded with
   20,000 and then 1,000,000 of them. Peak RSS of the connector at 1M rows / at 20k; target <= 1.2.
2. Source → destination: ``source-exact-online read | destination-eaccounting write`` joined by a pipe, as Airbyte
   runs a connection, for 1,000 and then 100,000 sales orders (500 customers, 60 articles, real writes to the
   eAccounting emulator). Every order must land exactly once (counted in the emulator's dump). Peak RSS of each
   process at 100k / at 1k; target <= 1.2.

Both emulators run with their quotas off and the destination's pace is lifted (``calls_per_minute``): at the real
600 calls per minute, 100k orders take about three hours, and pacing is measured by rate_limit.py, not here.

Usage: .venv/bin/python benchmarks/scale.py [--rows 1000000] [--orders 100000]   (about 12 minutes on two cores)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from figures import report

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import Output, company_rules, configured_catalog, emulator_config, goods_coding_and_unit

BIN = Path(sys.executable).parent
RSS_TARGET = 1.2
QUOTAS_OFF = ("--minutely-limit", "0", "--daily-limit", "0", "--token-daily-limit", "0")
ORDER_PARTIES = ("accounts", "contacts", "addresses")


def exact_emulator(**volumes: int) -> EmulatorProcess:
    options = [option for kind, n in volumes.items() for option in ("--volume", f"{kind}={n}")]
    return EmulatorProcess("exact-online-emulator", *options, *QUOTAS_OFF)


def catalog(work: Path, config_path: Path, full_refresh: set[str], incremental: set[str]) -> Path:
    """The discovered streams, configured as the platform would for this connection."""
    discovered = subprocess.run(
        [str(BIN / "source-exact-online"), "discover", "--config", str(config_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    (message,) = Output.parse(discovered.stdout).of_type("CATALOG")
    path = work / "catalog.json"
    path.write_text(json.dumps(configured_catalog(message["catalog"], full_refresh, incremental)))
    return path


def wait(process: subprocess.Popen) -> tuple[int, int]:
    """Exit status and peak RSS (KiB) of one child, from its own rusage."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss


# ------------------------------------------------------------------------------------------------ source alone


def read_accounts(rows: int, work: Path) -> dict[str, Any]:
    started = time.perf_counter()
    with exact_emulator(accounts=rows, items=25, orders=40) as exact:
        emulator_start = time.perf_counter() - started
        config_path = work / f"source-{rows}.json"
        config_path.write_text(json.dumps(emulator_config(exact)))
        catalog_path = catalog(work, config_path, {"accounts"}, set())
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(BIN / "source-exact-online"), "read", "--config", str(config_path), "--catalog", str(catalog_path)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        records = sum(1 for line in process.stdout if line.startswith(b'{"type":"RECORD"'))  # type: ignore[union-attr]
        code, peak = wait(process)
        seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"source-exact-online read of {rows:,} accounts exited with {code}")
    return {"records": records, "seconds": seconds, "rss_kb": peak, "emulator_start": emulator_start}


# ------------------------------------------------------------------------------------------------ source → destination


def destination_config(eaccounting: EmulatorProcess) -> dict[str, Any]:
    mapping = company_rules(*goods_coding_and_unit(eaccounting.dump()))
    # At 100k orders the generated company has an account whose name exceeds eAccounting's 50 characters; with the
    # default rule its first order fails naming InvoiceTo.Name (as it should). Here the company opts to cut such
    # names, as a user backfilling a large ledger would, so that every order is expected to land.
    mapping["customers"]["long_text"] = "truncate"
    return {**emulator_config(eaccounting), "calls_per_minute": 1_000_000, "mapping": mapping}


def orders_flow(orders: int, work: Path) -> dict[str, Any]:
    with ExitStack() as stack:
        exact = stack.enter_context(exact_emulator(accounts=500, items=60, orders=orders))
        eaccounting = stack.enter_context(EmulatorProcess("eaccounting-emulator", "--empty", "--per-minute-limit", "0"))
        source_path, destination_path = work / f"flow-source-{orders}.json", work / f"flow-destination-{orders}.json"
        source_path.write_text(json.dumps(emulator_config(exact)))
        destination_path.write_text(json.dumps(destination_config(eaccounting)))
        catalog_path = catalog(work, source_path, set(ORDER_PARTIES), {"sales_orders"})
        eaccounting.clear_requests_log()
        output_path = work / f"flow-{orders}.jsonl"
        started = time.perf_counter()
        with output_path.open("wb") as output:
            source = subprocess.Popen(
                [str(BIN / "source-exact-online"), "read", "--config", str(source_path),
                 "--catalog", str(catalog_path)],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            destination = subprocess.Popen(
                [str(BIN / "destination-eaccounting"), "write", "--config", str(destination_path),
                 "--catalog", str(catalog_path)],
                stdin=source.stdout, stdout=output, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            source.stdout.close()  # type: ignore[union-attr]  # the destination holds the only read end now
            source_code, source_rss = wait(source)
            destination_code, destination_rss = wait(destination)
        seconds = time.perf_counter() - started
        calls = len(eaccounting.requests_log())
        landed = Counter(o.get("OurReference") for o in eaccounting.dump()["orders"])
    actions: Counter[str] = Counter()
    failures: list[str] = []
    with output_path.open() as lines:
        for line in lines:
            text = json.loads(line).get("log", {}).get("message", "")
            if text.startswith('{"event":"activity"'):
                entry = json.loads(text)
                if entry["stream"] == "sales_orders":
                    actions[entry["action"]] += 1
                    if entry["action"] == "failed":
                        failures.append(f"order {entry['source_number']}: {entry['field']}: {entry['reason']}")
    # A destination with failed records exits 1 after writing everything else; those are listed, not fatal here.
    if source_code != 0 or destination_code not in ((0, 1) if failures else (0,)):
        raise SystemExit(f"the flow of {orders:,} orders failed: source {source_code}, destination {destination_code}")
    return {"orders": sum(landed.values()), "distinct": len(landed), "actions": dict(actions), "seconds": seconds,
            "calls": calls, "source_rss_kb": source_rss, "destination_rss_kb": destination_rss,
            "failures": failures}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small-rows", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small-orders", type=int, default=1_000)
    parser.add_argument("--orders", type=int, default=100_000)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        small, large = read_accounts(args.small_rows, work), read_accounts(args.rows, work)
        ratio = large["rss_kb"] / small["rss_kb"]
        fine = ratio <= RSS_TARGET and large["records"] == args.rows and small["records"] == args.small_rows
        ok &= fine
        print(f"source alone: {large['records']:,} accounts in {large['seconds']:.0f} s "
              f"({large['records'] / large['seconds']:,.0f} records/s; "
              f"emulator seeded in {large['emulator_start']:.0f} s)"
              f", peak RSS {large['rss_kb'] / 1024:.0f} MiB vs {small['rss_kb'] / 1024:.0f} MiB at "
              f"{small['records']:,} = {ratio:.2f}x (target <= {RSS_TARGET})")  # fmt: skip
        report(f"source-exact-online peak RSS MiB at {large['records']:,} rows vs {small['records']:,}",
               round(large["rss_kb"] / 1024), f"<= {RSS_TARGET}x", fine, peer=round(small["rss_kb"] / 1024),
               peer_name=f"same, {small['records']:,} rows", ratio=ratio)  # fmt: skip

        small, large = orders_flow(args.small_orders, work), orders_flow(args.orders, work)
        for name, expected in ((small, args.small_orders), (large, args.orders)):
            print(f"orders flow, {expected:,} orders: {name['orders']:,} landed ({name['distinct']:,} distinct), "
                  f"activity {name['actions']}, {name['calls']:,} eAccounting calls, {name['seconds']:.0f} s "
                  f"({expected / name['seconds']:,.0f} orders/s); peak RSS source {name['source_rss_kb'] / 1024:.0f}"
                  f" MiB, destination {name['destination_rss_kb'] / 1024:.0f} MiB")  # fmt: skip
            for failure in name["failures"][:10]:
                print(f"  failed: {failure}")
        complete = all(
            run["orders"] == run["distinct"] == expected
            for run, expected in ((small, args.small_orders), (large, args.orders))
        )
        for side in ("source", "destination"):
            ratio = large[f"{side}_rss_kb"] / small[f"{side}_rss_kb"]
            fine = ratio <= RSS_TARGET and complete
            ok &= fine
            print(f"  {side} peak RSS {args.orders:,} / {args.small_orders:,} orders = {ratio:.2f}x "
                  f"(target <= {RSS_TARGET}); every order landed once: {complete}")  # fmt: skip
            report(f"orders flow {args.orders:,}: {side} peak RSS MiB vs {args.small_orders:,} (all landed once)",
                   round(large[f"{side}_rss_kb"] / 1024), f"<= {RSS_TARGET}x", fine,
                   peer=round(small[f"{side}_rss_kb"] / 1024), peer_name=f"same, {args.small_orders:,} orders",
                   ratio=ratio)  # fmt: skip
    print("within targets" if ok else "OUTSIDE TARGETS")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
