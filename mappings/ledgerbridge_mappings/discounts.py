"""Discounts: Exact's line and order discounts → eAccounting's row discount fraction (0-1, four decimals)."""

from __future__ import annotations

from .amounts import fraction, money
from .plan import RecordRejected
from .rules.discounts import DiscountRules, DiscountUnit, OrderDiscountMode


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


def order_discount_share(
    rules: DiscountRules, percentage: float | None, amount: float | None, gross_after_lines: float, field_name: str
) -> float:
    """The order-level discount as a fraction of the lines' total after line discounts.

    Exact keeps it as a percentage (``Discount``) and/or an amount (``AmountDiscount``); the percentage wins when both
    are present. An amount larger than the total is an error.
    """
    if rules.order_discount is OrderDiscountMode.IGNORE:
        return 0.0
    share = as_fraction(percentage, rules.exact_unit, field_name)
    if share == 0.0 and amount:
        if gross_after_lines <= 0:
            raise RecordRejected(field_name, f"order discount amount {amount} on an order without amount")
        share = money(amount) / gross_after_lines
        if share > 1 + 1e-9:
            raise RecordRejected(field_name, f"order discount amount {amount} exceeds the order total")
    return min(share, 1.0)
