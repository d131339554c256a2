"""`ledgerbridge serve` end to end: an order created in Exact is in eAccounting within seconds, by webhook.

Both emulators run on loopback (Exact signs its callbacks with a known webhook secret); `ledgerbridge webhooks
subscribe` creates the subscriptions; `ledgerbridge serve` runs as its own process with the orders connection on a
15-minute schedule too. A person then creates N orders in Exact through its API at random moments; for each, the time
until eAccounting holds it (polled on `/_emulator/dump`). Prints median and worst latency (targets ≤ 10 s, ≤ 60 s),
the Exact calls spent per order, and checks that every order landed exactly once.

Usage: .venv/bin/python benchmarks/serve_latency.py [--orders 50] [--max-gap 20]
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from figures import report

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit.exact_orders import ExactOrderDesk, order_reference
from ledgerbridge_testkit.runner_process import ledgerbridge, write_orders_connection

SECRET = "benchmark-webhook-secret"  # noqa: S105 - the emulated app's, made up for the run


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=50)
    parser.add_argument("--max-gap", type=float, default=20.0, help="longest pause between two orders (s)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with (
        tempfile.TemporaryDirectory() as folder,
        EmulatorProcess("exact-online-emulator", "--minutely-limit", "0", "--webhook-secret", SECRET) as exact,
        EmulatorProcess("eaccounting-emulator") as eaccounting,
    ):
        root = Path(folder)
        home = root / "home"
        path = write_orders_connection(root / "files", exact, eaccounting)
        document = json.loads(path.read_text())
        port = _free_port()
        document["webhooks"] = {"callback_url": f"http://127.0.0.1:{port}", "secret": SECRET, "debounce_seconds": 1}
        document["connections"][0]["every"] = "15m"
        path.write_text(json.dumps(document, indent=2))

        service = ledgerbridge(home, "serve", str(path), "--port", str(port))
        lines: list[str] = []
        threading.Thread(target=lambda: lines.extend(service.stdout or []), daemon=True).start()
        try:
            _wait_for(lambda: any("run-finished" in line or "run-failed" in line for line in lines), 300, lines)
            subscribed = ledgerbridge(home, "webhooks", "subscribe", str(path))
            out, err = subscribed.communicate(timeout=120)
            print(out.strip(), err.strip(), sep="\n")
            if subscribed.returncode != 0:
                raise RuntimeError("subscribe failed")
            desk = ExactOrderDesk(exact)
            calls_before = _exact_api_calls(exact)
            pending: dict[str, float] = {}
            landed: dict[str, float] = {}
            lock = threading.Lock()
            done = threading.Event()

            def poll() -> None:
                while not done.is_set():
                    _collect(eaccounting, pending, landed, lock)
                    time.sleep(0.25)

            poller = threading.Thread(target=poll, daemon=True)
            poller.start()
            for index in range(args.orders):
                time.sleep(rng.uniform(0, args.max_gap))
                number = desk.create_order()
                with lock:
                    pending[order_reference(number)] = time.monotonic()
                print(f"order {index + 1}/{args.orders}: {order_reference(number)}", flush=True)
            deadline = time.monotonic() + 180
            while pending and time.monotonic() < deadline:
                time.sleep(0.5)
            done.set()
            poller.join()
            desk_calls = args.orders  # the person's POST of each order is not the service's
            calls = _exact_api_calls(exact) - calls_before - desk_calls
            copies = Counter(
                o.get("OurReference") for o in eaccounting.dump()["orders"] if o.get("OurReference") in landed
            )
        finally:
            service.send_signal(signal.SIGTERM)
            service.wait(timeout=60)
    latencies = sorted(landed.values())
    duplicates = sum(1 for n in copies.values() if n > 1)
    median = statistics.median(latencies) if latencies else float("inf")
    worst = latencies[-1] if latencies else float("inf")
    per_order = calls / max(len(latencies), 1)
    print(f"orders created                       {args.orders}")
    print(f"landed in eAccounting                {len(latencies)} (missing {len(pending)}, duplicated {duplicates})")
    print(f"latency median                       {median:.2f} s   target <= 10 s")
    print(f"latency worst                        {worst:.2f} s   target <= 60 s")
    print(f"Exact calls by serve per order       {per_order:.1f}  ({calls} calls)")
    ok = not pending and not duplicates
    report("serve: order Exact → eAccounting, median latency s", round(median, 2), "<= 10", ok and median <= 10)
    report("serve: order Exact → eAccounting, worst latency s", round(worst, 2), "<= 60", ok and worst <= 60)
    report("serve: Exact calls per webhook-synced order", round(per_order, 1), "(measured)", ok)
    return 0 if ok and median <= 10 and worst <= 60 else 1


def _collect(
    eaccounting: EmulatorProcess, pending: dict[str, float], landed: dict[str, float], lock: threading.Lock
) -> None:
    with lock:
        if not pending:
            return
    present = {o.get("OurReference") for o in eaccounting.dump()["orders"]}
    now = time.monotonic()
    with lock:
        for reference in [r for r in pending if r in present]:
            landed[reference] = now - pending.pop(reference)


def _exact_api_calls(exact: EmulatorProcess) -> int:
    return len(exact.requests_log())


def _wait_for(condition: Callable[[], bool], seconds: float, lines: list[str]) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("serve did not finish its first run:\n" + "".join(lines[-30:]))
        time.sleep(0.2)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    sys.exit(main())
