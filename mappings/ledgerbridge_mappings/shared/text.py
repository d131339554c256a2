"""Fitting text into the target API's field lengths, by the configured long-text rule."""

from __future__ import annotations

from typing import Any

from ledgerbridge_mappings.plan import RecordRejected
from ledgerbridge_mappings.shared.rules.base import LongText


def clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def fit(value: Any, limit: int, field_name: str, rule: LongText) -> str | None:
    """Trimmed text within ``limit`` characters, or ``None`` for empty; too long → error or truncation per the rule."""
    text = clean(value)
    if text is None or len(text) <= limit:
        return text
    if rule is LongText.TRUNCATE:
        return text[:limit].rstrip()
    raise RecordRejected(field_name, f"{len(text)} characters; the target allows {limit}")


def iso_date(value: Any, field_name: str) -> str | None:
    """``2024-05-01T00:00:00Z`` → ``2024-05-01``: eAccounting expects dates as YYYY-MM-DD."""
    text = clean(value)
    if text is None:
        return None
    date_part = text[:10]
    if len(date_part) != 10 or date_part[4] != "-" or date_part[7] != "-" or not date_part.replace("-", "").isdigit():
        raise RecordRejected(field_name, f"{value!r} is not an ISO 8601 date")
    return date_part
