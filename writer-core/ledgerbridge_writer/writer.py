"""The ``write()`` loop every ledgerbridge destination shares.

Records are buffered in arrival order (order matters: an article's item is created before its stock line refers to
it); on each STATE message, and whenever the buffer is full, the buffered records are planned, validated and
executed, then the STATE is echoed once every record before it is committed (see ``state_gate``). Records that share
no key are written side by side, up to ``WriteConcurrency.max_in_flight`` per endpoint (``record_scheduler``,
``endpoint_lanes``); a finished record is collected on this thread, in whatever order records finish, and a STATE
waits for the first record not yet collected. A flush first waits for the records of the one before, so every record
is planned against what earlier records wrote (a record sent twice in a sync is then skipped). At the end of input
the remaining records are flushed, the target's end-of-sync batches are executed, the deferred states released and a
summary logged. A record that fails is logged with the field at fault and the sync goes on; an exception that is not
a ``RecordWriteError`` (daily budget spent, credentials refused, the system down) stops the sync with every state
committed so far already echoed. A create whose answer was lost is looked up before it is sent again (``_deliver``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from airbyte_cdk.models import AirbyteMessage, ConfiguredAirbyteCatalog, FailureType, Level, Type
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from ledgerbridge_mappings import PlannedWrite, SourceRef

from .activity import ActivityEntry, Outcome, WriteResult, activity_message, json_log, log_message, outcome_of
from .cached_records import CachedRecordShape
from .concurrency import WriteConcurrency
from .counters import SyncCounters
from .disk_map import DiskMap
from .endpoint_lanes import EndpointLanes
from .links import UnresolvedLink, resolve_links
from .record_keys import CREATE_KEY, record_keys
from .record_scheduler import Finished, RecordScheduler
from .state_gate import StateGate
from .target import Target
from .work import RecordWork, RecordWriteError, WriteOutcomeUnknown

logger = logging.getLogger("airbyte")

DEFAULT_MAX_BUFFER = 1000
CONFIRMED_AFTER_LOST_ANSWER = "confirmed after a lost answer"
SENT_AGAIN_AFTER_LOST_ANSWER = "sent again after a lost answer"
# A create whose answer was lost is looked up and, if absent, sent again; after this many sends the record waits for the
# next sync (at 10 % lost answers, four in a row happen once in 10,000 records).
MAX_SENDS = 4
# A sync with failed records ends with an error naming this many of them (the activity log has every one).
NAMED_FAILURES = 3
FAILED_RECORDS = "failed_records"


@dataclass(slots=True)
class _Buffered:
    position: int
    stream: str
    data: dict[str, Any]


@dataclass(slots=True)
class _Planned:
    item: _Buffered
    work: RecordWork


@dataclass(slots=True)
class _Performed:
    """What writing one record came to, on a pool thread: its activity entry, and the error that stops the sync."""

    entry: ActivityEntry
    stop: BaseException | None = None


@dataclass(slots=True)
class _Held:
    """A record whose activity line waits for the end-of-sync batches it joined."""

    stream: str
    position: int
    entry: ActivityEntry
    batches: set[str]


@dataclass
class Writer:
    """Drives a ``Target`` through one sync. Use once: ``yield from Writer(target).write(catalog, messages)``."""

    target: Target
    dry_run: bool = False
    max_buffer: int = DEFAULT_MAX_BUFFER
    counters: SyncCounters = field(default_factory=SyncCounters)
    concurrency: WriteConcurrency = field(default_factory=WriteConcurrency)

    def __post_init__(self) -> None:
        self.gate = StateGate(withhold_all=self.dry_run)
        self._buffer: list[_Buffered] = []
        self._received = 0
        self._lookups_loaded = False
        self._created = DiskMap()  # key -> id of every create of this sync; on disk, as it grows with the sync
        self._held: list[_Held] = []
        self._accepted: frozenset[str] = self.target.streams
        self._first_failures: list[str] = []
        self._shapes: dict[str, CachedRecordShape] = {}
        self._lanes = EndpointLanes(self.concurrency)
        # Pool threads share the map of created ids and the counters; each update holds this lock.
        self._shared = threading.Lock()
        in_flight = self.concurrency.max_in_flight
        # Two threads per place of the busiest endpoint: a record bound for another endpoint (a new customer before
        # its order) still finds a thread. Sequential means one write at a time across all endpoints, as before.
        # The window of admitted records bounds the memory held.
        workers = 1 if self.concurrency.sequential else 2 * in_flight
        self._scheduler: RecordScheduler[_Planned, _Performed] = RecordScheduler(
            self._perform, workers=workers, window=8 * in_flight, settled=self._settled
        )

    # ------------------------------------------------------------------------------------------------ the loop

    def write(
        self, catalog: ConfiguredAirbyteCatalog | None, messages: Iterable[AirbyteMessage]
    ) -> Iterator[AirbyteMessage]:
        try:
            yield from self._announce(catalog)
            for message in messages:
                if message.type == Type.RECORD and message.record is not None:
                    yield from self._receive(message.record.stream, message.record.data)
                elif message.type == Type.STATE and message.state is not None:
                    yield from self._flush()
                    self.gate.add(message, self._received)
                    yield from self._release()
            yield from self._flush()
            yield from self._finish(self._scheduler.drain())
            yield from self._release()
            yield from self._run_batches()
            yield from self.gate.release()
            yield from self._summary()
            if self.counters.failed:
                raise self._failed_records_error()
        finally:
            self._scheduler.close()
            self._created.close()
            self.target.close()

    def _announce(self, catalog: ConfiguredAirbyteCatalog | None) -> Iterator[AirbyteMessage]:
        if catalog is None:
            return
        names = {configured.stream.name for configured in catalog.streams}
        # Records replayed from a PyAirbyte cache arrive with SQL column names; the catalog's schemas map them back.
        self._shapes = {c.stream.name: CachedRecordShape(c.stream.json_schema or {}) for c in catalog.streams}
        for name in sorted(names - self.target.streams):
            self.counters.ignored_streams[name] += 0
            yield log_message(f"stream {name!r} is not written by this destination; its records are ignored")
        self._accepted = frozenset(names & self.target.streams)

    def _receive(self, stream: str, data: dict[str, Any]) -> Iterator[AirbyteMessage]:
        if stream not in self._accepted:
            if stream not in self.counters.ignored_streams:
                yield log_message(f"stream {stream!r} is not written by this destination; its records are ignored")
            self.counters.ignored_streams[stream] += 1
            return
        shape = self._shapes.get(stream)
        self._buffer.append(_Buffered(self._received, stream, shape.restore(data) if shape else data))
        self._received += 1
        if len(self._buffer) >= self.max_buffer:
            yield from self._flush()
        else:
            yield from self._finish(self._scheduler.collect())

    # ------------------------------------------------------------------------------------------------ records

    def _flush(self) -> Iterator[AirbyteMessage]:
        if not self._buffer:
            return
        buffered, self._buffer = self._buffer, []
        # The records of the previous flush are written before this one is planned: a plan reads what they wrote.
        yield from self._finish(self._scheduler.drain())
        if not self._lookups_loaded:
            self.target.load_lookups()
            self._lookups_loaded = True
        # Plan and validate the whole flush first, so a record that cannot work never costs a request.
        planned = [_Planned(item, self._plan(item)) for item in buffered]
        for each in planned:
            for warning in each.work.warnings:
                ref = _ref_json(each.work.source_ref)
                yield json_log({"event": "warning", **ref, "message": warning}, Level.WARN)
            keys = record_keys(each.item.stream, each.work)
            yield from self._finish(self._scheduler.submit(each.item.position, keys, each))

    def _settled(self, key: str) -> bool:
        """A natural key whose create is confirmed: records linking to it (or carrying a copy, then skipped) need not
        wait for one another any more."""
        return key.startswith(CREATE_KEY) and key.removeprefix(CREATE_KEY) in self._created

    def _release(self) -> Iterator[AirbyteMessage]:
        yield from self._finish(self._scheduler.collect())
        yield from self.gate.release(unfinished_from=self._scheduler.unfinished_from())

    def _finish(self, finished: list[Finished[_Planned, _Performed]]) -> Iterator[AirbyteMessage]:
        """Collected records, on the loop's thread: activity lines, failures and states. An error that stops the sync
        is raised once every other record in flight is finished and collected too."""
        stop: BaseException | None = None
        for done in finished:
            yield from self._complete(done.payload.item, done.payload.work, done.result)
            stop = stop or done.result.stop
        if stop is None:
            return
        for done in self._scheduler.drain():
            yield from self._complete(done.payload.item, done.payload.work, done.result)
        yield from self.gate.release(unfinished_from=None)
        raise stop

    def _plan(self, item: _Buffered) -> RecordWork:
        work = self.target.plan(item.stream, item.data)
        if work.ok:
            work.errors.extend(self.target.validate(work))
        return work

    def _perform(self, planned: _Planned) -> _Performed:
        """Writes one record, on a pool thread: each of its writes in order."""
        work = planned.work
        entry = ActivityEntry(work.source_ref, dry_run=self.dry_run)
        if not work.ok:
            first = work.errors[0]
            entry.error_field, entry.error = first.field, "; ".join(f"{e.field}: {e.message}" for e in work.errors)
            return _Performed(entry)
        try:
            for write in work.writes:
                entry.writes.append(self._send(write))
        except (RecordWriteError, UnresolvedLink) as error:
            entry.error_field = error.field if isinstance(error, RecordWriteError) else error.path
            entry.error = error.message if isinstance(error, RecordWriteError) else str(error)
        except Exception as error:
            entry.error_field, entry.error = "-", f"sync stopped: {getattr(error, 'message', None) or error}"
            return _Performed(entry, stop=error)
        return _Performed(entry)

    def _complete(self, item: _Buffered, work: RecordWork, performed: _Performed) -> Iterator[AirbyteMessage]:
        entry = performed.entry
        if entry.error is None and work.batches:
            self.gate.record_batched(item.stream, item.position)
            self._held.append(_Held(item.stream, item.position, entry, set(work.batches)))
            return
        yield from self._finish_record(item, entry)

    def _send(self, write: PlannedWrite) -> WriteResult:
        outcome = outcome_of(write.action)
        collection = write.target_collection
        if outcome is Outcome.SKIPPED:
            return WriteResult(collection, outcome, write.target_id, write.reason)
        with self._shared:
            if outcome is Outcome.CREATED and write.key and write.key in self._created:
                # Several records of one sync may each carry the create of an object they share (a new customer of
                # two orders, so that one failing record does not strand the other): it is sent once. The scheduler
                # never runs two records with the same key at once, so the first has finished when this one looks.
                created = self._created[write.key]
                return WriteResult(collection, Outcome.SKIPPED, created, "created earlier in this sync")
            body = resolve_links(write.body, write.links, self._created, placeholder=self.dry_run)
        if self.dry_run:
            return WriteResult(
                collection, Outcome.PLANNED, write.target_id, _dry_reason(outcome, write, body), body=body
            )
        with self._lanes.slot(collection):
            target_id, reason = self._deliver(write, body, outcome)
        target_id = target_id or write.target_id
        with self._shared:
            if write.key and target_id:
                self._created[write.key] = target_id
            self.counters.count_write(collection, outcome)
        return WriteResult(collection, outcome, target_id, reason)

    def _deliver(self, write: PlannedWrite, body: dict[str, Any], outcome: Outcome) -> tuple[str | None, str]:
        """Executes one write exactly once: after a lost answer the target is asked whether the write landed before
        it is sent again, and it is sent at most ``MAX_SENDS`` times in a sync. Each send follows a lookup that found
        nothing, so no number of lost answers makes a second copy; the bound only ends a streak of bad luck."""
        reason = write.reason
        for _ in range(MAX_SENDS):
            try:
                return self.target.execute(write, body), reason
            except WriteOutcomeUnknown as lost:
                found = self._find_written(write, body, outcome, lost)
                if found is not None:
                    return found, CONFIRMED_AFTER_LOST_ANSWER
                last_lost = lost
            reason = f"{write.reason}; {SENT_AGAIN_AFTER_LOST_ANSWER}" if write.reason else SENT_AGAIN_AFTER_LOST_ANSWER
        raise RecordWriteError(
            write.target_collection,
            f"{last_lost}; sent {MAX_SENDS} times, every answer lost, and it is not there; "
            "the record is read again next sync",
        ) from None

    def _find_written(
        self, write: PlannedWrite, body: dict[str, Any], outcome: Outcome, lost: WriteOutcomeUnknown
    ) -> str | None:
        """The id of the object a create whose answer was lost made, or None when it did not land. An update of a
        known id may simply be sent again. A lookup that cannot tell (``RecordWriteError``) fails the record: it is
        read again next sync, whose bulk read sees the object if it landed. Any other error stops the sync, as it
        would from ``execute``; the record is held back all the same. Either way nothing is written twice."""
        if outcome is not Outcome.CREATED:
            return None
        try:
            return self.target.find_written(write, body)
        except RecordWriteError as error:
            raise RecordWriteError(
                error.field, f"{lost}; {error.message}; the record is read again next sync"
            ) from None

    def _finish_record(self, item: _Buffered, entry: ActivityEntry) -> Iterator[AirbyteMessage]:
        if entry.action is Outcome.FAILED:
            self.gate.record_failed(item.stream, item.position)
            if len(self._first_failures) < NAMED_FAILURES:
                ref = entry.source_ref
                error = entry.error or ""
                named = entry.error_field and entry.error_field != "-" and not error.startswith(f"{entry.error_field}:")
                field = f"{entry.error_field}: " if named else ""
                self._first_failures.append(f"{ref.stream} {ref.number or ref.id}: {field}{error}")
        self.counters.count_record(item.stream, entry.action)
        if self.dry_run:
            yield from _previews(entry)
        yield activity_message(entry)

    # ------------------------------------------------------------------------------------------------ batches

    def _run_batches(self) -> Iterator[AirbyteMessage]:
        if not self._lookups_loaded:
            return
        results: dict[SourceRef, tuple[WriteResult | None, str | None]] = {}
        committed: set[str] = set()
        failed: set[str] = set()
        for batch in self.target.batches():
            try:
                result = self._send(batch.planned())
                error = None
                committed.add(batch.name)
            except (RecordWriteError, UnresolvedLink) as problem:
                result, error = None, str(problem)
                failed.add(batch.name)
            for source in batch.sources:
                results[source] = (result, error)
        for held in self._held:
            result, error = results.get(held.entry.source_ref, (None, None))
            if result is not None:
                held.entry.writes.append(result)
            if error is not None or held.batches & failed:
                held.entry.error_field = held.entry.error_field or "batch"
                held.entry.error = error or "the batch this record joined was not written"
            yield from self._finish_record(_Buffered(held.position, held.stream, {}), held.entry)
        streams_ok = {h.stream for h in self._held if not (h.batches & failed)}
        streams_failed = {h.stream for h in self._held if h.batches & failed}
        self.gate.batch_failed(streams_failed)
        self.gate.batch_committed(streams_ok - streams_failed)

    def _failed_records_error(self) -> AirbyteTracedException:
        """The sync's end when records failed, after every state of what was written has been echoed: Airbyte,
        PyAirbyte and the runner show a failed sync instead of a green one that wrote nothing.

        ``config_error``: a record fails on its data or on the mapping rules, so an immediate retry of the attempt
        (what Airbyte does for ``system_error``/``transient_error``) would fail the same records again and spend API
        calls for nothing. The user fixes the data or the rules; the next sync reads the failed records again (their
        states were held back) and skips what landed."""
        failed = self.counters.failed
        named = "; ".join(self._first_failures)
        more = f" (and {failed - len(self._first_failures)} more)" if failed > len(self._first_failures) else ""
        verb = "would fail" if self.dry_run else "failed"
        return AirbyteTracedException(
            message=f"{failed} record(s) {verb}: {named}{more}. Everything else was written and its state committed; "
            "fix the data or the mapping rules, and the next sync retries the failed records.",
            internal_message=f"{FAILED_RECORDS}: {failed}",
            failure_type=FailureType.config_error,
        )

    def _summary(self) -> Iterator[AirbyteMessage]:
        if self.gate.withheld and not self.dry_run:
            yield log_message(
                f"{self.gate.withheld} state message(s) held back because records before them failed; those records "
                "are read again next sync (records that landed are then skipped as unchanged)",
                Level.WARN,
            )
        summary = {
            "event": "summary",
            "dry_run": self.dry_run,
            **self.counters.as_json(),
            "states_released": self.gate.released,
            "states_withheld": self.gate.withheld,
        }
        yield json_log(summary)


def _previews(entry: ActivityEntry) -> Iterator[AirbyteMessage]:
    """Dry run: the body each planned write would send (amounts, VAT codes, currency, customer), so a user can check
    the values before the first real sync. A separate ``preview`` line at DEBUG level: the runner shows it on the
    terminal and never stores it; the activity line keeps ids and field names only."""
    for write in entry.writes:
        if write.body is not None:
            verb = "update" if write.reason.startswith("would update") else "create"
            payload = {"event": "preview", **_ref_json(entry.source_ref), "target": write.collection, "action": verb}
            yield json_log({**payload, "target_id": write.target_id, "body": write.body}, Level.DEBUG)


def _ref_json(ref: SourceRef) -> dict[str, Any]:
    return {"stream": ref.stream, "source_id": ref.id, "source_number": ref.number}


def _dry_reason(outcome: Outcome, write: PlannedWrite, body: dict[str, Any]) -> str:
    verb = "would create" if outcome is Outcome.CREATED else "would update"
    fields = ", ".join(sorted(body))
    reason = f" ({write.reason})" if write.reason else ""
    return f"{verb}{reason}: {fields}"
