"""Optional persistence so an emulator can be killed and restarted mid-sync without losing its state."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from emulator_kit.jsonio import dumps, loads


class StateFile:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def load(self) -> dict[str, Any] | None:
        try:
            state: dict[str, Any] = loads(self.path.read_bytes())
            return state
        except FileNotFoundError:
            return None

    def save(self, data: dict[str, Any]) -> None:
        """Writes to a sibling temporary file and renames it, so a crash never leaves a half-written state."""
        payload = dumps(data)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
