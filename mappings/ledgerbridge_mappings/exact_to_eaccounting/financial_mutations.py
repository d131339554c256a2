"""Exact financial mutations → balanced eAccounting vouchers.

Exact's ``TransactionLines`` stream is flat: one record per ledger line, signed ``AmountDC`` (debit positive), the
lines of one entry sharing ``EntryID``. A destination groups them (``group_by_entry``) and plans one voucher per entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ledgerbridge_mappings.exact_to_eaccounting.cost_centres import CostCentreResolver
from ledgerbridge_mappings.exact_to_eaccounting.lookups import EAccountingLookups
from ledgerbridge_mappings.exact_to_eaccounting.rules.flow import EAccountingRules
from ledgerbridge_mappings.exact_to_eaccounting.vat import VatResolver
from ledgerbridge_mappings.plan import Action, PlannedWrite, RecordPlan, RecordRejected, SourceRef
from ledgerbridge_mappings.shared.amounts import money, to_number
from ledgerbridge_mappings.shared.field_map import apply_field_map
from ledgerbridge_mappings.shared.rules.field_map import FieldMapScope
from ledgerbridge_mappings.shared.text import clean, iso_date
from ledgerbridge_mappings.shared.vat_scenarios import VatParty

VOUCHERS = "vouchers"
OPENING_BALANCE = 10


def group_by_entry(lines: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Transaction lines per ``EntryID``, in the order they arrived."""
    grouped: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for line in lines:
        grouped[str(line.get("EntryID") or "")].append(line)
    return dict(grouped)


def entry_reference(prefix: str, lines: Sequence[Mapping[str, Any]]) -> str:
    first = lines[0]
    return f"{prefix} JE {clean(first.get('JournalCode')) or '?'}/{first.get('EntryNumber')}"


class FinancialMutationPlanner:
    def __init__(self, rules: EAccountingRules, lookups: EAccountingLookups) -> None:
        self.rules = rules
        self.lookups = lookups
        self._mutations = rules.financial_mutations
        self._gl_map = {m.exact_code.strip(): m.eaccounting_account for m in self._mutations.gl_account_map}
        self._vat = VatResolver(rules.vat, lookups.vat_codes)
        self._cost_centres = CostCentreResolver(rules.cost_centres, lookups.cost_center_items)
        self._voucher_map = rules.field_map.for_scope(FieldMapScope.VOUCHER)

    def plan_entry(self, lines: Sequence[Mapping[str, Any]], stream: str = "transaction_lines") -> RecordPlan:
        first = lines[0] if lines else {}
        number = first.get("EntryNumber")
        ref = SourceRef(stream, clean(first.get("EntryID")), str(number) if number is not None else None)
        return RecordPlan.built(ref, lambda plan: self._plan(lines, ref, plan))

    def _plan(self, lines: Sequence[Mapping[str, Any]], ref: SourceRef, plan: RecordPlan) -> None:
        if not lines:
            raise RecordRejected("EntryID", "no transaction lines")
        entry_ids = {str(line.get("EntryID")) for line in lines}
        if len(entry_ids) > 1:
            raise RecordRejected("EntryID", f"lines of {len(entry_ids)} entries given as one")
        first = lines[0]
        skip = self._filtered_out(first)
        if skip is not None:
            plan.writes.append(PlannedWrite(VOUCHERS, Action.SKIP, {}, ref, skip))
            return
        reference = entry_reference(self.rules.documents.reference.prefix, lines)
        existing = self.lookups.existing.get(VOUCHERS, reference)
        if existing is not None:
            plan.writes.append(
                PlannedWrite(
                    VOUCHERS, Action.SKIP, {}, ref, f"already in eAccounting as {reference}", target_id=existing
                )
            )
            return
        rows: list[dict[str, Any]] = []
        balance = 0.0
        ordered = sorted(enumerate(lines), key=lambda pair: (pair[1].get("LineNumber") or 0, pair[0]))
        for position, line in ordered:
            prefix = f"lines[{position}] (LineNumber {line.get('LineNumber')})"
            amount = money(to_number(line.get("AmountDC", 0) or 0, f"{prefix}.AmountDC"))
            if not amount:
                continue
            balance += amount
            row: dict[str, Any] = {"AccountNumber": self._account(line, prefix)}
            if amount > 0:
                row["DebitAmount"], row["CreditAmount"] = amount, 0.0
            else:
                row["DebitAmount"], row["CreditAmount"] = 0.0, -amount
            text = clean(line.get("Description"))
            if text:
                row["TransactionText"] = text[:60]
            vat_code = clean(line.get("VATCode"))
            if vat_code and self.rules.vat.code_map:
                decision = self._vat.resolve(vat_code, VatParty(None, False), f"{prefix}.VATCode")
                row["VatCodeId"] = decision.code.id
            for name, item_id in self._cost_centres.fields(
                line.get("CostCenter"), line.get("CostUnit"), prefix
            ).items():
                if name == "CostCenterItemId1":
                    raise RecordRejected(
                        f"{prefix}.CostCenter",
                        "cost_centres maps to dimension 1, which eAccounting vouchers cannot carry (read-only)",
                    )
                row[name] = item_id
            rows.append(row)
        difference = money(balance)
        if difference:
            self._settle_rounding(difference, rows, reference)
        if len(rows) < 2:
            raise RecordRejected("AmountDC", f"entry {reference} has fewer than two non-zero lines")
        description = clean(first.get("Description"))
        body = {
            "VoucherDate": iso_date(first.get("Date"), "Date"),
            "VoucherText": (f"{reference} {description}" if description else reference)[:1000],
            "Rows": rows,
        }
        if body["VoucherDate"] is None:
            raise RecordRejected("Date", "missing")
        if self._voucher_map:
            apply_field_map(self._voucher_map, dict(first), body)
        plan.writes.append(
            PlannedWrite(VOUCHERS, Action.CREATE, body, ref, "new voucher", key=f"{VOUCHERS}/{reference}")
        )

    def _filtered_out(self, line: Mapping[str, Any]) -> str | None:
        types = self._mutations.transaction_types
        entry_type = line.get("Type")
        if types and entry_type not in types:
            return f"Type {entry_type} not in financial_mutations.transaction_types {types}"
        if not types and entry_type == OPENING_BALANCE:
            return "Type 10 (opening balance) is not transferred by default"
        journals = self._mutations.journals
        journal = clean(line.get("JournalCode"))
        if journals and journal not in journals:
            return f"JournalCode {journal} not in financial_mutations.journals {journals}"
        return None

    def _account(self, line: Mapping[str, Any], prefix: str) -> int:
        code = clean(line.get("GLAccountCode"))
        if code is None:
            raise RecordRejected(f"{prefix}.GLAccountCode", "missing")
        mapped = self._gl_map.get(code)
        if mapped is not None:
            return mapped
        if self._mutations.same_number_when_unmapped and code.isdigit() and 1 <= int(code) <= 9_999_999_999:
            return int(code)
        raise RecordRejected(f"{prefix}.GLAccountCode", f"Exact G/L account {code!r} is not in gl_account_map")

    def _settle_rounding(self, difference: float, rows: list[dict[str, Any]], reference: str) -> None:
        tolerance = self._mutations.rounding_tolerance
        account = self._mutations.rounding_account
        if abs(difference) > tolerance + 1e-9 or account is None:
            hint = "" if account is not None else " (no rounding_account configured)"
            raise RecordRejected("AmountDC", f"entry {reference} is unbalanced by {difference:.2f}{hint}")
        # Debits exceed credits by `difference`: credit it to the rounding account (and the other way round).
        if difference > 0:
            rows.append(
                {
                    "AccountNumber": account,
                    "DebitAmount": 0.0,
                    "CreditAmount": difference,
                    "TransactionText": "Rounding",
                }
            )
        else:
            rows.append(
                {
                    "AccountNumber": account,
                    "DebitAmount": -difference,
                    "CreditAmount": 0.0,
                    "TransactionText": "Rounding",
                }
            )
