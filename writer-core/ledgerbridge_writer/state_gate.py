"""When an incoming STATE message may be echoed: only after every record before it is committed.

Records are numbered in arrival order; a STATE arriving after record n covers records < n. Per-stream states
(``AirbyteStateType.STREAM``) cover their own stream; global and legacy states cover every stream.

- A record that failed withholds every later state of its scope for the rest of the sync, so the source re-reads it
  next sync; records after it that did land are re-read too and skipped as unchanged, which costs no target calls
  because targets plan against a bulk read.
- A record whose part sits in an end-of-sync batch (the one stock count) defers later states of its scope until the
  batch is committed; if the batch fails, they are withheld like a failure.
- States are released in the order received within a scope.
- With writes in flight side by side, records finish out of order: a state waits for the first record not yet
  finished (``unfinished_from``), whatever its stream, so no state ever passes a record still being written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from airbyte_cdk.models import AirbyteMessage, AirbyteStateType

ALL_STREAMS = "*"


def scope_of(message: AirbyteMessage) -> str:
    state = message.state
    if state is not None and state.type == AirbyteStateType.STREAM and state.stream is not None:
        return str(state.stream.stream_descriptor.name)
    return ALL_STREAMS


@dataclass(slots=True)
class _Pending:
    message: AirbyteMessage
    position: int  # number of records received before this state
    scope: str


@dataclass(slots=True)
class StateGate:
    withhold_all: bool = False  # dry run: nothing was written, so nothing may be marked done
    _pending: list[_Pending] = field(default_factory=list)
    _failed_from: dict[str, int] = field(default_factory=dict)
    _batch_from: dict[str, int] = field(default_factory=dict)
    withheld: int = 0
    released: int = 0

    def add(self, message: AirbyteMessage, position: int) -> None:
        self._pending.append(_Pending(message, position, scope_of(message)))

    def record_failed(self, stream: str, position: int) -> None:
        self._failed_from[stream] = min(position, self._failed_from.get(stream, position))

    def record_batched(self, stream: str, position: int) -> None:
        self._batch_from[stream] = min(position, self._batch_from.get(stream, position))

    def batch_committed(self, streams: set[str]) -> None:
        for stream in streams:
            self._batch_from.pop(stream, None)

    def batch_failed(self, streams: set[str]) -> None:
        for stream in streams:
            position = self._batch_from.pop(stream, None)
            if position is not None:
                self.record_failed(stream, position)

    def _earliest(self, table: dict[str, int], scope: str) -> int | None:
        if scope == ALL_STREAMS:
            return min(table.values(), default=None)
        return table.get(scope)

    def release(self, unfinished_from: int | None = None) -> list[AirbyteMessage]:
        """States whose records are all committed, in arrival order; withheld ones are dropped for good.

        ``unfinished_from``: the first record still being written; a state after it waits, as do later ones."""
        out: list[AirbyteMessage] = []
        keep: list[_Pending] = []
        deferred_scopes: set[str] = set()
        for pending in self._pending:
            failed = self._earliest(self._failed_from, pending.scope)
            if self.withhold_all or (failed is not None and failed < pending.position):
                self.withheld += 1
                continue
            batched = self._earliest(self._batch_from, pending.scope)
            waits_on_earlier = pending.scope in deferred_scopes or ALL_STREAMS in deferred_scopes
            in_flight = unfinished_from is not None and unfinished_from < pending.position
            if (batched is not None and batched < pending.position) or waits_on_earlier or in_flight:
                deferred_scopes.add(pending.scope)
                keep.append(pending)
                continue
            out.append(pending.message)
        self._pending = keep
        self.released += len(out)
        return out
