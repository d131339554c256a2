"""Parties of either system (eAccounting customers, Exact accounts) by each key a rule may match them on.

Both flows find a party's counterpart the same way: by e-mail, by number (eAccounting CustomerNumber = Exact account
code) or by VAT number, each normalised by ``match_keys``. The one thing that differs is which party keeps a key two
parties share, so the caller says when a newcomer replaces the party already there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ledgerbridge_mappings.shared.match_keys import code_key, email_key, vat_key
from ledgerbridge_mappings.shared.rules.match_keys import MatchKey

PartyT = TypeVar("PartyT")


def _never(present: object) -> bool:
    return False


@dataclass(slots=True)
class PartyIndex(Generic[PartyT]):
    by_email: dict[str, PartyT] = field(default_factory=dict)
    by_number: dict[str, PartyT] = field(default_factory=dict)
    by_vat: dict[str, PartyT] = field(default_factory=dict)

    def put(
        self,
        party: PartyT,
        *,
        email: str | None,
        number: str | None,
        vat: str | None,
        replaces: Callable[[PartyT], bool] = _never,
    ) -> None:
        """Index ``party`` under each key it has; a key already taken stays with its party unless ``replaces`` it."""
        for key, table in (
            (email_key(email), self.by_email),
            (code_key(number), self.by_number),
            (vat_key(vat), self.by_vat),
        ):
            if key is None:
                continue
            present = table.get(key)
            if present is None or replaces(present):
                table[key] = party

    def find(self, match_key: str, value: str | None) -> PartyT | None:
        if match_key == MatchKey.EMAIL:
            return self.by_email.get(email_key(value) or "")
        if match_key == MatchKey.CUSTOMER_NUMBER:
            return self.by_number.get(code_key(value) or "")
        if match_key == MatchKey.VAT_NUMBER:
            return self.by_vat.get(vat_key(value) or "")
        raise ValueError(f"unknown customer match key {match_key!r}")
