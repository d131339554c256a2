"""An Exact line's amount written as an eAccounting row: quantity x unit price x (1 - discount), to the same cent.

eAccounting computes a row's amount itself from those three fields, with the unit price rounded to 2 decimals for
domestic documents (4 for a foreign customer or currency) and the discount to 4 decimals, so the row is priced with
the Exact line's own price and discount when that lands on the line's amount, and otherwise with the price or
discount that does. A line no such row can express is refused, never written a few cents off.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ledgerbridge_mappings.plan import RecordRejected
from ledgerbridge_mappings.shared.amounts import fraction, money, round_half_up

_HALF_CENT = 0.005 - 1e-9
_PRICE_STEPS = 50


@dataclass(frozen=True, slots=True)
class RowPrice:
    unit_price: float
    discount: float
    net: float  # what eAccounting will compute for the row


def eaccounting_row_net(quantity: float, unit_price: float, discount: float) -> float:
    return money(quantity * unit_price * (1.0 - discount))


def price_row(
    quantity: float, unit_price: float, discount: float, amount: float, price_decimals: int, field_name: str
) -> RowPrice:
    """The row that comes to ``amount``: Exact's price and discount if they do, else an adjusted one of them."""
    nearest: float | None = None
    for candidate_price, candidate_discount in _candidates(quantity, unit_price, discount, amount, price_decimals):
        if candidate_price < 0:
            continue
        net = eaccounting_row_net(quantity, candidate_price, candidate_discount)
        if abs(net - amount) <= _HALF_CENT:
            return RowPrice(candidate_price, candidate_discount, net)
        if nearest is None or abs(net - amount) < abs(nearest - amount):
            nearest = net
    shown = f"{nearest:.2f}" if nearest is not None else "none"
    raise RecordRejected(
        field_name,
        f"{amount:.2f} cannot be written as quantity {quantity:g} x a unit price with {price_decimals} decimals and "
        f"a 4-decimal discount (nearest {shown})",
    )


def _candidates(
    quantity: float, unit_price: float, discount: float, amount: float, price_decimals: int
) -> Iterator[tuple[float, float]]:
    """(price, discount) pairs in order of preference, made one at a time: most lines land on Exact's own pair, so
    the search below it is rarely built."""
    price = round_half_up(unit_price, price_decimals)
    yield price, fraction(discount)
    if not quantity:
        return
    yield round_half_up(amount / quantity, price_decimals), 0.0
    # Keep the discount the customer sees and let the price move by a few of its smallest units until the
    # rounded discount lands on the amount: a 4-decimal discount alone moves a large row by more than a cent.
    step = 10.0**-price_decimals
    for offset in sorted(range(-_PRICE_STEPS, _PRICE_STEPS + 1), key=abs):
        nearby = round_half_up(price + offset * step, price_decimals)
        if nearby > 0:
            implied = 1.0 - amount / (quantity * nearby)
            if -1e-9 <= implied <= 1.0 + 1e-9:
                yield nearby, fraction(min(max(implied, 0.0), 1.0))
