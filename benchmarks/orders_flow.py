"""Orders flow benchmark (issue 5): Exact sales orders → destination-eaccounting → eAccounting emulator.

One run prints three measured claims as ratios:

1. API calls. 1,000 orders x 3 lines, 80 % of them from customers already in eAccounting. Every eAccounting call the
   destination makes is counted from the emulator's ``/_emulator/requests`` (token calls included) and divided by
   the objects written (documents + customers created); target <= 1.05. Printed beside the per-order lookup path of
   the SaaS integrations (exists check, customer lookup, SKU lookup 25 per call, create) run on the same data.
2. Mapping speed. ``SalesDocumentPlanner.plan_sales_order`` alone, as its time over a JSON round trip
   (``json.dumps`` + ``json.loads``) of the same records measured in the same run (target <= 10x), so the figure
   follows the code, not the host; records per second on one core are printed beside it.
3. Memory. Peak RSS of the destination process on 1,000 and 20,000 orders (same customers and articles); target
   20k / 1k <= 1.2. Measured in dry run (bulk reads, planning, validation, activity log for every order; no writes):
   the client paces writes at eAccounting's 600 calls per minute per endpoint, so 20,000 real order writes take over
   half an hour; the write path itself holds one request at a time. The real 1,000-order run's RSS is printed too.

Run: ``.venv/bin/python benchmarks/orders_flow.py`` (``--orders``, ``--large``; about two minutes on two cores).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from figures import report
from quiet_rotation import quiet_rotation

from eaccounting_client import EAccountingClient
from emulator_kit.process import EmulatorProcess
from ledgerbridge_mappings import (
    ArticleIndex,
    CustomerIndex,
    EAccountingLookups,
    EAccountingRules,
    ExactParties,
    SalesDocumentPlanner,
    TermsOfPaymentIndex,
    VatCodeIndex,
)
from ledgerbridge_testkit import Output, company_rules, console_script, emulator_config

CALL_TARGET = 1.05
# The mapping step may cost at most this many JSON round trips of the same records: a host-independent bound.
MAPPING_JSON_RATIO_TARGET = 10.0
RSS_TARGET = 1.2
KNOWN_SHARE = 0.8
CUSTOMERS, NEW_CUSTOMERS, ARTICLES, LINES = 400, 100, 60, 3
VAT_RATE = 0.25  # Exact VAT code 1 → eAccounting code 10, 25 % (see RULES)
STATE_EVERY = 500  # a source emits a state per page or slice; this is a realistic cadence
COUNTRIES = ("SE", "NL", "BE", "DE", "NO")
RULES: dict[str, Any] = company_rules()  # the company's articles exist; none are created


# ------------------------------------------------------------------------------------------------ data


def guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def exact_accounts(rng: random.Random) -> list[dict[str, Any]]:
    accounts = []
    for n in range(CUSTOMERS + NEW_CUSTOMERS):
        country = COUNTRIES[n % len(COUNTRIES)]
        accounts.append(
            {
                "ID": guid(rng),
                "Code": str(10_000 + n),
                "Name": f"Customer {n} AB",
                "Email": f"billing{n}@customer{n}.example",
                "Country": country,
                "City": "Stad",
                "Postcode": f"{10000 + n}",
                "AddressLine1": f"Gatan {n}",
                "VATNumber": None,
                "ChamberOfCommerce": f"55{n:08d}",
            }
        )
    return accounts


def exact_orders(rng: random.Random, count: int, accounts: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Sales orders as Exact reads them: every line and the header carry Exact's own amounts (net, VAT, gross), which
    the mapping's reconciliation guard compares the planned document against."""
    known, new = accounts[:CUSTOMERS], accounts[CUSTOMERS:]
    for number in range(1, count + 1):
        account = rng.choice(known) if rng.random() < KNOWN_SHARE else rng.choice(new)
        order_id = guid(rng)
        lines = []
        for line in range(LINES):
            quantity, price = float(rng.randint(1, 9)), float(rng.randint(10, 900))
            discount = rng.choice((0.0, 0.0, 0.1))
            net = round(quantity * price * (1 - discount), 2)
            lines.append(
                {
                    "ID": guid(rng),
                    "OrderID": order_id,
                    "LineNumber": line + 1,
                    "ItemCode": f"SKU-{rng.randrange(ARTICLES):04d}",
                    "Description": "Goods",
                    "Quantity": quantity,
                    "UnitPrice": price,
                    "Discount": discount,
                    "AmountFC": net,
                    "VATAmount": round(net * VAT_RATE, 2),
                    "VATCode": "1",
                }
            )
        net_total = round(sum(line["AmountFC"] for line in lines), 2)
        vat_total = round(sum(line["VATAmount"] for line in lines), 2)
        yield {
            "OrderID": order_id,
            "OrderNumber": number,
            "OrderDate": "2026-05-04T10:00:00.000Z",
            "Currency": "SEK",
            "Status": 12,
            "DeliveryStatus": 12,
            "InvoiceStatus": 12,
            "InvoiceTo": account["ID"],
            "OrderedBy": account["ID"],
            "DeliverTo": account["ID"],
            "PaymentCondition": "30",
            "YourRef": f"PO-{number}",
            "Description": f"Order {number}",
            "AmountFCExclVat": net_total,
            "AmountFC": round(net_total + vat_total, 2),
            "SalesOrderLines": lines,
        }


def record(stream: str, data: dict[str, Any]) -> str:
    return json.dumps({"type": "RECORD", "record": {"stream": stream, "data": data, "emitted_at": 0}}) + "\n"


def state(stream: str, position: int) -> str:
    descriptor = {"stream_descriptor": {"name": stream}, "stream_state": {"position": position}}
    return json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": descriptor}}) + "\n"


def write_input(path: Path, accounts: list[dict[str, Any]], count: int, seed: int) -> None:
    with path.open("w") as sink:
        for account in accounts:
            sink.write(record("accounts", account))
        sink.write(state("accounts", len(accounts)))
        for n, order in enumerate(exact_orders(random.Random(seed), count, accounts), start=1):
            sink.write(record("sales_orders", order))
            if n % STATE_EVERY == 0:
                sink.write(state("sales_orders", n))
        sink.write(state("sales_orders", count))


def catalog() -> dict[str, Any]:
    def stream(name: str, mode: str) -> dict[str, Any]:
        return {
            "stream": {"name": name, "json_schema": {"type": "object"}, "supported_sync_modes": ["full_refresh"]},
            "sync_mode": mode,
            "destination_sync_mode": "append",
        }  # fmt: skip

    return {"streams": [stream("accounts", "full_refresh"), stream("sales_orders", "incremental")]}


# ------------------------------------------------------------------------------------------------ emulator


@contextmanager
def eaccounting() -> Iterator[dict[str, Any]]:
    with EmulatorProcess("eaccounting-emulator", "--empty", "--per-minute-limit", "0") as emulator:
        yield emulator_config(emulator)


def root(config: dict[str, Any]) -> str:
    return config["identity_url"].rstrip("/")


@quiet_rotation()
def seed_company(config: dict[str, Any], accounts: list[dict[str, Any]]) -> None:
    """The customers that already exist (matched by e-mail) and every article; then the request log is cleared."""
    client = EAccountingClient(config)
    terms = next(t["Id"] for t in client.list("termsofpayments") if t["Name"] == "30 dagar netto")
    coding = next(c["Id"] for c in client.list("articleaccountcodings") if c["VatRatePercent"] in (0.25, 25))
    unit = next(u["Id"] for u in client.list("units"))
    for account in accounts[:CUSTOMERS]:
        client.create(
            "customers",
            {"Name": account["Name"], "EmailAddress": account["Email"], "InvoiceCity": "Stad",
             "InvoicePostalCode": account["Postcode"], "InvoiceCountryCode": account["Country"],
             "TermsOfPaymentId": terms, "IsPrivatePerson": False, "IsActive": True},
        )  # fmt: skip
    for n in range(ARTICLES):
        article = {"Number": f"SKU-{n:04d}", "Name": f"Article {n}", "CodingId": coding, "UnitId": unit}
        client.create("articles", {**article, "IsActive": True})
    requests.delete(f"{root(config)}/_emulator/requests", timeout=10)


def request_log(config: dict[str, Any]) -> list[dict[str, Any]]:
    return requests.get(f"{root(config)}/_emulator/requests", timeout=60).json()


# ------------------------------------------------------------------------------------------------ runs


def run_destination(
    config: dict[str, Any], input_path: Path, workdir: Path, dry_run: bool = False
) -> tuple[float, int, list[dict[str, Any]]]:
    """Seconds, peak RSS in KiB, and the activity lines of one ``destination-eaccounting write``."""
    config_path, catalog_path = workdir / "config.json", workdir / "catalog.json"
    # Only the (rotated) refresh token, as a connector starts a sync: its token call is counted too.
    credentials = {k: v for k, v in config["credentials"].items() if k not in ("access_token", "token_expiry_date")}
    config_path.write_text(json.dumps({**config, "credentials": credentials, "mapping": RULES, "dry_run": dry_run}))
    catalog_path.write_text(json.dumps(catalog()))
    out_path = workdir / "out.jsonl"
    started = time.perf_counter()
    with input_path.open("rb") as stdin, out_path.open("w") as stdout:
        process = subprocess.Popen(
            [console_script("destination-eaccounting"), "write",
             "--config", str(config_path), "--catalog", str(catalog_path)],
            stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"destination-eaccounting exited with status {status}; see {out_path}")
    output = Output.parse(out_path.read_text())
    rotated = output.last_config()
    if rotated is not None:  # a rotated refresh token: the next run must use it
        config["credentials"] = rotated["credentials"]
    return elapsed, usage.ru_maxrss, output.activity


@quiet_rotation()
def per_order_lookup_path(config: dict[str, Any], accounts: list[dict[str, Any]], count: int, seed: int) -> int:
    """The SaaS way on the same data: per order an exists check, a customer lookup by e-mail (create when missing),
    article lookups 25 numbers per call, then the create. Returns the calls made (token calls included)."""
    # Unpaced (the emulator's limit is off): only the number of calls is compared here, not the time.
    client = EAccountingClient(config, calls_per_minute=1_000_000)
    rules = EAccountingRules.model_validate(RULES)
    static = EAccountingLookups(
        vat_codes=VatCodeIndex.from_records(client.list("vatcodes")),
        terms_of_payment=TermsOfPaymentIndex.from_records(client.list("termsofpayments")),
        parties=ExactParties.from_records(accounts),
    )
    by_id = {a["ID"]: a for a in accounts}
    for order in exact_orders(random.Random(seed), count, accounts):
        reference = f"Exact SO {order['OrderNumber']}"
        if client.get("orders", {"$filter": f"OurReference eq '{reference}'"})["Data"]:
            continue
        email = by_id[order["InvoiceTo"]]["Email"]
        customers = client.get("customers", {"$filter": f"EmailAddress eq '{email}'"})["Data"]
        numbers = sorted({line["ItemCode"] for line in order["SalesOrderLines"]})
        articles = []
        for start in range(0, len(numbers), 25):
            wanted = " or ".join(f"Number eq '{n}'" for n in numbers[start : start + 25])
            articles += client.get("articles", {"$filter": wanted})["Data"]
        lookups = EAccountingLookups(
            customers=CustomerIndex.from_records(customers),
            articles=ArticleIndex.from_records(articles),
            vat_codes=static.vat_codes,
            terms_of_payment=static.terms_of_payment,
            parties=static.parties,
        )
        plan = SalesDocumentPlanner(rules, lookups).plan_sales_order(order)
        created: dict[str, str] = {}
        for write in plan.writes:
            body = dict(write.body)
            for path, key in write.links.items():
                body[path] = created[key]
            result = client.create(write.target_collection, body)
            if write.key:
                created[write.key] = result["Id"]
    return len(request_log(config))


def mapping_speed(accounts: list[dict[str, Any]], count: int, seed: int) -> tuple[float, float]:
    """Records per second of the mapping step alone, and its time as a multiple of a JSON round trip."""
    rules = EAccountingRules.model_validate(RULES)
    vat_codes = [
        {"Id": guid(random.Random(c)), "Code": c, "VatRate": r} for c, r in (("10", 25.0), ("39", 0.0), ("36", 0.0))
    ]
    lookups = EAccountingLookups(
        customers=CustomerIndex.from_records(
            {"Id": a["ID"], "EmailAddress": a["Email"], "IsPrivatePerson": False} for a in accounts[:CUSTOMERS]
        ),
        articles=ArticleIndex.from_records({"Id": f"art-{n}", "Number": f"SKU-{n:04d}"} for n in range(ARTICLES)),
        vat_codes=VatCodeIndex.from_records(vat_codes),
        terms_of_payment=TermsOfPaymentIndex.from_records(
            [{"Id": "t30", "Name": "30 dagar netto", "NumberOfDays": 30}]
        ),
        parties=ExactParties.from_records(accounts),
        company_currency="SEK",
    )
    orders = list(exact_orders(random.Random(seed), count, accounts))
    best_map, best_json = float("inf"), float("inf")
    for _ in range(5):
        planner = SalesDocumentPlanner(rules, lookups)
        started = time.process_time()
        for order in orders:
            planner.plan_sales_order(order)
        best_map = min(best_map, time.process_time() - started)
        started = time.process_time()
        for order in orders:
            json.loads(json.dumps(order))
        best_json = min(best_json, time.process_time() - started)
    return count / best_map, best_map / best_json


# ------------------------------------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=20_000)
    args = parser.parse_args()
    seed = 5
    accounts = exact_accounts(random.Random(seed))
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        small_input = work / "small.jsonl"
        write_input(small_input, accounts, args.orders, seed)

        with eaccounting() as config:
            seed_company(config, accounts)
            seconds, rss_small, activity = run_destination(config, small_input, work)
            log = request_log(config)
        documents = sum(
            1 for a in activity for w in a.get("writes") or [a] if w["target"] == "orders" and w["action"] == "created"
        )
        customers = sum(
            1
            for a in activity
            for w in a.get("writes") or [a]
            if w["target"] == "customers" and w["action"] == "created"
        )
        failed = sum(1 for a in activity if a["action"] == "failed")
        calls = len(log)
        ratio = calls / (documents + customers)
        ok &= ratio <= CALL_TARGET and failed == 0 and documents == args.orders
        with eaccounting() as config:
            seed_company(config, accounts)
            started = time.perf_counter()
            lookup_calls = per_order_lookup_path(config, accounts, args.orders, seed)
            lookup_seconds = time.perf_counter() - started
        print(f"orders: {args.orders} x {LINES} lines, {KNOWN_SHARE:.0%} from customers already in eAccounting")
        print(
            f"  destination-eaccounting: {calls} calls ({sum(1 for r in log if r['path'].endswith('/connect/token'))} "
            f"token) for {documents} documents + {customers} customers created = {ratio:.3f} calls per object "
            f"(target <= {CALL_TARGET}), {calls / args.orders:.2f} per order, {seconds:.1f} s, {failed} failed"
        )
        report("orders → eAccounting: calls per object written", round(ratio, 3), f"<= {CALL_TARGET}",
               ratio <= CALL_TARGET and failed == 0 and documents == args.orders,
               peer=round(lookup_calls / args.orders, 2),
               peer_name="per-order lookup-then-write (calls/order)", ratio=calls / lookup_calls)  # fmt: skip
        print(
            f"  per-order lookup path:   {lookup_calls} calls = {lookup_calls / args.orders:.2f} per order, "
            f"{lookup_seconds:.1f} s -> {lookup_calls / calls:.1f}x the calls of the bulk path"
        )

        per_second, json_ratio = mapping_speed(accounts, args.orders, seed)
        mapping_ok = json_ratio <= MAPPING_JSON_RATIO_TARGET
        ok &= mapping_ok
        report("mapping step: time / JSON round trip of the same records", round(json_ratio, 2),
               f"<= {MAPPING_JSON_RATIO_TARGET:g}", mapping_ok, peer=round(per_second),
               peer_name="orders/s per core (printed, not a target)")  # fmt: skip
        print(
            f"mapping step: {json_ratio:.1f}x the time of a JSON round trip of the same records "
            f"(target <= {MAPPING_JSON_RATIO_TARGET:g}x); {per_second:,.0f} orders/s per core"
        )

        large_input = work / "large.jsonl"
        write_input(large_input, accounts, args.large, seed)
        with eaccounting() as config:
            seed_company(config, accounts)
            _, dry_small, small_plan = run_destination(config, small_input, work, dry_run=True)
            large_seconds, dry_large, large_plan = run_destination(config, large_input, work, dry_run=True)
        rss_ratio = dry_large / dry_small
        planned = sum(1 for a in large_plan if a["stream"] == "sales_orders" and a["action"] == "planned")
        ok &= rss_ratio <= RSS_TARGET and planned == args.large and len(small_plan) > args.orders
        report(f"destination-eaccounting peak RSS MiB at {args.large:,} orders (dry run) vs {args.orders:,}",
               round(dry_large / 1024), f"<= {RSS_TARGET}x", rss_ratio <= RSS_TARGET and planned == args.large,
               peer=round(dry_small / 1024), peer_name="same, 1,000 orders", ratio=rss_ratio)  # fmt: skip
        print(
            f"peak RSS of the destination (dry run): {dry_small / 1024:.0f} MiB at {args.orders:,} orders, "
            f"{dry_large / 1024:.0f} MiB at {args.large:,} orders ({large_seconds:.1f} s) = {rss_ratio:.2f}x "
            f"(target <= {RSS_TARGET}); real 1,000-order write: {rss_small / 1024:.0f} MiB"
        )
    print("within targets" if ok else "OUTSIDE TARGETS")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
