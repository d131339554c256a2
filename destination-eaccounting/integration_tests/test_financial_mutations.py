"""Exact transaction lines → balanced eAccounting vouchers, one per entry, exactly once."""

from __future__ import annotations

from collections import Counter

import pytest

from exact_online_client import ExactOnlineClient
from ledgerbridge_testkit import writes

from .conftest import GL_MAP, rules

GENERAL_JOURNAL, SALES_ENTRY = 90, 20
MEMORIAL = {"transaction_types": [GENERAL_JOURNAL]}


@pytest.fixture(scope="module")
def journal_entries(exact, source_config):
    """Balanced general journal entries posted through Exact's API (they book Type 90 transaction lines)."""
    config = source_config.read()
    client = ExactOnlineClient(config)
    division = exact.start_line["division"]
    gl = {
        row["Code"].strip(): row["ID"]
        for row in client.list("financial/GLAccounts", {"$select": "ID,Code"}, division=division)
    }
    for amount, revenue in ((125.0, "8000"), (80.4, "8100"), (19.99, "8200")):
        client.create(
            "generaljournalentry/GeneralJournalEntries",
            {
                "JournalCode": "90",
                "GeneralJournalEntryLines": [
                    {"GLAccount": gl["1300"], "AmountFC": amount, "Description": "Correction"},
                    {"GLAccount": gl[revenue], "AmountFC": -amount, "Description": "Correction"},
                ],
            },
            division=division,
        )
    source_config.write(config)  # keep the rotated token, as the platform would


def test_given_exact_journal_entries_when_the_flow_runs_twice_then_each_entry_is_one_balanced_voucher(
    journal_entries, make_flow, exact, eaccounting
):
    flow = make_flow(rules(financial_mutations={**GL_MAP, **MEMORIAL}), documents={"transaction_lines"})
    division = exact.start_line["division"]
    all_lines = [t for t in exact.dump()["financialtransaction/TransactionLines"] if t["Division"] == division]
    lines = [t for t in all_lines if t["Type"] == GENERAL_JOURNAL]
    entries = {(t["JournalCode"], t["EntryNumber"]) for t in lines}
    assert len(entries) >= 3

    first = flow.run()

    assert first.returncode == 0
    assert [a for a in first.activity if a["action"] == "failed"] == []
    vouchers = [v for v in eaccounting.dump()["vouchers"] if (v.get("VoucherText") or "").startswith("Exact JE ")]
    assert Counter(v["VoucherText"].split()[2] for v in vouchers) == Counter(f"{j}/{n}" for j, n in entries)
    for voucher in vouchers:
        debit = round(sum(r["DebitAmount"] for r in voucher["Rows"]), 2)
        credit = round(sum(r["CreditAmount"] for r in voucher["Rows"]), 2)
        assert debit == credit > 0
    # Every line reports the voucher of its entry.
    line_activity = [a for a in first.activity if a["stream"] == "transaction_lines"]
    assert len(line_activity) == len(all_lines)
    booked = [a for a in line_activity if a["action"] == "created"]
    assert len(booked) == len(lines) and all(a["target"] == "vouchers" and a["target_id"] for a in booked)
    assert {a["action"] for a in line_activity} == {"created", "skipped"}  # other types are filtered out

    eaccounting.clear_requests_log()
    second = flow.run()

    assert second.returncode == 0
    assert writes(eaccounting.requests_log()) == []
    assert {a["action"] for a in second.activity if a["stream"] == "transaction_lines"} == {"skipped"}


def test_given_an_unmapped_gl_account_when_writing_then_the_entry_fails_naming_the_line_and_its_state_is_held(
    journal_entries, make_flow, exact, eaccounting
):
    partial = {"gl_account_map": [m for m in GL_MAP["gl_account_map"] if m["exact_code"] != "8200"], **MEMORIAL}
    flow = make_flow(rules(financial_mutations=partial), documents={"transaction_lines"})

    output = flow.run()

    failed = [a for a in output.activity if a["action"] == "failed"]
    assert failed
    assert all("GLAccountCode" in a["reason"] and "'8200' is not in gl_account_map" in a["reason"] for a in failed)
    assert [s for s in output.states() if s["stream"]["stream_descriptor"]["name"] == "transaction_lines"] == []


def test_given_balanced_seeded_sales_entries_when_the_flow_runs_twice_then_each_lands_once_as_a_balanced_voucher(
    make_flow, exact, eaccounting
):
    """Each sales entry Exact booked for an invoice (receivable, revenue per line, VAT per code) becomes one voucher
    with the same debit total; a rerun finds them all and writes nothing."""
    flow = make_flow(
        rules(financial_mutations={**GL_MAP, "transaction_types": [SALES_ENTRY]}), documents={"transaction_lines"}
    )
    division = exact.start_line["division"]
    lines = [
        t
        for t in exact.dump()["financialtransaction/TransactionLines"]
        if t["Division"] == division and t["Type"] == SALES_ENTRY
    ]
    receivables = {f"{t['JournalCode']}/{t['EntryNumber']}": t["AmountDC"] for t in lines if t["LineNumber"] == 0}
    assert len(receivables) >= 5 and {t["GLAccountCode"] for t in lines} >= {"1300", "1500", "1510"}
    eaccounting.clear_requests_log()

    first = flow.run()

    assert first.returncode == 0
    assert [a for a in first.activity if a["action"] == "failed"] == []
    vouchers = [v for v in eaccounting.dump()["vouchers"] if (v.get("VoucherText") or "").startswith("Exact JE 70/")]
    by_entry = {v["VoucherText"].split()[2]: v for v in vouchers}
    assert len(vouchers) == len(by_entry) == len(receivables)
    assert len(writes(eaccounting.requests_log())) == len(vouchers)
    for entry, voucher in by_entry.items():
        debit = round(sum(r["DebitAmount"] for r in voucher["Rows"]), 2)
        credit = round(sum(r["CreditAmount"] for r in voucher["Rows"]), 2)
        assert debit == credit == receivables[entry]
        assert "Rounding" not in {r.get("TransactionText") for r in voucher["Rows"]}
    vat_accounts = {r["AccountNumber"] for v in vouchers for r in v["Rows"]} & {2611, 2621}
    assert vat_accounts == {2611, 2621}

    eaccounting.clear_requests_log()
    second = flow.run()

    assert second.returncode == 0
    assert writes(eaccounting.requests_log()) == []
    assert {a["action"] for a in second.activity if a["stream"] == "transaction_lines"} == {"skipped"}
