"""Money and quantity rounding as both APIs expect it: half away from zero on the decimal value, not the float."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from ledgerbridge_mappings.plan import RecordRejected

_QUANTUM = {n: Decimal(1).scaleb(-n) for n in range(7)}


def round_half_up(value: float, decimals: int) -> float:
    """Round like an accountant: 2.675 → 2.68 and -2.675 → -2.68 (``round()`` gives 2.67 on the binary float).

    ``repr`` gives the shortest decimal that reads back as the same float, i.e. the number the user typed.
    """
    if value == int(value) and abs(value) < 1e15:
        return float(value) + 0.0  # whole numbers need no rounding; + 0.0 turns -0.0 into 0.0
    rounded = float(Decimal(repr(value)).quantize(_QUANTUM[decimals], rounding=ROUND_HALF_UP))
    return rounded if rounded else 0.0


def money(value: float) -> float:
    return round_half_up(value, 2)


def fraction(value: float) -> float:
    """eAccounting stores discount percentages as a fraction with four decimals."""
    return round_half_up(value, 4)


def to_number(value: object, field_name: str) -> float:
    """Numbers arrive typed from the sources; tolerate numeric strings (Exact sometimes sends them) and nothing else."""
    kind = type(value)
    if isinstance(value, float) and kind is float and math.isfinite(value):
        return value
    if isinstance(value, int) and kind is int:
        return float(value)
    if isinstance(value, bool):
        raise RecordRejected(field_name, f"expected a number, got {value!r}")
    if isinstance(value, int | float):
        if math.isnan(value) or math.isinf(value):
            raise RecordRejected(field_name, f"expected a finite number, got {value!r}")
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise RecordRejected(field_name, f"expected a number, got {value!r}") from None
        if math.isnan(number) or math.isinf(number):
            raise RecordRejected(field_name, f"expected a finite number, got {value!r}")
        return number
    raise RecordRejected(field_name, f"expected a number, got {value!r}")


def split_total(parts: Sequence[float], total: float) -> list[float]:
    """``parts`` scaled to add up to ``total`` to the cent; the rounding remainder goes to the largest part."""
    base = sum(parts)
    scaled = [money(part * total / base) if base else 0.0 for part in parts]
    if not scaled:
        return scaled
    difference = money(total - sum(scaled))
    if difference:
        largest = max(range(len(scaled)), key=lambda i: abs(scaled[i]))
        scaled[largest] = money(scaled[largest] + difference)
    return scaled
