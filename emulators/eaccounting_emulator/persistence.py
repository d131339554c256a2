"""``--state-file``: everything a restart must keep — business data, counters, tokens and the emulated time."""

from __future__ import annotations

import threading
from typing import Any

from eaccounting_emulator.auth import IdentityServer
from eaccounting_emulator.models.backend import Backend
from emulator_kit.clock import Clock
from emulator_kit.statefile import StateFile

# Writes are coalesced: a sync that creates thousands of records must not rewrite the file thousands of times.
SAVE_DELAY_SECONDS = 0.2


def snapshot(backend: Backend, identity: IdentityServer, clock: Clock) -> dict[str, Any]:
    return {"backend": backend.to_state(), "identity": identity.to_state(), "clock_time": clock.time()}


def restore(state: dict[str, Any], clock: Clock, **identity_options: Any) -> tuple[Backend, IdentityServer]:
    # Emulated time never runs backwards across a restart: tokens stay expired and new stamps stay newest.
    behind = state["clock_time"] - clock.time()
    if behind > 0:
        clock.advance(behind)
    backend = Backend(clock)
    backend.load_state(state["backend"])
    backend.sales.reindex()
    backend.accounting.reindex()
    return backend, IdentityServer.from_state(clock, state["identity"], **identity_options)


class StateSaver:
    def __init__(self, state_file: StateFile, backend: Backend, identity: IdentityServer, clock: Clock) -> None:
        self.state_file = state_file
        self.backend = backend
        self.identity = identity
        self.clock = clock
        self._dirty = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="state-saver", daemon=True)
        self._thread.start()

    def mark_dirty(self) -> None:
        self._dirty.set()

    def _run(self) -> None:
        while not self._stopped.is_set():
            if self._dirty.wait(timeout=0.5):
                self._stopped.wait(SAVE_DELAY_SECONDS)
                self._dirty.clear()
                self.save()

    def save(self) -> None:
        self.state_file.save(snapshot(self.backend, self.identity, self.clock))

    def close(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        self.save()
