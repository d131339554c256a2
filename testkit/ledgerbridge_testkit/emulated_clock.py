"""An emulator's clock as seen from the test process, for emulators started with ``--clock-speed``.

The model starts when the emulator's start line arrived (or when it is made), so it always stays a little behind the
emulator's own clock: a connector paced by it never runs ahead of what the emulator allows.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from emulator_kit.process import EmulatorProcess


class EmulatedClock:
    """``speed`` emulated seconds per real second; ``slept`` adds up the emulated seconds slept."""

    def __init__(self, speed: float, emulator: EmulatorProcess | None = None) -> None:
        self._origin = emulator.ready_at if emulator else time.time()
        self._started = emulator.ready_monotonic if emulator else time.monotonic()
        self._speed = speed
        self.slept = 0.0

    def time(self) -> float:
        return self._origin + (time.monotonic() - self._started) * self._speed

    def sleep(self, seconds: float) -> None:
        self.slept += max(0.0, seconds)
        time.sleep(max(0.0, seconds) / self._speed)
