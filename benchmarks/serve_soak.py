"""`ledgerbridge serve` soak: minutes of webhooks and schedules with injected faults; nothing lost, nothing twice,
memory and open files flat.

Both emulators on loopback (eAccounting answers a share of requests with 500/503, Exact signs callbacks), `serve`
with the orders connection on a 1-minute schedule and webhooks subscribed. A person creates an order every few
seconds. Every 10 s the service's RSS and open file descriptors are sampled (/proc). At the end: every order is in
eAccounting exactly once (a last scheduled run gets what a failed run left), and peak RSS / fds in the last part of the
soak are within 1.2x of those after the first part.

Usage: .venv/bin/python benchmarks/serve_soak.py [--minutes 5] [--fault-rate 0.1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from figures import report
from serve_latency import SECRET, _free_port, _wait_for

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit.exact_orders import ExactOrderDesk, order_reference
from ledgerbridge_testkit.runner_process import ledgerbridge, write_orders_connection


def _sample(pid: int) -> tuple[int, int]:
    """(RSS in KiB of the service and its children, open fds of the service)."""
    rss = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--fault-rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    faults = [f"500:{args.fault_rate / 2}", f"503:{args.fault_rate / 2}"]
    with (
        tempfile.TemporaryDirectory() as folder,
        EmulatorProcess(
            "exact-online-emulator", "--minutely-limit", "0", "--daily-limit", "50000", "--webhook-secret", SECRET
        ) as exact,
        EmulatorProcess("eaccounting-emulator", *[f"--fault={rule}" for rule in faults]) as eaccounting,
    ):
        root = Path(folder)
        home = root / "home"
        path = write_orders_connection(root / "files", exact, eaccounting)
        document = json.loads(path.read_text())
        port = _free_port()
        document["webhooks"] = {"callback_url": f"http://127.0.0.1:{port}", "secret": SECRET, "debounce_seconds": 1}
        document["connections"][0]["every"] = "1m"
        # A 1-minute schedule is over Exact's real 5,000 a day (serve refuses it); the soak's emulated app has more.
        document["exact_budget"] = {"daily_limit": 50_000}
        path.write_text(json.dumps(document, indent=2))
        service = ledgerbridge(home, "serve", str(path), "--port", str(port))
        lines: list[str] = []
        threading.Thread(target=lambda: lines.extend(service.stdout or []), daemon=True).start()
        samples: list[tuple[float, int, int]] = []
        created: list[str] = []
        try:
            _wait_for(lambda: any("run-finished" in line or "run-failed" in line for line in lines), 600, lines)
            subscribed = ledgerbridge(home, "webhooks", "subscribe", str(path))
            subscribed.communicate(timeout=120)
            desk = ExactOrderDesk(exact)
            started = time.monotonic()
            next_sample = started
            while time.monotonic() - started < args.minutes * 60:
                if time.monotonic() >= next_sample:
                    samples.append((time.monotonic() - started, *_sample(service.pid)))
                    next_sample += 10
                created.append(order_reference(desk.create_order()))
                time.sleep(rng.uniform(1, 6))
            eaccounting.set_faults([])  # the last scheduled run must be able to finish what failed runs left
            deadline = time.monotonic() + 150
            while time.monotonic() < deadline:
                present = Counter(o.get("OurReference") for o in eaccounting.dump()["orders"])
                if all(present[r] >= 1 for r in created):
                    break
                time.sleep(2)
            samples.append((time.monotonic() - started, *_sample(service.pid)))
            present = Counter(o.get("OurReference") for o in eaccounting.dump()["orders"])
        finally:
            service.send_signal(signal.SIGTERM)
            service.wait(timeout=60)
    lost = [r for r in created if present[r] == 0]
    twice = [r for r in created if present[r] > 1]
    runs = sum(1 for line in lines if "run-finished" in line or "run-failed" in line)
    failed_runs = sum(1 for line in lines if "run-failed" in line)
    early = [s for s in samples if s[0] <= args.minutes * 60 / 5] or samples[:1]
    late = [s for s in samples if s[0] >= args.minutes * 60 * 0.8] or samples[-1:]
    rss_ratio = max(s[1] for s in late) / max(max(s[1] for s in early), 1)
    fd_ratio = max(s[2] for s in late) / max(max(s[2] for s in early), 1)
    print(f"soak minutes                         {args.minutes}  (faults {args.fault_rate:.0%} on eAccounting)")
    print(f"orders created                       {len(created)}; lost {len(lost)}, duplicated {len(twice)}")
    print(f"runs                                 {runs} ({failed_runs} failed and made up for later)")
    print(f"service RSS KiB first part / end     {max(s[1] for s in early)} / {max(s[1] for s in late)}")
    print(f"service open fds first part / end    {max(s[2] for s in early)} / {max(s[2] for s in late)}")
    ok = not lost and not twice and rss_ratio <= 1.2 and fd_ratio <= 1.2
    report("serve soak: orders lost + duplicated", len(lost) + len(twice), "0", not lost and not twice)
    report("serve soak: RSS end / after first fifth", round(rss_ratio, 2), "<= 1.2", rss_ratio <= 1.2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
