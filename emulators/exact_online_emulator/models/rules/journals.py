"""Journal rules: general journal entries that must balance, booked as transaction lines with their VAT lines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from exact_online_emulator.entities import ENTITY_BY_PATH
from exact_online_emulator.exceptions import BadRequest
from exact_online_emulator.models.rules.lookups import by_code, lookup

if TYPE_CHECKING:
    from exact_online_emulator.models.division import Division
    from exact_online_emulator.models.rules.ledger import Ledger
    from exact_online_emulator.models.store import Row


def _create_journal_entry(backend: Ledger, division: Division, values: dict[str, Any]) -> None:
    journal = by_code(division, "financial/Journals", values.get("JournalCode"))
    if values.get("JournalCode") and journal is None:
        raise BadRequest(
            f"Invalid reference: JournalCode '{values['JournalCode']}' does not exist in financial/Journals."
        )
    if journal is not None:
        values["JournalDescription"] = journal.get("Description")
    values["EntryNumber"] = division.next_number("entry_number", 1)
    values.setdefault("Currency", "EUR")
    values.setdefault("ExchangeRate", 1.0)
    values["Status"] = 20
    values["StatusDescription"] = "Open"
    values["Type"] = 90
    values["TypeDescription"] = "Other"
    now = backend.clock.now()
    values.setdefault("FinancialYear", now.year)
    values.setdefault("FinancialPeriod", now.month)


def _prepare_journal_line(backend: Ledger, division: Division, header: Row, values: dict[str, Any]) -> None:
    gl = lookup(division, "financial/GLAccounts", values.get("GLAccount"))
    if gl is not None:
        values.update(GLAccountCode=gl.get("Code"), GLAccountDescription=gl.get("Description"))
    values.setdefault("AmountFC", 0.0)
    values.setdefault("AmountDC", values["AmountFC"])
    values.setdefault("Date", backend.now_wire())
    values.update(EntryNumber=header.get("EntryNumber"), JournalCode=header.get("JournalCode"))
    _journal_line_vat(division, values)


def _journal_line_vat(division: Division, values: dict[str, Any]) -> None:
    """A VATCode on a journal line makes Exact add the VAT line itself: excluding codes put VAT on top of the
    amount, including codes take it out of the amount; a given AmountVATFC overrides the calculation."""
    code = values.get("VATCode")
    if not code:
        if values.get("AmountVATFC") is not None:
            raise BadRequest("AmountVATFC can only be set together with VATCode.")
        return
    vat = by_code(division, "vat/VATCodes", code)
    if vat is None:
        raise BadRequest(f"Invalid reference: VATCode '{code}' does not exist in vat/VATCodes.")
    percentage = values.get("VATPercentage")
    if percentage is None:
        percentage = vat.get("Percentage") or 0.0
    amount = values["AmountFC"]
    kind = vat.get("Type")
    if kind == "I":
        vat_amount = values.get("AmountVATFC")
        vat_amount = round(amount * percentage / (1 + percentage), 2) if vat_amount is None else vat_amount
        base = round(amount - vat_amount, 2)
    elif kind == "E":
        vat_amount = values.get("AmountVATFC")
        vat_amount = round(amount * percentage, 2) if vat_amount is None else vat_amount
        base = amount
    else:  # B (0 %, base only) and N (no VAT): the code is recorded, no VAT is booked
        vat_amount, base = 0.0, amount
    if vat_amount and _vat_account(vat, vat_amount) is None:
        raise BadRequest(f"VAT code '{vat.get('Code')}' has no G/L account to book VAT to (GLToPay/GLToClaim).")
    values.update(
        VATCode=vat.get("Code"),
        VATCodeDescription=vat.get("Description"),
        VATPercentage=percentage,
        AmountVATFC=vat_amount,
        AmountVATDC=vat_amount,
        VATBaseAmountFC=base,
        VATBaseAmountDC=base,
    )
    if vat_amount:
        values["VATType"] = "V" if amount <= 0 else "I"  # sales basis / purchase basis


def _vat_account(vat: Row, vat_amount: float) -> tuple[str, str | None, str | None] | None:
    """VAT credited (sales) goes to the VAT-to-pay account, VAT debited to the VAT-to-claim account when the code has
    one (else it corrects the VAT to pay)."""
    for prefix in ("GLToPay",) if vat_amount < 0 else ("GLToClaim", "GLToPay"):
        if vat.get(prefix):
            return vat[prefix], vat.get(f"{prefix}Code"), vat.get(f"{prefix}Description")
    return None


def _ledger_amount(line: dict[str, Any]) -> float:
    """What a journal line books on its own G/L account: with an including VAT code, the amount without its VAT."""
    amount: float = line.get("AmountDC") or 0.0
    if line.get("VATBaseAmountDC") is not None and line.get("AmountVATDC"):
        base: float = line["VATBaseAmountDC"]
        return base
    return amount


def _check_journal_balance(division: Division, header: dict[str, Any], lines: list[dict[str, Any]]) -> None:
    """Exact only saves an entry whose debits equal its credits, counting the VAT lines it adds itself."""
    booked = [_ledger_amount(line) for line in lines] + [line.get("AmountVATDC") or 0.0 for line in lines]
    debit = round(sum(amount for amount in booked if amount > 0), 2)
    credit = round(-sum(amount for amount in booked if amount < 0), 2)
    if abs(debit - credit) >= 0.005:
        raise BadRequest(
            f"The entry is not in balance: debit {debit:.2f}, credit {credit:.2f} "
            f"(difference {debit - credit:.2f}, VAT included)."
        )


def _book_journal_entry(backend: Ledger, division: Division, header: Row, lines: list[dict[str, Any]]) -> None:
    """General journal entries post straight to the ledger: one financial transaction line per entry line, then one
    VAT line per line that carries VAT, numbered after them."""
    entity = ENTITY_BY_PATH["financialtransaction/TransactionLines"]
    vat_rows: list[dict[str, Any]] = []
    for line in lines:
        account = lookup(division, "crm/Accounts", line.get("Account"))
        row = {
            "ID": backend.new_guid(),
            "EntryID": header["EntryID"],
            "EntryNumber": header.get("EntryNumber"),
            "Date": line.get("Date"),
            "FinancialYear": header.get("FinancialYear"),
            "FinancialPeriod": header.get("FinancialPeriod"),
            "GLAccount": line.get("GLAccount"),
            "GLAccountCode": line.get("GLAccountCode"),
            "GLAccountDescription": line.get("GLAccountDescription"),
            "AmountDC": _ledger_amount(line),
            "AmountFC": _ledger_amount(line),
            "AmountVATFC": line.get("AmountVATFC"),
            "AmountVATBaseFC": line.get("VATBaseAmountFC"),
            "VATCode": line.get("VATCode"),
            "VATCodeDescription": line.get("VATCodeDescription"),
            "VATPercentage": line.get("VATPercentage"),
            "VATType": line.get("VATType"),
            "Account": line.get("Account"),
            "AccountCode": account.get("Code") if account else None,
            "AccountName": account.get("Name") if account else None,
            "CostCenter": line.get("CostCenter"),
            "CostUnit": line.get("CostUnit"),
            "Description": line.get("Description"),
            "JournalCode": header.get("JournalCode"),
            "JournalDescription": header.get("JournalDescription"),
            "Currency": header.get("Currency"),
            "LineNumber": line.get("LineNumber"),
            "LineType": 0,
            "Type": 90,
            "Status": 20,
            "Quantity": line.get("Quantity"),
        }
        backend.stamp(division, entity, {k: v for k, v in row.items() if v is not None}, created=True)
        vat_amount: float = line.get("AmountVATDC") or 0.0
        vat = by_code(division, "vat/VATCodes", line.get("VATCode")) if vat_amount else None
        vat_gl = _vat_account(vat, vat_amount) if vat is not None else None
        if vat is not None:
            if vat_gl is None:
                raise BadRequest(f"VAT code {vat.get('Code')} has no VAT account.")
            gl, gl_code, gl_description = vat_gl
            vat_rows.append(
                {
                    **row,
                    "GLAccount": gl,
                    "GLAccountCode": gl_code,
                    "GLAccountDescription": gl_description,
                    "AmountDC": vat_amount,
                    "AmountFC": vat_amount,
                    "VATType": "A" if vat_amount < 0 else "O",
                    "Item": None,
                    "Quantity": None,
                    "CostCenter": None,
                    "CostUnit": None,
                }
            )
    for number, row in enumerate(vat_rows, start=len(lines) + 1):
        row.update(ID=backend.new_guid(), LineNumber=number)
        backend.stamp(division, entity, {k: v for k, v in row.items() if v is not None}, created=True)


CREATE = {"generaljournalentry/GeneralJournalEntries": _create_journal_entry}
LINE_PREPARE = {"generaljournalentry/GeneralJournalEntryLines": _prepare_journal_line}
LINES_CHECK = {"generaljournalentry/GeneralJournalEntries": _check_journal_balance}
LINES_COMMITTED = {"generaljournalentry/GeneralJournalEntries": _book_journal_entry}
