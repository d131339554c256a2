"""Amounts as eAccounting stores them: rounded to the cent."""

from __future__ import annotations


def money(value: float) -> float:
    return round(value + 0.0, 2)
