"""Discounts: Exact's line discounts → eAccounting's row discount fraction (0-1, four decimals)."""

from __future__ import annotations

from ledgerbridge_mappings.exact_to_eaccounting.rules.discounts import DiscountUnit
from ledgerbridge_mappings.plan import RecordRejected
from ledgerbridge_mappings.shared.amounts import fraction


def as_fraction(value: float | None, unit: DiscountUnit, field_name: str) -> float:
    """A discount in the configured Exact unit as a fraction; outside 0-100 % is an error naming the field."""
    if value is None:
        return 0.0
    share = value / 100.0 if unit is DiscountUnit.PERCENT else value
    if share < -1e-9 or share > 1 + 1e-9:
        shown = f"{value}%" if unit is DiscountUnit.PERCENT else f"{value} (fraction)"
        raise RecordRejected(field_name, f"discount {shown} is outside 0-100 %")
    return min(max(share, 0.0), 1.0)


def combine(line: float, order: float) -> float:
    """A line discount and an order discount applied one after the other: 20 % then 10 % is 28 %."""
    return fraction(1.0 - (1.0 - line) * (1.0 - order))
