"""Exact payment condition codes → eAccounting terms of payment ids."""

from __future__ import annotations

from ledgerbridge_mappings.exact_to_eaccounting.lookups import TermsOfPaymentIndex
from ledgerbridge_mappings.exact_to_eaccounting.rules.payment_terms import PaymentTermsRules
from ledgerbridge_mappings.plan import RecordRejected


class TermsResolver:
    def __init__(self, rules: PaymentTermsRules, terms: TermsOfPaymentIndex) -> None:
        self._rules = rules
        self._terms = terms
        self._map = {m.exact_code.strip().upper(): m.eaccounting_terms for m in rules.map}

    def resolve(self, exact_condition: str | None, field_name: str) -> str | None:
        """Terms id for a document, or ``None`` to let eAccounting use the customer's own terms."""
        if self._rules.force_default:
            return self._lookup(self._rules.default_terms, field_name, "payment_terms.default_terms")
        code = (exact_condition or "").strip().upper()
        if code and code in self._map:
            return self._lookup(self._map[code], field_name, f"payment_terms.map[{code}]")
        if self._rules.default_terms:
            return self._lookup(self._rules.default_terms, field_name, "payment_terms.default_terms")
        return None

    def for_new_customer(self, exact_condition: str | None, field_name: str) -> str:
        """A new customer must have terms of payment (TermsOfPaymentId is required on create)."""
        terms = self.resolve(exact_condition, field_name)
        if terms is None:
            shown = repr(exact_condition) if exact_condition else "no payment condition"
            raise RecordRejected(field_name, f"{shown} is not in payment_terms.map and there is no default_terms")
        return terms

    def _lookup(self, id_or_name: str | None, field_name: str, setting: str) -> str:
        ref = self._terms.resolve(id_or_name)
        if ref is None:
            raise RecordRejected(field_name, f"terms of payment {id_or_name!r} from {setting} do not exist")
        return ref.id
