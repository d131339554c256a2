"""How both flows normalise the keys that match a record to its counterpart: e-mail lower-cased, VAT numbers
compacted, Exact codes stripped of their padding.
"""

from __future__ import annotations

from ledgerbridge_mappings.shared.vat_numbers import parse_vat_number


def email_key(value: str | None) -> str | None:
    if not value:
        return None
    text = value.strip().lower()
    return text or None


def vat_key(value: str | None) -> str | None:
    if not value:
        return None
    parsed = parse_vat_number(value)
    return parsed.compact if parsed else None


def code_key(value: str | None) -> str | None:
    """Exact pads account codes to 18 characters with leading spaces; eAccounting numbers are free text."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None
