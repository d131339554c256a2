"""Currency codes and exchange rates in rule configs, checked when the config is read."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import StringConstraints

CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$", to_upper=True)]


def checked_rates(rates: dict[str, float]) -> dict[str, float]:
    """Exchange rates must be positive finite numbers: a zero or NaN rate would book nothing, silently."""
    for code, rate in rates.items():
        if not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"the rate of {code} must be a positive number, got {rate!r}")
    return rates
