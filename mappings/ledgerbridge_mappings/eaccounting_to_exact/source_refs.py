"""Which eAccounting record a planned Exact write came from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledgerbridge_mappings.plan import SourceRef


def source_ref(stream: str, record: Mapping[str, Any], number_field: str) -> SourceRef:
    record_id, number = record.get("Id"), record.get(number_field)
    return SourceRef(stream, str(record_id) if record_id else None, str(number) if number not in (None, "") else None)
