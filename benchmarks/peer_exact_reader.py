"""Peer benchmark: the published Exact Online reader ``exactonline`` (ossobv, PyPI) against source-exact-online, on the
same emulator and the same accounts, in one run: records per second and API calls per 1,000 rows.

The peer is installed from PyPI into its own environment (.venv/peers/exactonline) at benchmark time; it is never a
project dependency. It is used as its README shows —
``ExactApi(IniStorage(...)).restv1(GET('crm/Accounts?$filter=…'))`` — with
two settings a local run needs: plain http to the loopback emulator (it allows https only) and an iteration limit
above its default of 50 pages. It reads the regular endpoint (60 rows a page), which is what it offers for accounts;
source-exact-online reads sync/CRM/Accounts (1,000 a page). Rate limits are off so that both are measured unpaced.

Both are measured twice: on loopback (no network at all), and with every request held for a round trip
(``--round-trip-ms``, default 20, the emulator's ``slow`` fault on every call) as any real network adds. The target
applies to the second; the first is shown, since a 2-second sync on loopback is decided by process start-up.

Usage: .venv/bin/python benchmarks/peer_exact_reader.py [--scale 334] [--round-trip-ms 20]   (60 accounts per unit)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from figures import report

from source_exact_online import Emulator, connector_read

PEER = "exactonline==0.4.0"
# A request to a cloud API costs at least a network round trip plus the server's own time; 20 ms is a same-country
# round trip with no server time at all, so it understates what either reader meets against the real Exact Online.
ROUND_TRIP_MS = 20
PEER_ENV = Path(sys.executable).parent.parent / "peers" / "exactonline"
DRIVER = r"""
import json, resource, sys, time
from urllib.parse import quote
import exactonline.http
from exactonline.api import ExactApi
from exactonline.resource import GET
from exactonline.storage.ini import IniStorage

exactonline.http.opt_secure.protocols = ("https", "http")  # the emulator listens on loopback http
storage = IniStorage(sys.argv[1])
api = ExactApi(storage)
started = time.perf_counter()
# Exact requires a $filter on crm/Accounts; "modified since" is how a reader fetches everything (then changes).
rows = api.restv1(GET("crm/Accounts?$filter=" + quote("Modified gt datetime'2000-01-01T00:00:00'")))
elapsed = time.perf_counter() - started
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": len(rows), "seconds": elapsed, "max_rss_kb": peak_kb}))
"""


def install_peer() -> Path:
    python = PEER_ENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_ENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PEER], check=True)
    return python


def ini(config: dict, path: Path) -> None:
    base = config["base_url"]
    credentials = config["credentials"]
    expiry = int(time.time()) + 540
    path.write_text(
        f"[server]\nauth_url = {base}/api/oauth2/auth\nrest_url = {base}/api\ntoken_url = {base}/api/oauth2/token\n"
        f"[application]\nbase_url = {base}\nclient_id = {credentials['client_id']}\n"
        f"client_secret = {credentials['client_secret']}\niteration_limit = 100000\n"
        f"[transient]\naccess_token = {credentials['access_token']}\nrefresh_token = {credentials['refresh_token']}\n"
        f"access_expiry = {expiry}\ndivision = {config['divisions'][0]}\n"
    )


def compare(python: Path, scale: int, work: Path, *emulator_options: str) -> tuple[dict, dict]:
    """One read by the peer and one by source-exact-online of the same accounts on one emulator."""
    emulator = Emulator(scale, *emulator_options)
    try:
        config = emulator.fresh_config()
        ini(config, work / "peer.ini")
        before = emulator.api_calls()
        started = time.perf_counter()
        completed = subprocess.run(
            [str(python), "-c", DRIVER, str(work / "peer.ini")], capture_output=True, text=True, timeout=3600
        )
        if completed.returncode != 0:
            raise SystemExit(f"the peer failed: {completed.stderr[-2000:]}")
        peer = json.loads(completed.stdout.strip().splitlines()[-1])
        peer["seconds"] = time.perf_counter() - started  # the whole process, as for ours
        peer["api_calls"] = emulator.api_calls() - before
        before = emulator.api_calls()
        # The same access token (valid 600 s): neither side needs a refresh, so both count only API calls.
        ours = connector_read(config, work)
        ours["api_calls"] = emulator.api_calls() - before
    finally:
        emulator.stop()
    return ours, peer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=334)
    parser.add_argument("--round-trip-ms", type=int, default=ROUND_TRIP_MS)
    args = parser.parse_args()
    python = install_peer()
    network = ["--fault", "slow:1.0", "--slow-seconds", str(args.round_trip_ms / 1000)]
    with tempfile.TemporaryDirectory() as tmp:
        runs = {
            "loopback": compare(python, args.scale, Path(tmp)),
            f"{args.round_trip_ms} ms a request": compare(python, args.scale, Path(tmp), *network),
        }
    ok = True
    print(f"{PEER}; records/s are whole processes (start-up included) for both")
    for condition, (ours, peer) in runs.items():
        ours_rate, peer_rate = ours["records"] / ours["seconds"], peer["rows"] / peer["seconds"]
        ours_calls = ours["api_calls"] / ours["records"] * 1000
        peer_calls = peer["api_calls"] / peer["rows"] * 1000
        complete = ours["records"] >= peer["rows"] * 0.99
        print(f"{condition}: ours {ours['records']:,} rows in {ours['seconds']:.1f} s, "
              f"peer {peer['rows']:,} rows in {peer['seconds']:.1f} s")  # fmt: skip
        print(
            f"  records/s            ours {ours_rate:,.0f}   peer {peer_rate:,.0f}   ratio {ours_rate / peer_rate:.2f}"
        )
        print(f"  API calls per 1,000  ours {ours_calls:.2f}   peer {peer_calls:.2f}")
        print(f"  peak RSS             ours {ours['max_rss_kb'] / 1024:.0f} MiB   "
              f"peer {peer['max_rss_kb'] / 1024:.0f} MiB")  # fmt: skip
        calls_ok = ours_calls < peer_calls and complete
        if condition == "loopback":
            # No network at all: the sync is over in about 2 s, so our 1.2 s of airbyte-cdk start-up decides it.
            report("accounts read, loopback: records/s vs exactonline (PyPI)", round(ours_rate),
                   "(shown: start-up bound)", complete, peer=round(peer_rate), peer_name=PEER,
                   ratio=ours_rate / peer_rate)  # fmt: skip
            report("accounts read: API calls per 1,000 rows vs exactonline", round(ours_calls, 2), "< peer",
                   calls_ok, peer=round(peer_calls, 2), peer_name=PEER, ratio=ours_calls / peer_calls)  # fmt: skip
            report("accounts read: peak RSS MiB vs exactonline", round(ours["max_rss_kb"] / 1024), "(shown)", True,
                   peer=round(peer["max_rss_kb"] / 1024), peer_name=PEER,
                   ratio=ours["max_rss_kb"] / peer["max_rss_kb"])  # fmt: skip
        else:
            rate_ok = ours_rate >= peer_rate and complete
            report(f"accounts read, {condition}: records/s vs exactonline (PyPI)", round(ours_rate), ">= peer",
                   rate_ok, peer=round(peer_rate), peer_name=PEER, ratio=ours_rate / peer_rate)  # fmt: skip
            calls_ok &= rate_ok
        ok &= calls_ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
