"""Which field finds a party's counterpart on the other side."""

from __future__ import annotations

from enum import StrEnum


class MatchKey(StrEnum):
    EMAIL = "email"
    CUSTOMER_NUMBER = "customer_number"
    VAT_NUMBER = "vat_number"
