"""Reconcile benchmark (issue 14): ``ledgerbridge reconcile`` reads both systems in bulk and its memory stays flat.

For each count (default 10,000 and 100,000 orders):

1. The Exact emulator is seeded with ``--volume orders=N`` (500 customers, 60 items). The eAccounting emulator starts
   empty and gets the matching documents the honest way: the real ``source-exact-online read | destination-eaccounting
   write`` pipe writes them once (pace and quotas lifted, as in scale.py), so eAccounting holds exactly what a sync
   makes of those orders.
2. ``ledgerbridge reconcile FILE --output report.json`` runs as a user runs it, on a connection file for that
   connection. Both emulators' request logs (``/_emulator/requests``) are cleared before and counted after.

Figures, each against a baseline measured in the same run:
- calls per 1,000 documents per system for the documents themselves (target <= 1.01: one bulk page of 1,000 per
  call; the per-document alternative, one call per document, is the baseline), with the fixed calls (token grant,
  the eAccounting company settings, VAT-code and customer lists) printed beside them;
- peak RSS of the reconcile process tree (the largest of the runner and the source processes it starts, each read
  from /proc while it runs) at the large count against the small one (target <= 1.2).
The report's own counts are printed too (how many documents differ on this branch, and in which fields).

Usage: .venv/bin/python benchmarks/reconcile.py [--small 10000] [--large 100000]
Writing 100,000 orders into the eAccounting emulator takes most of the time (about 10 minutes on two cores).
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

import requests
import yaml
from figures import report
from scale import ORDER_PARTIES, QUOTAS_OFF, catalog, destination_config, wait

from emulator_kit.process import EmulatorProcess
from ledgerbridge.authorize import authorize
from ledgerbridge.config_files import write_config_atomically
from ledgerbridge_testkit import emulator_config

BIN = Path(sys.executable).parent
CALLS_TARGET = 1.01
RSS_TARGET = 1.2
TOKEN_PATHS = ("/token", "/oauth2/token")


def fill_eaccounting(source_path: Path, destination_path: Path, work: Path) -> None:
    """The documents a real sync writes: source read piped into destination write, once."""
    catalog_path = catalog(work, source_path, set(ORDER_PARTIES), {"sales_orders"})
    source = subprocess.Popen(
        [str(BIN / "source-exact-online"), "read", "--config", str(source_path), "--catalog", str(catalog_path)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    destination = subprocess.Popen(
        [str(BIN / "destination-eaccounting"), "write", "--config", str(destination_path),
         "--catalog", str(catalog_path)],
        stdin=source.stdout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    source.stdout.close()  # type: ignore[union-attr]
    if wait(source)[0] != 0 or wait(destination)[0] != 0:
        raise SystemExit("filling eAccounting through the real connectors failed")


def authorized(emulator: EmulatorProcess, path: Path, system: str, extra: dict[str, Any] | None = None) -> None:
    """A connector config with a token chain of its own, from ``ledgerbridge authorize`` (the emulators consent)."""
    config = {**emulator_config(emulator), **(extra or {})}
    config["credentials"] = {key: emulator.credentials[key] for key in ("client_id", "client_secret")}
    write_config_atomically(path, config)
    authorize(system, path, port=0, open_browser=lambda url: requests.get(url, timeout=60).raise_for_status(),
              announce=lambda text: None)  # fmt: skip


def peak_rss_of_tree(process: subprocess.Popen[bytes]) -> dict[str, int]:
    """Peak RSS (KiB, the kernel's VmHWM) of the runner and of every process it starts, by command, until it ends.

    Read from /proc while the tree runs: a child's rusage from wait4 would also count the pages it shared with this
    process at fork, and the sources are grandchildren."""
    peaks: dict[str, int] = {}
    while process.poll() is None:
        for pid in _tree(process.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                command = Path(f"/proc/{pid}/cmdline").read_text().split("\0")
            except OSError:
                continue  # it ended between listing and reading
            hwm = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")), 0)
            name = " ".join(Path(part).name for part in command[1:3])
            if not name:
                continue  # a process already gone (a zombie has no command line)
            peaks[name] = max(peaks.get(name, 0), hwm)
        time.sleep(0.05)
    return peaks


def _tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [pid, *(descendant for child in children for descendant in _tree(int(child)))]


def calls(emulator: EmulatorProcess) -> Counter[str]:
    counted: Counter[str] = Counter()
    for request in emulator.requests_log():
        path = request["path"]
        counted["token" if path.endswith(TOKEN_PATHS) else path.rsplit("/", 1)[-1]] += 1
    return counted


def run(orders: int, work: Path) -> dict[str, Any]:
    folder = work / f"{orders}"
    folder.mkdir()
    with ExitStack() as stack:
        volumes = ("--volume", "accounts=500", "--volume", "items=60", "--volume", f"orders={orders}")
        exact = stack.enter_context(EmulatorProcess("exact-online-emulator", *volumes, *QUOTAS_OFF))
        eaccounting = stack.enter_context(EmulatorProcess("eaccounting-emulator", "--empty", "--per-minute-limit", "0"))
        source_path, destination_path = folder / "exact-source.json", folder / "eaccounting-destination.json"
        source_path.write_text(json.dumps(emulator_config(exact)))
        # Read from the empty company, before the fill: a dump of 100k orders in this process would be copied into
        # every child it starts (and counted in their peak RSS at exec).
        settings = destination_config(eaccounting)
        destination_path.write_text(json.dumps(settings))
        started = time.perf_counter()
        fill_eaccounting(source_path, destination_path, folder)
        fill_seconds = time.perf_counter() - started
        # The fill used the start line's token chains; the reconcile gets its own, as a user's connector configs do.
        source_path, destination_path = folder / "reconcile-exact.json", folder / "reconcile-eaccounting.json"
        authorized(exact, source_path, "exact-online")
        authorized(eaccounting, destination_path, "eaccounting", settings)
        connection = {
            "name": "orders",
            "source": {"connector": "source-exact-online", "config": source_path.name},
            "destination": {"connector": "destination-eaccounting", "config": destination_path.name},
            "streams": [*({"name": s, "sync_mode": "full_refresh"} for s in ORDER_PARTIES), "sales_orders"],
        }
        connection_file = folder / "connections.yaml"
        connection_file.write_text(yaml.safe_dump({"connections": [connection]}, sort_keys=False))
        exact.clear_requests_log()
        eaccounting.clear_requests_log()
        output = folder / "report.json"
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(BIN / "ledgerbridge"), "--home", str(folder / "home"), "reconcile", str(connection_file),
             "--output", str(output)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        peaks = peak_rss_of_tree(process)
        code = process.wait()
        seconds = time.perf_counter() - started
        if code not in (0, 1):
            raise SystemExit(f"reconcile of {orders:,} orders exited with {code}: {process.stderr.read()[-2000:]!r}")  # type: ignore[union-attr]
        exact_calls, eaccounting_calls = calls(exact), calls(eaccounting)
    result = json.loads(output.read_text())
    fields = Counter(f"{row['status']} {row['field']}".strip() for row in result["documents"] if row["status"] != "ok")
    return {"orders": orders, "fill_seconds": fill_seconds, "seconds": seconds, "rss_kb": max(peaks.values()),
            "peaks": peaks,
            "exact": exact_calls, "eaccounting": eaccounting_calls, "summary": result["summary"],
            "fields": fields}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=10_000, help="orders in the baseline run")
    parser.add_argument("--large", type=int, default=100_000, help="orders in the large run")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        small, large = run(args.small, Path(tmp)), run(args.large, Path(tmp))
    for result in (small, large):
        print(f"{result['orders']:,} orders: eAccounting filled through the real connectors in "
              f"{result['fill_seconds']:.0f} s; reconcile {result['seconds']:.1f} s "
              f"({result['orders'] / result['seconds']:,.0f} documents/s), peak RSS {result['rss_kb'] / 1024:.0f} MiB;"
              f" report {result['summary']}")  # fmt: skip
        peaks = ", ".join(f"{name} {kb / 1024:.0f} MiB" for name, kb in sorted(result["peaks"].items()) if kb)
        print(f"  peak RSS by process: {peaks}")
        print(f"  not equal, by status and field: {dict(result['fields'].most_common())}")
        print(f"  Exact calls {dict(result['exact'])}; eAccounting calls {dict(result['eaccounting'])}")
    documents = {"Exact Online": "SalesOrderHeaders", "eAccounting": "orders"}
    for system, key in (("Exact Online", "exact"), ("eAccounting", "eaccounting")):
        counted = large[key]
        pages = counted[documents[system]]
        fixed = sum(counted.values()) - pages
        per_thousand = pages / (args.large / 1000)
        fine = per_thousand <= CALLS_TARGET and large["summary"]["documents"] >= args.large
        ok &= fine
        others = dict(counted - Counter({documents[system]: pages}))
        print(f"{system}: {pages:,} document calls for {args.large:,} orders = {per_thousand:.3f} per 1,000 "
              f"(target <= {CALLS_TARGET}); plus {fixed} fixed calls {others}"
              f" = {(pages + fixed) / (args.large / 1000):.3f} per 1,000 with them")  # fmt: skip
        report(f"reconcile {args.large:,} orders: {system} document calls per 1,000 documents",
               round(per_thousand, 3), f"<= {CALLS_TARGET}", fine, peer=1000, peer_name="one call per document",
               ratio=per_thousand / 1000)  # fmt: skip
    ratio = large["rss_kb"] / small["rss_kb"]
    fine = ratio <= RSS_TARGET
    ok &= fine
    print(f"peak RSS of the reconcile process tree: {large['rss_kb'] / 1024:.0f} MiB at {args.large:,} vs "
          f"{small['rss_kb'] / 1024:.0f} MiB at {args.small:,} = {ratio:.2f}x (target <= {RSS_TARGET})")  # fmt: skip
    report(f"reconcile peak RSS MiB at {args.large:,} orders vs {args.small:,}", round(large["rss_kb"] / 1024),
           f"<= {RSS_TARGET}x", fine, peer=round(small["rss_kb"] / 1024), peer_name=f"same, {args.small:,} orders",
           ratio=ratio)  # fmt: skip
    print("within targets" if ok else "OUTSIDE TARGETS")
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
