"""The record of API and token calls that `GET /_emulator/requests` returns (admin calls are not recorded)."""

from __future__ import annotations

import threading


class RequestLog:
    def __init__(self) -> None:
        self._entries: list[dict[str, object]] = []
        self._lock = threading.Lock()

    def record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._entries.append({"method": method, "path": path, "status": status})

    def entries(self) -> list[dict[str, object]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
