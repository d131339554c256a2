"""Emulator cost benchmark: the emulators must never be the bottleneck of a connector benchmark.

Prints, for each emulator:
- the time to serve one full page (Exact: a 1,000-row sync page; eAccounting: a page at the maximum page size) over real
  HTTP, as a ratio against a bare ``json.dumps`` of the same rows measured in the same run (target: at most 3x);
- the start-up time of an emulator seeded with at least 100,000 records (target: under 30 s).

Run: ``.venv/bin/python benchmarks/emulators.py`` (options: ``--scale``, ``--repeat``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import requests
from figures import report

from emulator_kit.process import EmulatorProcess
from exact_online_emulator.schema import ENTITIES

PAGE_TARGET = 3.0
START_TARGET_SECONDS = 30.0
MIN_RECORDS = 100_000


@contextmanager
def emulator(command: str, *args: str) -> Iterator[tuple[dict[str, Any], float]]:
    started = time.perf_counter()
    with EmulatorProcess(command, *args) as process:
        yield process.start_line, time.perf_counter() - started


def token(url: str, credentials: dict[str, str]) -> str:
    data = {"grant_type": "refresh_token", **{key: credentials[key] for key in ("refresh_token", "client_id")}}
    data["client_secret"] = credentials["client_secret"]
    response = requests.post(url, data=data, timeout=60)
    response.raise_for_status()
    return response.json()["access_token"]


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    action()  # warm caches and connections
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def record_count(dump: dict[str, Any]) -> int:
    return sum(len(value) for value in dump.values() if isinstance(value, list))


def measure_page(
    session: requests.Session, url: str, params: dict[str, str], rows_of: Callable[[Any], list], repeat: int
):
    def fetch() -> bytes:
        response = session.get(url, params=params, timeout=60)
        response.raise_for_status()
        return response.content

    rows = rows_of(json.loads(fetch()))
    served = median_seconds(fetch, repeat)
    dumped = median_seconds(lambda: json.dumps(rows), repeat)
    return len(rows), served, dumped


def exact_online(scale: int, repeat: int) -> list[tuple[str, float, float, str]]:
    with emulator("exact-online-emulator", "--scale", str(scale)) as (start, startup):
        base, division = start["base_url"], start["division"]
        session = requests.Session()
        session.headers.update(
            {
                "Authorization": f"Bearer {token(f'{base}/api/oauth2/token', start['credentials'])}",
                "Accept": "application/json",
            }
        )
        records = record_count(requests.get(f"{base}/_emulator/dump", timeout=300).json())
        url = f"{base}/api/v1/{division}/sync/CRM/Accounts"
        # Every scalar field the documentation lists: the heaviest page a connector can ask for.
        select = ",".join(name for name, edm, _ in ENTITIES["sync/CRM/Accounts"][2] if edm != "Collection")
        rows, served, dumped = measure_page(
            session, url, {"$select": select, "$filter": "Timestamp gt 1L"}, lambda body: body["d"]["results"], repeat
        )
        assert rows == 1000, f"expected a full 1,000-row sync page, got {rows}"
    return [
        (
            "exact: 1,000-row sync page vs json.dumps",
            served / dumped,
            PAGE_TARGET,
            f"{served * 1000:.1f} ms vs {dumped * 1000:.1f} ms",
        ),
        (f"exact: start with {records:,} records (s)", startup, START_TARGET_SECONDS, f"scale {scale}"),
    ], records


def eaccounting(scale: int, repeat: int, page_size: int):
    with emulator("eaccounting-emulator", "--scale", str(scale)) as (start, startup):
        session = requests.Session()
        session.headers.update(
            {"Authorization": f"Bearer {token(start['identity_url'] + '/connect/token', start['credentials'])}"}
        )
        records = record_count(
            requests.get(start["api_url"].rsplit("/v2", 1)[0] + "/_emulator/dump", timeout=300).json()
        )
        rows, served, dumped = measure_page(
            session, f"{start['api_url']}/customers", {"$pagesize": str(page_size)}, lambda body: body["Data"], repeat
        )
    return [
        (
            f"eaccounting: {rows}-row page vs json.dumps",
            served / dumped,
            PAGE_TARGET,
            f"{served * 1000:.1f} ms vs {dumped * 1000:.1f} ms",
        ),
        (f"eaccounting: start with {records:,} records (s)", startup, START_TARGET_SECONDS, f"scale {scale}"),
    ], records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # One scale unit is about 600 Exact records and about 156 eAccounting records (emulators/README.md).
    parser.add_argument("--exact-scale", type=int, default=210, help="exact-online-emulator --scale (>= 100k records)")
    parser.add_argument("--eaccounting-scale", type=int, default=800, help="eaccounting-emulator --scale (>= 100k)")
    parser.add_argument("--repeat", type=int, default=25, help="samples per timing (median is reported)")
    parser.add_argument("--page-size", type=int, default=1000, help="eAccounting page size (its documented maximum)")
    args = parser.parse_args()
    figures, exact_records = exact_online(args.exact_scale, args.repeat)
    more, visma_records = eaccounting(args.eaccounting_scale, args.repeat, args.page_size)
    figures += more
    failed = False
    print(f"{'figure':<52} {'value':>8} {'target':>8}  result  detail")
    for name, value, target, detail in figures:
        ok = value <= target
        failed |= not ok
        print(f"{name:<52} {value:>8.2f} {target:>8.2f}  {'pass' if ok else 'FAIL':<6}  {detail}")
        report(f"emulator {name}", round(value, 2), f"<= {target:g}", ok)
    for name, records in (("exact", exact_records), ("eaccounting", visma_records)):
        if records < MIN_RECORDS:
            failed = True
            print(f"{name}: only {records:,} records; raise its --scale option to reach {MIN_RECORDS:,}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
