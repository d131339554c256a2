"""Values as the API writes them on the wire: UTC timestamps in `$filter` literals, 2-decimal amounts."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

# .NET serialises up to 7 fractional digits; Python's datetime keeps 6.
_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_api_datetime(value: str) -> datetime:
    """Parse an API timestamp; a value without an offset is UTC (the API's *Utc fields are UTC by name)."""
    text = _FRACTION.sub(r"\1", value.strip())
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def filter_datetime_literal(value: str | datetime) -> str:
    """An OData datetime literal for `$filter` (unquoted, UTC, `Z` suffix).

    Fractional seconds are kept exactly as the record carried them, so `ChangedUtc gt <literal>` excludes the
    record the value came from and nothing after it.
    """
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{moment.microsecond:06d}" if moment.microsecond else "") + "Z"
    text = value.strip()
    parse_api_datetime(text)  # reject garbage before it reaches the API as a 6001 InvalidInput
    if text.endswith(("Z", "z")):
        return text[:-1] + "Z"
    if re.search(r"[+-]\d{2}:\d{2}$", text):
        return filter_datetime_literal(parse_api_datetime(text))
    return text + "Z"


def to_amount(value: float | int | str | Decimal, decimals: int = 2) -> float:
    """Round an amount the way the API stores it (half up; `Format: 2 decimals` in the spec)."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def odata_string(value: str) -> str:
    """A string literal for a ``$filter`` expression: quoted, single quotes doubled."""
    return "'" + value.replace("'", "''") + "'"
