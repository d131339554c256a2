"""``ledgerbridge reconcile`` against both emulators, through the real connectors, after a real ``sync``.

One company (six Exact orders, synced once) is shared by the module; a test that changes eAccounting puts it back.
"""

from __future__ import annotations

import copy
import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator_kit.process import EmulatorProcess

from .reconcile_company import CONNECTION, Company


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Company]:
    with (
        EmulatorProcess("exact-online-emulator", "--empty", "--minutely-limit", "0") as exact,
        EmulatorProcess("eaccounting-emulator") as eaccounting,
    ):
        booked = Company(tmp_path_factory.mktemp("reconcile"), exact, eaccounting)
        booked.book_orders()
        booked.write_connection_file()
        synced = booked.ledgerbridge("sync", str(booked.connection_file))
        assert synced.returncode == 0, synced.stdout + synced.stderr
        yield booked


def not_equal(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for row in report["documents"] if row["status"] != "ok"]


def reference(company: Company, purpose: str) -> str:
    return f"Exact SO {company.orders[purpose]}"


def test_given_a_synced_connection_when_reconciling_then_every_document_is_equal_and_it_exits_0(
    company: Company,
) -> None:
    completed, report = company.reconcile()

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "6 documents: 6 equal, 0 missing, 0 orphans, 0 differ — 0 differences" in completed.stdout
    assert not_equal(report) == []
    assert report["summary"] == {
        "documents": 6, "differences": 0, "ok": 6, "missing": 0, "orphan": 0, "differs": 0, "not_comparable": 0,
    }  # fmt: skip
    notes = {row["reference"]: row["note"] for row in report["documents"]}
    assert notes[reference(company, "reverse_charge")].startswith("vat.eu_reverse_charge_code (EU reverse charge")
    assert notes[reference(company, "shipping")].startswith("shipping.map[0] shipping cost (DHL Parcel) (net +9.50")
    assert notes[reference(company, "equal")] == ""


def test_given_an_order_repriced_in_eaccounting_when_reconciling_then_only_it_differs_with_both_values(
    company: Company,
) -> None:
    original = company.ea_order(company.orders["changed"])
    changed = copy.deepcopy(original)
    assert [row["UnitPrice"] for row in changed["Rows"] if row.get("ArticleId")] == [25.0]
    next(row for row in changed["Rows"] if row.get("ArticleId"))["UnitPrice"] = 27.0
    company.put_order(changed)
    try:
        completed, report = company.reconcile()
    finally:
        company.put_order(company.ea_order(company.orders["changed"]) | {"Rows": original["Rows"]})

    assert completed.returncode == 1
    assert not_equal(report) == [
        {
            "connection": CONNECTION,
            "reference": reference(company, "changed"),
            "status": "differs",
            "field": "net",
            "eaccounting": 108.0,
            "exact": 100.0,
            "note": "extra rows or missing discounts",
        }
    ]
    assert "6 documents: 5 equal, 0 missing, 0 orphans, 1 differ — 1 differences" in completed.stdout


def test_given_an_order_deleted_in_eaccounting_when_reconciling_then_it_is_missing(company: Company) -> None:
    original = company.ea_order(company.orders["deleted"])
    company.delete_order(original["Id"])
    try:
        completed, report = company.reconcile()
    finally:
        company.post_order({k: v for k, v in original.items() if k not in ("Id", "Number")})

    assert completed.returncode == 1
    assert [(r["reference"], r["status"], r["exact"]) for r in not_equal(report)] == [
        (reference(company, "deleted"), "missing", 199.0)
    ]


def test_given_an_eaccounting_order_with_our_reference_and_no_exact_order_when_reconciling_then_it_is_an_orphan(
    company: Company,
) -> None:
    template = company.ea_order(company.orders["equal"])
    orphan = company.post_order(
        {k: v for k, v in template.items() if k not in ("Id", "Number")} | {"OurReference": "Exact SO 9001"}
    )
    try:
        completed, report = company.reconcile()
    finally:
        company.delete_order(orphan["Id"])

    assert completed.returncode == 1
    assert [(r["reference"], r["status"], r["eaccounting"]) for r in not_equal(report)] == [
        ("Exact SO 9001", "orphan", orphan["Id"])
    ]
    assert "7 documents: 6 equal, 0 missing, 1 orphans, 0 differ — 1 differences" in completed.stdout


def test_given_csv_format_when_reconciling_then_the_file_has_a_row_per_document(company: Company) -> None:
    output = company.folder / "for-the-accountant.csv"
    completed = company.ledgerbridge(
        "reconcile", str(company.connection_file), "--format", "csv", "--output", str(output)
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    with output.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["connection", "reference", "status", "field", "eaccounting", "exact", "note"]
    assert sorted(r["reference"] for r in rows) == sorted(reference(company, p) for p in company.orders)
    assert {r["status"] for r in rows} == {"ok"}
    equal = next(r for r in rows if r["reference"] == reference(company, "equal"))
    assert (equal["eaccounting"], equal["exact"]) == ("262.50", "262.50")


def test_given_since_after_every_order_when_reconciling_then_no_document_is_compared(company: Company) -> None:
    completed, report = company.reconcile("--since", "2999-01-01")

    assert completed.returncode == 0
    assert report["documents"] == []
    assert "0 documents: 0 equal, 0 missing, 0 orphans, 0 differ — 0 differences" in completed.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--connection", "no-such-connection"], "no connection is named 'no-such-connection'"),
        (["--since", "last tuesday"], "--since 'last tuesday': not a date"),
        (["--format", "json"], "--format json needs --output PATH"),
    ],
)
def test_given_bad_input_when_reconciling_then_it_exits_2_before_reading_either_system(
    company: Company, options: list[str], message: str
) -> None:
    company.exact.clear_requests_log()
    company.eaccounting.clear_requests_log()

    completed = company.ledgerbridge("reconcile", str(company.connection_file), *options)

    assert completed.returncode == 2
    assert message in " ".join(completed.stderr.split())
    assert company.exact.requests_log() == [] and company.eaccounting.requests_log() == []


def test_given_a_reconcile_when_it_reads_then_it_uses_bulk_reads_only_and_keeps_the_token_chains(
    company: Company,
) -> None:
    company.exact.clear_requests_log()
    company.eaccounting.clear_requests_log()
    destination = company.folder / "secrets" / "eaccounting-destination.json"
    rules_before = json.loads(destination.read_text()).keys()

    assert company.reconcile()[0].returncode == 0

    exact_reads = [
        (r["method"], r["path"].split("/", 4)[-1]) for r in company.exact.requests_log() if "/v1/" in r["path"]
    ]
    assert sorted(exact_reads) == sorted(
        [("GET", "sales/ShippingMethods"), ("GET", "sync/SalesOrder/SalesOrderHeaders")]
    ), "one page of headers (1,000 a page) and the shipping methods the rules name by description"
    ea_reads = [(r["method"], r["path"]) for r in company.eaccounting.requests_log() if r["path"].startswith("/v2")]
    assert sorted(ea_reads) == [
        ("GET", "/v2/companysettings"), ("GET", "/v2/customers"), ("GET", "/v2/orders"), ("GET", "/v2/vatcodes"),
    ]  # fmt: skip
    assert json.loads(destination.read_text()).keys() == rules_before, "the config file keeps its keys"
    assert Path(destination).stat().st_mode & 0o077 == 0


def test_given_an_expired_access_token_when_reconciling_then_the_rotated_token_is_kept_in_the_config_file(
    company: Company,
) -> None:
    destination = company.folder / "secrets" / "eaccounting-destination.json"
    config = json.loads(destination.read_text())
    config["credentials"]["token_expiry_date"] = "2000-01-01T00:00:00+00:00"
    destination.write_text(json.dumps(config))
    before = config["credentials"]["refresh_token"]
    company.eaccounting.clear_requests_log()

    first = company.reconcile()[0]
    after = json.loads(destination.read_text())
    second = company.reconcile()[0]

    assert first.returncode == 0 and second.returncode == 0, "the chain still works after its rotation"
    assert after["credentials"]["refresh_token"] != before
    assert set(after) == set(config), "the file keeps its own keys; nothing of the run is laid into it"
    assert [r for r in company.eaccounting.requests_log() if r["path"].endswith("/token")], "a refresh happened"
    assert before not in first.stdout + first.stderr and after["credentials"]["refresh_token"] not in first.stdout
