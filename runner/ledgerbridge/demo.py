"""``ledgerbridge demo``: both emulators with seeded data, every flow through the real connectors, twice.

The demo uses exactly what a user uses — a connection file, connector config files, ``authorize`` for the
destinations' own token chains (the emulators approve the consent page by themselves, so the "browser" here only
follows the redirect), ``sync`` with its state and activity log — with the API calls counted from the emulators'
request logs. Between the orders flow and the flows back, a warehouse ships three orders in eAccounting, so the
shipments flow has goods deliveries to post in Exact. The second run must write nothing: every stream is incremental.
It ends with ``reconcile`` over the same file: both systems read again, every document compared, one summary line.
"""

from __future__ import annotations

import shutil
import time
from importlib.resources import files
from pathlib import Path
from typing import Any

import requests
from rich.console import Console

from emulator_kit.process import EmulatorProcess

from .api_calls import EmulatorCallCounter
from .authorize import authorize
from .config_files import write_config_atomically
from .connection_file import load_connection_file
from .home import DataHome
from .progress import reporter_for
from .reconcile import document_flows
from .reconcile_command import reconcile_flows
from .reconcile_master_data import master_data_flows
from .reconcile_report import FileSink, Report
from .runs import RunResult, run_connections
from .summary import print_summary

FIRST_FLOW = "exact-orders-to-eaccounting"
SHIPPED_ORDERS = 3
EXACT, EACCOUNTING = "Exact Online", "eAccounting"


def _follow_consent(url: str) -> None:
    """The emulators approve at once and redirect to the loopback listener; following the redirect is the browser."""
    requests.get(url, timeout=30).raise_for_status()


def _write_secrets(folder: Path, exact: EmulatorProcess, eaccounting: EmulatorProcess) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    exact_start, ea_start = exact.start_line, eaccounting.start_line
    # The sources take the tokens the emulators print; each destination gets its own chain through `authorize`,
    # because a refresh token used by two connectors dies as soon as either refreshes.
    write_config_atomically(
        folder / "exact-source.json",
        {"base_url": exact_start["base_url"], "divisions": [exact_start["division"]], "credentials": exact.credentials},
    )
    write_config_atomically(
        folder / "eaccounting-source.json",
        {
            "api_url": ea_start["api_url"],
            "identity_url": ea_start["identity_url"],
            "credentials": eaccounting.credentials,
        },
    )
    app = {key: exact.credentials[key] for key in ("client_id", "client_secret")}
    write_config_atomically(
        folder / "exact-destination.json",
        {"base_url": exact_start["base_url"], "division": exact_start["division"], "credentials": app},
    )
    app = {key: eaccounting.credentials[key] for key in ("client_id", "client_secret")}
    write_config_atomically(
        folder / "eaccounting-destination.json",
        {"api_url": ea_start["api_url"], "identity_url": ea_start["identity_url"], "credentials": app},
    )
    for system, config in (("exact-online", "exact-destination.json"), ("eaccounting", "eaccounting-destination.json")):
        authorize(system, folder / config, port=0, open_browser=_follow_consent, announce=lambda text: None)


def _ship_orders(eaccounting: EmulatorProcess, folder: Path) -> list[str]:
    """A warehouse ships the first orders that came from Exact: status Shipped plus a tracking-number text row."""
    config = _api_config(eaccounting, folder, "eaccounting")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {config['credentials']['access_token']}"
    api = config["api_url"]
    response = session.get(f"{api}/orders", params={"$pagesize": 500}, timeout=30)
    response.raise_for_status()
    from_exact = [o for o in response.json()["Data"] if (o.get("OurReference") or "").startswith("Exact SO ")]
    shipped = []
    for number, order in enumerate(sorted(from_exact, key=lambda o: o["OurReference"])[:SHIPPED_ORDERS], start=1):
        order["Status"] = 3
        order["Rows"].append(
            {
                "LineNumber": len(order["Rows"]),
                "IsTextRow": True,
                "IsWorkCost": False,
                "EligibleForReverseChargeOnVat": False,
                "Text": f"Tracking: 0037012345678{number}",
            }
        )
        answer = session.put(f"{api}/orders/{order['Id']}", json=order, timeout=30)
        if not answer.ok:
            raise RuntimeError(f"eAccounting refused to ship {order['OurReference']}: {answer.text[:500]}")
        shipped.append(order["OurReference"])
    return shipped


def _api_config(emulator: EmulatorProcess, folder: Path, system: str) -> dict[str, Any]:
    """A third token chain (a person working in the system), so the connectors' own chains stay untouched."""
    start = emulator.start_line
    app = {key: emulator.credentials[key] for key in ("client_id", "client_secret")}
    hosts: dict[str, Any] = {k: start[k] for k in ("base_url", "division", "api_url", "identity_url") if k in start}
    path = folder / f"{system}-person.json"
    write_config_atomically(path, {**hosts, "credentials": app})
    try:
        return authorize(system, path, port=0, open_browser=_follow_consent, announce=lambda text: None)
    finally:
        path.unlink()


def _post_journal_entries(exact: EmulatorProcess, folder: Path) -> int:
    """A bookkeeper books three corrections in Exact's general journal: the financial-mutations flow has work."""
    config = _api_config(exact, folder, "exact-online")
    session = requests.Session()
    session.headers.update(
        {"Authorization": f"Bearer {config['credentials']['access_token']}", "Accept": "application/json"}
    )
    api = f"{config['base_url']}/api/v1/{config['division']}"
    response = session.get(f"{api}/financial/GLAccounts", params={"$select": "ID,Code"}, timeout=30)
    response.raise_for_status()
    body = response.json()["d"]
    accounts = {row["Code"].strip(): row["ID"] for row in (body["results"] if isinstance(body, dict) else body)}
    entries = ((125.0, "8000"), (80.4, "8100"), (19.99, "8200"))
    for amount, revenue in entries:
        lines = [
            {"GLAccount": accounts["1300"], "AmountFC": amount, "Description": "Correction"},
            {"GLAccount": accounts[revenue], "AmountFC": -amount, "Description": "Correction"},
        ]
        answer = session.post(
            f"{api}/generaljournalentry/GeneralJournalEntries",
            json={"JournalCode": "90", "GeneralJournalEntryLines": lines},
            timeout=30,
        )
        if not answer.ok:
            raise RuntimeError(f"Exact refused a journal entry: {answer.text[:500]}")
    return len(entries)


def _writes(emulator: EmulatorProcess) -> int:
    return sum(
        1
        for r in emulator.requests_log()
        if r["method"] in ("POST", "PUT", "DELETE") and not r["path"].endswith(("/token", "/oauth2/token"))
    )


def _merge(first: RunResult, second: RunResult) -> RunResult:
    return RunResult(first.run_id, first.outcomes + second.outcomes, first.seconds + second.seconds)


def run_demo(console: Console, home: DataHome) -> int:
    started = time.monotonic()
    demo_root = home.root / "demo"
    shutil.rmtree(demo_root, ignore_errors=True)  # fresh emulators: the demo's state and log start empty too
    demo_home = DataHome.resolve(demo_root)
    workspace = demo_root / "connections"
    workspace.mkdir(parents=True, exist_ok=True)
    console.rule("ledgerbridge demo")
    console.print("Starting both emulators with seeded data …", highlight=False)
    # Exact's 60-calls-per-minute window is lifted so the demo does not sit out minute boundaries; the connectors'
    # pacing against it is tested in their own suites, and `ledgerbridge emulator exact-online` keeps the limit.
    with (
        EmulatorProcess("exact-online-emulator", "--minutely-limit", "0") as exact,
        EmulatorProcess("eaccounting-emulator") as eaccounting,
    ):
        _write_secrets(workspace / "secrets", exact, eaccounting)
        booked = _post_journal_entries(exact, workspace / "secrets")
        console.print(f"Bookkeeper: booked {booked} general journal entries in Exact Online.", highlight=False)
        connection_file = workspace / "connections.yaml"
        connection_file.write_text((files("ledgerbridge") / "demo_files" / "connections.yaml").read_text())
        connections = load_connection_file(connection_file)
        counter = EmulatorCallCounter({EXACT: exact.root_url, EACCOUNTING: eaccounting.root_url})
        reporter = reporter_for(console)
        console.print(f"Connection file: {connection_file} ({len(connections.connections)} connections)\n")

        console.rule("First run: everything is new")
        orders = run_connections(connections, demo_home, reporter, only=[FIRST_FLOW], counter=counter)
        shipped = _ship_orders(eaccounting, workspace / "secrets")
        console.print(
            f"Warehouse: shipped {', '.join(shipped)} in eAccounting (with tracking numbers).", highlight=False
        )
        rest = [c.name for c in connections.connections if c.name != FIRST_FLOW]
        others = run_connections(
            connections, demo_home, reporter, only=rest, with_dependencies=False, counter=counter, run_id=orders.run_id
        )
        first = _merge(orders, others)
        print_summary(console, first)

        console.rule("Second run: incremental")
        exact.clear_requests_log()
        eaccounting.clear_requests_log()
        second = run_connections(connections, demo_home, reporter, counter=counter)
        print_summary(console, second)
        written = {EXACT: _writes(exact), EACCOUNTING: _writes(eaccounting)}
        incremental = not any(written.values()) and all(o.written == 0 for o in second.outcomes)
        verdict = "nothing new was written" if incremental else "it wrote again: NOT incremental"
        console.print(
            f"Second run: {written[EXACT]} writes to Exact Online, {written[EACCOUNTING]} to eAccounting — {verdict}.",
            highlight=False,
        )
        console.print(f"Activity log: {demo_home.activity_log}", highlight=False)
        console.print(f"State:        {demo_home.state_db}", highlight=False)
        console.print(f"Connections:  {connection_file} (config files with rotated tokens in {workspace / 'secrets'})")

        # Month end: both systems read again and every document compared; the demo ends with that summary.
        console.rule("Reconcile: does every document agree on both sides?")
        reconciliation = Report(FileSink(demo_root / "reconcile.csv", "csv"))
        reconcile_flows(
            document_flows(connections, None), master_data_flows(connections, None), demo_home, reconciliation, None
        )
        reconciliation.print(console)
    console.print(f"Demo took {time.monotonic() - started:.1f} s.", highlight=False)
    return 0 if first.ok and second.ok and incremental else 1
