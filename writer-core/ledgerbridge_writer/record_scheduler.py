"""Which records may be written at the same time, on a bounded pool of threads.

Records are admitted in arrival order, each with the keys it touches: the natural keys of the objects it creates,
the keys of the creates it links to, the ids it updates and its own source id. A record starts only once it heads the
queue of every one of its keys, that is once every earlier record sharing a key with it is finished: two records with
the same natural key are never in flight together, and a record that links to a customer or article another record
creates waits until that create is confirmed (or failed, in which case it sends its own copy). Once a key is
*settled* (its create confirmed: what is left for later records is to link to it, or to skip their copy), the key no
longer orders them: the orders of one new customer go side by side once the customer exists. Records that share no
key run side by side.

At most ``window`` records are admitted and not yet collected, which bounds the memory a sync holds however far the
writes fall behind the input. The write loop collects finished records on its own thread, in whatever order they
finish; ``unfinished_from`` tells it the first position not yet collected, so that no STATE passes a record still
being written.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Payload = TypeVar("Payload")
Result = TypeVar("Result")


@dataclass(slots=True, eq=False)
class _Job(Generic[Payload]):
    position: int
    keys: frozenset[str]
    payload: Payload
    started: bool = False


@dataclass(frozen=True, slots=True)
class Finished(Generic[Payload, Result]):
    position: int
    payload: Payload
    result: Result


@dataclass(slots=True)
class _Order:
    """Admitted positions in order, and which of them are collected."""

    admitted: deque[int] = field(default_factory=deque)
    collected: set[int] = field(default_factory=set)

    def first_open(self) -> int | None:
        while self.admitted and self.admitted[0] in self.collected:
            self.collected.discard(self.admitted.popleft())
        return self.admitted[0] if self.admitted else None


class RecordScheduler(Generic[Payload, Result]):
    """``run`` must not raise: it returns whatever the record's outcome is (errors included)."""

    def __init__(
        self,
        run: Callable[[Payload], Result],
        workers: int,
        window: int,
        settled: Callable[[str], bool] = lambda key: False,
    ) -> None:
        self._run = run
        self._settled = settled
        self._window = max(window, 1)
        self._pool = ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="ledgerbridge-write")
        self._lock = threading.Lock()
        self._queues: dict[str, deque[_Job[Payload]]] = {}
        self._done: queue.SimpleQueue[Finished[Payload, Result]] = queue.SimpleQueue()
        self._order = _Order()
        self._open = 0  # admitted and not yet collected

    # ------------------------------------------------------------------------------------------------ loop side

    def submit(self, position: int, keys: Iterable[str], payload: Payload) -> list[Finished[Payload, Result]]:
        """Admits one record; when the window is full, first waits for and returns finished ones."""
        collected: list[Finished[Payload, Result]] = []
        while self._open >= self._window:
            collected.append(self._take(block=True))
        job = _Job(position, frozenset(keys), payload)
        self._open += 1
        self._order.admitted.append(position)
        with self._lock:
            for key in job.keys:
                self._queues.setdefault(key, deque()).append(job)
            startable = self._may_start(job)
            if startable:
                job.started = True
        if startable:
            self._start(job)
        return collected + self.collect()

    def collect(self) -> list[Finished[Payload, Result]]:
        """Records finished so far, without waiting."""
        collected: list[Finished[Payload, Result]] = []
        while True:
            try:
                finished = self._done.get_nowait()
            except queue.Empty:
                return collected
            collected.append(self._collected(finished))

    def drain(self) -> list[Finished[Payload, Result]]:
        """Waits for every admitted record and returns those not collected before."""
        collected = []
        while self._open:
            collected.append(self._take(block=True))
        return collected

    def unfinished_from(self) -> int | None:
        """The first position admitted and not yet collected (None when every admitted record is collected)."""
        return self._order.first_open()

    @property
    def open(self) -> int:
        return self._open

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _take(self, block: bool) -> Finished[Payload, Result]:
        return self._collected(self._done.get(block=block))

    def _collected(self, finished: Finished[Payload, Result]) -> Finished[Payload, Result]:
        self._open -= 1
        self._order.collected.add(finished.position)
        return finished

    # ------------------------------------------------------------------------------------------------ pool side

    def _may_start(self, job: _Job[Payload]) -> bool:
        return all(self._queues[key][0] is job or self._settled(key) for key in job.keys)

    def _start(self, job: _Job[Payload]) -> None:
        self._pool.submit(self._work, job)

    def _work(self, job: _Job[Payload]) -> None:
        result = self._run(job.payload)
        startable: list[_Job[Payload]] = []
        with self._lock:
            for key in job.keys:
                waiting = self._queues[key]
                waiting.remove(job)  # the head, unless the key is settled and later records started beside it
                if not waiting:
                    del self._queues[key]
                    continue
                for follower in list(waiting) if self._settled(key) else [waiting[0]]:
                    if not follower.started and self._may_start(follower):
                        follower.started = True
                        startable.append(follower)
        # Released before the loop hears of it: the next record of a key may start while this one is collected.
        self._done.put(Finished(job.position, job.payload, result))
        for follower in startable:
            self._start(follower)
