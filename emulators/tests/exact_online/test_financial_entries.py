"""Financial entries as an Exact administration holds them: every entry balances (signed AmountDC, debit positive,
summing to zero per EntryID), sales entries book the receivable on the header line (LineNumber 0), revenue per invoice
line and VAT per VAT code on the code's VAT-to-pay account; general journal entries POSTed out of balance are refused,
counting the VAT lines Exact adds for a VATCode."""

from __future__ import annotations

from collections import defaultdict

import pytest

RECEIVABLE, SALES_ENTRY, SALES_CREDIT_NOTE = "1300", 20, 21  # TransactionLines Type (research §8)
LINE_FIELDS = (
    "Timestamp,ID,EntryID,LineNumber,Type,GLAccountCode,Account,AmountDC,AmountFC,AmountVATFC,AmountVATBaseFC,"
    "VATCode,VATPercentage,VATType,InvoiceNumber,JournalCode"
)


def _entries(lines):
    grouped = defaultdict(list)
    for line in lines:
        grouped[line["EntryID"]].append(line)
    return grouped


@pytest.fixture(scope="module")
def transaction_lines(seeded):
    return seeded.rows("sync/Financial/TransactionLines", **{"$filter": "Timestamp gt 1L", "$select": LINE_FIELDS})


@pytest.fixture(scope="module")
def invoice_lines(seeded):
    select = "InvoiceID,LineNumber,AmountDC,VATAmountDC,VATCode,VATPercentage"
    return seeded.rows("bulk/SalesInvoice/SalesInvoiceLines", **{"$select": select})


@pytest.fixture(scope="module")
def vat_codes(seeded):
    rows = seeded.get("vat/VATCodes", **{"$select": "Code,Percentage,GLToPayCode"}).json()["d"]["results"]
    return {row["Code"]: row for row in rows}


def test_given_seeded_administration_when_reading_transaction_lines_then_every_entry_balances(transaction_lines):
    entries = _entries(transaction_lines)

    assert len(entries) > 100
    unbalanced = {
        entry: round(sum(line["AmountDC"] for line in lines), 4)
        for entry, lines in entries.items()
        if abs(sum(line["AmountDC"] for line in lines)) >= 0.005
    }
    assert unbalanced == {}


def test_given_sync_transaction_lines_when_grouped_by_entry_then_line_zero_is_the_receivable_header_and_lines_follow(
    seeded, transaction_lines
):
    invoices = {
        row["InvoiceID"]: row
        for row in seeded.rows("bulk/SalesInvoice/SalesInvoices", **{"$select": "InvoiceID,AmountDC,InvoiceTo,Type"})
    }
    kinds = (SALES_ENTRY, SALES_CREDIT_NOTE)

    sales = {e: lines for e, lines in _entries(transaction_lines).items() if lines[0]["Type"] in kinds}

    assert sales.keys() == invoices.keys()
    assert {lines[0]["Type"] for lines in sales.values()} == set(kinds)
    for entry, lines in sales.items():
        # A credit note (8021, entry type 21) books the reverse of an invoice: the receivable is credited.
        sign = -1 if invoices[entry]["Type"] == 8021 else 1
        assert {line["Type"] for line in lines} == {SALES_CREDIT_NOTE if sign < 0 else SALES_ENTRY}
        headers = [line for line in lines if line["LineNumber"] == 0]
        assert len(headers) == 1, entry
        header = headers[0]
        assert header["GLAccountCode"] == RECEIVABLE and header["Account"] == invoices[entry]["InvoiceTo"]
        assert header["AmountDC"] == invoices[entry]["AmountDC"] and sign * header["AmountDC"] > 0
        # The header carries the entry total: minus the sum of all its other lines.
        assert header["AmountDC"] == pytest.approx(-sum(line["AmountDC"] for line in lines if line is not header))
        numbers = sorted(line["LineNumber"] for line in lines if line is not header)
        assert numbers == list(range(1, len(lines)))
        assert all(sign * line["AmountDC"] < 0 for line in lines if line is not header)
        assert {line["JournalCode"] for line in lines} == {"70"}


def test_given_standard_rated_invoices_when_reading_their_entries_then_one_vat_line_per_vat_code_on_vat_to_pay(
    transaction_lines, invoice_lines, vat_codes
):
    expected: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    bases: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for line in invoice_lines:
        if line["VATAmountDC"]:
            expected[line["InvoiceID"]][line["VATCode"]] += line["VATAmountDC"]
            bases[line["InvoiceID"]][line["VATCode"]] += line["AmountDC"]
    entries = _entries(transaction_lines)

    assert len(expected) > 50
    assert any(len(codes) == 2 for codes in expected.values())  # high and low rate on one invoice
    for invoice, per_code in expected.items():
        vat_lines = [line for line in entries[invoice] if line["VATType"] == "A"]
        assert sorted(line["VATCode"] for line in vat_lines) == sorted(per_code), invoice
        for line in vat_lines:
            code = vat_codes[line["VATCode"]]
            assert line["GLAccountCode"] == code["GLToPayCode"] and line["GLAccountCode"] in ("1500", "1510")
            assert line["AmountDC"] == line["AmountVATFC"] == pytest.approx(-per_code[line["VATCode"]], abs=0.005)
            assert line["AmountVATBaseFC"] == pytest.approx(-bases[invoice][line["VATCode"]], abs=0.005)
            assert line["VATPercentage"] == code["Percentage"] > 0
            assert line["LineNumber"] > max(r["LineNumber"] for r in entries[invoice] if r["VATType"] == "V")


def test_given_reverse_charge_or_export_invoice_when_reading_its_entry_then_vat_code_without_vat_and_no_vat_line(
    transaction_lines,
):
    entries = _entries(transaction_lines)
    zero_rated = [
        lines
        for lines in entries.values()
        if lines[0]["Type"] == SALES_ENTRY and {line["VATCode"] for line in lines if line["LineNumber"]} <= {"4", "5"}
    ]

    assert {line["VATCode"] for lines in zero_rated for line in lines if line["LineNumber"]} == {"4", "5"}
    for lines in zero_rated:
        revenue = [line for line in lines if line["LineNumber"]]
        assert all(line["AmountVATFC"] == 0 and line["GLAccountCode"] in ("8100", "8200") for line in revenue)
        assert [line for line in lines if line["VATType"] == "A"] == []
        assert sum(line["AmountDC"] for line in lines) == pytest.approx(0, abs=0.005)


# ----------------------------------------------------------------------------- general journal entries over the API
def _gl(emulator):
    rows = emulator.get("financial/GLAccounts", **{"$select": "ID,Code"}).json()["d"]["results"]
    return {row["Code"]: row["ID"] for row in rows}


def _booked(emulator, entry_id):
    return emulator.get(
        "financialtransaction/TransactionLines",
        **{
            "$filter": f"EntryID eq guid'{entry_id}'",
            "$select": "LineNumber,GLAccountCode,AmountDC,AmountVATFC,VATCode,VATType",
            "$orderby": "LineNumber",
        },
    ).json()["d"]["results"]


def _count(emulator, path):
    return int(emulator.get(f"{path}/$count").text)


def test_given_unbalanced_journal_entry_when_posted_then_400_naming_debit_and_credit_and_nothing_is_stored(fresh):
    gl = _gl(fresh)
    entries_before = _count(fresh, "generaljournalentry/GeneralJournalEntries")
    lines_before = _count(fresh, "financialtransaction/TransactionLines")

    response = fresh.post(
        "generaljournalentry/GeneralJournalEntries",
        {
            "JournalCode": "90",
            "GeneralJournalEntryLines": [
                {"GLAccount": gl["4500"], "AmountFC": 100.0},
                {"GLAccount": gl["1100"], "AmountFC": -99.0},
            ],
        },
    )

    assert response.status_code == 400
    message = response.json()["error"]["message"]["value"]
    assert "not in balance" in message and "debit 100.00" in message and "credit 99.00" in message
    assert _count(fresh, "generaljournalentry/GeneralJournalEntries") == entries_before
    assert _count(fresh, "generaljournalentry/GeneralJournalEntryLines") == 0
    assert _count(fresh, "financialtransaction/TransactionLines") == lines_before


def test_given_journal_line_with_vat_code_when_posted_then_exact_adds_the_vat_line_and_the_entry_balances(fresh):
    gl = _gl(fresh)

    response = fresh.post(
        "generaljournalentry/GeneralJournalEntries",
        {
            "JournalCode": "90",
            "GeneralJournalEntryLines": [
                {"GLAccount": gl["1300"], "AmountFC": 121.0},
                {"GLAccount": gl["8000"], "AmountFC": -100.0, "VATCode": "1"},
            ],
        },
    )

    assert response.status_code == 201, response.text
    entry = response.json()["d"]
    revenue = next(line for line in entry["GeneralJournalEntryLines"]["results"] if line["VATCode"] == "1")
    assert revenue["AmountVATFC"] == -21.0 and revenue["VATBaseAmountFC"] == -100.0 and revenue["VATPercentage"] == 0.21
    booked = [
        (r["LineNumber"], r["GLAccountCode"], r["AmountDC"], r["VATType"]) for r in _booked(fresh, entry["EntryID"])
    ]
    assert booked == [(1, "1300", 121.0, None), (2, "8000", -100.0, "V"), (3, "1500", -21.0, "A")]


@pytest.mark.parametrize(
    ("lines", "fragment"),
    [
        pytest.param([("1300", 100.0, {}), ("8000", -100.0, {"VATCode": "1"})], "not in balance", id="vat-not-counted"),
        pytest.param([("1300", 100.0, {}), ("8000", -100.0, {"AmountVATFC": -21.0})], "VATCode", id="vat-no-code"),
        pytest.param([("1300", 100.0, {}), ("8000", -100.0, {"VATCode": "99"})], "VATCode '99'", id="unknown-code"),
    ],
)
def test_given_journal_entry_with_wrong_vat_when_posted_then_400(fresh, lines, fragment):
    gl = _gl(fresh)
    body = [{"GLAccount": gl[code], "AmountFC": amount, **extra} for code, amount, extra in lines]

    response = fresh.post(
        "generaljournalentry/GeneralJournalEntries", {"JournalCode": "90", "GeneralJournalEntryLines": body}
    )

    assert response.status_code == 400
    assert fragment in response.json()["error"]["message"]["value"]
    assert _count(fresh, "generaljournalentry/GeneralJournalEntries") == 0
