"""One run at a time per connection and per refresh-token chain, held with OS file locks (``flock``).

Two runs of one connection would both write every new record (duplicates); two runs sharing a connector config file
would both spend its single-use refresh token, and the loser's chain looks revoked. So a run takes, before any
connector starts:

- one lock per connection, in the data directory (``locks/connection-NAME.lock``): the state lives there too;
- one lock per connector config file, next to that file (``.NAME.lock``): a token chain is the file, whichever data
  directory or connection file a run uses.

``flock`` belongs to the open file description: the kernel drops it when the holder exits, however it exits, so a
lock left by a killed run is simply free. The file's content only says who holds it (pid, host, start time,
command) for the message a second run prints; it is never what decides.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

POLL_SECONDS = 0.2
HOLDER_RETRIES = 10


@dataclass(frozen=True)
class LockHolder:
    pid: int | None
    host: str | None
    started: str | None
    command: str | None

    @classmethod
    def read(cls, descriptor: int) -> LockHolder:
        """Who wrote the lock file; empty when the holder has not written it yet (or wrote something else)."""
        try:
            raw = os.pread(descriptor, 4096, 0)
            loaded = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            loaded = {}
        if not isinstance(loaded, dict):
            loaded = {}
        pid = loaded.get("pid")
        return cls(
            pid if isinstance(pid, int) else None,
            _text(loaded.get("host")),
            _text(loaded.get("started")),
            _text(loaded.get("command")),
        )

    def describe(self) -> str:
        if self.pid is None:
            return "another ledgerbridge run (it has not recorded its pid yet)"
        where = f"pid {self.pid} on {self.host or 'an unknown host'}"
        since = f", started {self.started}" if self.started else ""
        what = f", `{self.command}`" if self.command else ""
        return where + since + what


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class LockKey:
    path: Path
    what: str  # "connection orders" or "config file /home/me/exact-source.json": for the message


class RunLockBusy(RuntimeError):
    """Another run holds one of the locks; ``holder`` says who, ``key`` which lock."""

    def __init__(self, key: LockKey, holder: LockHolder, waited: float) -> None:
        self.key = key
        self.holder = holder
        waited_text = f" after waiting {waited:.1f} s" if waited > 0 else ""
        super().__init__(
            f"{key.what} is in use by {holder.describe()}{waited_text}; "
            "run again when it has finished, or add --wait [SECONDS] to wait for it"
        )


def lock_keys(lock_folder: Path, connections: Iterable[str], config_files: Iterable[Path]) -> list[LockKey]:
    """The locks a run needs, in one global order (so two waiting runs never hold one each and wait for the other)."""
    keys = {lock_folder / f"connection-{name}.lock": f"connection {name!r}" for name in connections}
    for config in config_files:
        resolved = Path(config).resolve()
        keys[resolved.parent / f".{resolved.name}.lock"] = f"config file {resolved} (one refresh-token chain)"
    return [LockKey(path, what) for path, what in sorted(keys.items())]


@contextmanager
def run_lock(
    lock_folder: Path,
    connections: Iterable[str],
    config_files: Iterable[Path],
    *,
    wait: float | None = None,
    command: str | None = None,
) -> Iterator[None]:
    """Holds every lock for the block, or raises :class:`RunLockBusy` naming a holder.

    ``wait``: None or 0 = do not wait; a number = wait at most that many seconds; ``math.inf`` = wait as long as it
    takes. All locks are taken together or none is kept, so a waiting run never blocks a third one halfway.
    """
    lock_folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    keys = lock_keys(lock_folder, connections, config_files)
    me = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "command": command or " ".join(["ledgerbridge", *sys.argv[1:]]),
    }
    content = json.dumps(me).encode("utf-8")
    started = time.monotonic()
    while True:
        held, busy = _take_all(keys, content)
        if busy is None:
            break
        key, holder = busy
        waited = time.monotonic() - started
        if not wait or waited >= wait:
            raise RunLockBusy(key, holder, waited if wait else 0.0)
        time.sleep(min(POLL_SECONDS, max(wait - waited, 0.01)))
    try:
        yield
    finally:
        _release(held)


def _take_all(keys: list[LockKey], content: bytes) -> tuple[list[int], tuple[LockKey, LockHolder] | None]:
    held: list[int] = []
    for key in keys:
        descriptor = os.open(key.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            os.close(descriptor)
            _release(held)
            return [], (key, holder)
        held.append(descriptor)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, content, 0)
    return held, None


def _holder(descriptor: int) -> LockHolder:
    """The holder writes its name right after its flock succeeds; a run that lost that race by a hair reads again."""
    holder = LockHolder.read(descriptor)
    for _ in range(HOLDER_RETRIES):
        if holder.pid is not None:
            break
        time.sleep(0.05)
        holder = LockHolder.read(descriptor)
    return holder


def _release(held: list[int]) -> None:
    for descriptor in held:
        try:
            os.ftruncate(descriptor, 0)
        finally:
            os.close(descriptor)  # closing the last descriptor of the open file drops the flock
