"""What an update sends: only the fields that differ from the target's current record and are not create-only.

Comparison is by meaning, not by representation: Exact returns Byte flags as 0/1, GUIDs in any case and text with
surrounding spaces, and an empty string where a field was never filled.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

_GUID_LENGTH = 36


def same_value(wanted: Any, current: Any) -> bool:
    if wanted is None or wanted == "":
        return current is None or current == ""
    if isinstance(wanted, bool):
        return current is not None and bool(current) is wanted
    if isinstance(wanted, int | float):
        if isinstance(current, bool) or not isinstance(current, int | float):
            return False
        return abs(float(wanted) - float(current)) < 1e-9
    if isinstance(wanted, str):
        if not isinstance(current, str):
            return False
        left, right = wanted.strip(), current.strip()
        if left == right:
            return True
        return len(left) == _GUID_LENGTH and left.lower() == right.lower()
    return bool(wanted == current)


def changed_fields(
    body: Mapping[str, Any],
    current: Mapping[str, Any],
    create_only: Collection[str] = (),
    identity: Collection[str] = (),
) -> dict[str, Any]:
    """The part of ``body`` to send as an update. ``identity`` fields (the match key, codes) are never updated."""
    return {
        name: value
        for name, value in body.items()
        if name not in create_only and name not in identity and not same_value(value, current.get(name))
    }
