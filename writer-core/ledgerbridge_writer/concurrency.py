"""How many writes a destination may have in flight at once, and what paces them.

A destination sets ``max_in_flight`` per endpoint (target collection) from its config; the write loop then overlaps
independent records, never more than that many per endpoint and never more than the endpoint's call budget can use
(see ``endpoint_lanes``). ``max_in_flight = 1`` is the sequential loop of before: one write at a time, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

SEQUENTIAL = 1
SETTING = "max_concurrent_writes"  # the destinations' config key


def _never_throttled(endpoint: str) -> int:
    return 0


@dataclass(frozen=True, slots=True)
class WriteConcurrency:
    #: Writes in flight per endpoint at most; 1 sends one write at a time.
    max_in_flight: int = SEQUENTIAL
    #: The destination's pace per endpoint (what its client keeps); caps the writes in flight to what that pace can
    #: use at the measured round trip. None: no cap beyond ``max_in_flight``.
    calls_per_minute: int | None = None
    #: How many 429 answers the endpoint has had so far (cumulative; the client's pacer counts them): a new one
    #: halves that endpoint's writes in flight, which then grow back one at a time.
    throttled: Callable[[str], int] = field(default=_never_throttled)

    def __post_init__(self) -> None:
        if self.max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        if self.calls_per_minute is not None and self.calls_per_minute < 1:
            raise ValueError("calls_per_minute must be at least 1")

    @property
    def sequential(self) -> bool:
        return self.max_in_flight == SEQUENTIAL


def configured_in_flight(config: Mapping[str, Any], default: int, maximum: int) -> int:
    """The destination's ``max_concurrent_writes`` setting (``default`` when absent); ``ValueError`` names the key."""
    value = config.get(SETTING, default)
    if isinstance(value, bool) or not isinstance(value, int) or not SEQUENTIAL <= value <= maximum:
        raise ValueError(f"{SETTING}: must be a whole number from {SEQUENTIAL} to {maximum}")
    return value
