"""eAccounting as a ledgerbridge writer target: bulk lookups, the mapping planners, and one request per write.

The generic write loop (buffering, state after commit, failed records, dry run, activity log, links) lives in
``ledgerbridge_writer``; this class answers only what is specific to eAccounting and to Exact's streams.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from eaccounting_client import AmbiguousWriteError, EAccountingApiError, EAccountingClient
from ledgerbridge_mappings import (
    Action,
    EAccountingLookups,
    EAccountingRules,
    FinancialMutationPlanner,
    PlannedWrite,
    SalesDocumentPlanner,
    SourceRef,
)
from ledgerbridge_mappings.shared.paths import parse_path
from ledgerbridge_mappings.shared.rules.field_map import FieldMapScope
from ledgerbridge_writer import BatchWrite, RecordFailure, RecordWork, RecordWriteError, Target, WriteOutcomeUnknown

from .existing_documents import VOUCHERS, voucher_reference
from .lookups import Needs, load_lookups
from .lost_answers import find_written
from .parties import PARTY_STREAMS, PartyKeeper
from .validation import check_write

SALES_ORDERS, SALES_INVOICES, TRANSACTION_LINES = "sales_orders", "sales_invoices", "transaction_lines"
DOCUMENT_STREAMS = frozenset({SALES_ORDERS, SALES_INVOICES})
MUTATION_STREAMS = frozenset({TRANSACTION_LINES})
HANDLED_STREAMS = DOCUMENT_STREAMS | MUTATION_STREAMS | PARTY_STREAMS
SHARED_COLLECTIONS = frozenset({"customers", "articles"})  # objects created once per sync, used by many records

_LINE_FIELDS = frozenset(
    [
        "ID",
        "EntryID",
        "EntryNumber",
        "JournalCode",
        "Type",
        "Date",
        "Description",
        "LineNumber",
        "AmountDC",
        "GLAccountCode",
        "VATCode",
        "CostCenter",
        "CostUnit",
    ]
)


class EAccountingTarget(Target):
    streams = HANDLED_STREAMS

    def __init__(
        self,
        client: EAccountingClient,
        rules: EAccountingRules,
        needs: Needs,
        logger: logging.Logger | None = None,
    ) -> None:
        self.client = client
        self.rules = rules
        self.needs = needs
        self.logger = logger or logging.getLogger("airbyte")
        self.lookups = EAccountingLookups()
        self._documents: SalesDocumentPlanner | None = None
        self._mutations: FinancialMutationPlanner | None = None
        self._parties = PartyKeeper(rules, self.lookups.parties, self.lookups.shipping_methods)
        self._entries: dict[str, list[dict[str, Any]]] = {}
        self._entry_sources: dict[str, list[SourceRef]] = {}
        self._line_fields = _LINE_FIELDS | _voucher_map_roots(rules)
        self._shared: dict[str, PlannedWrite] = {}  # key -> the planned create of a customer/article many records use
        self._done: set[str] = set()  # keys of the shared creates executed in this sync (bounded by master data)

    # ---------------------------------------------------------------------------------------------- lookups

    def load_lookups(self) -> None:
        kept = self.lookups  # records of the party streams may already be kept
        self.lookups = load_lookups(self.client, self.rules, self.needs, self.logger)
        self.lookups.parties, self.lookups.shipping_methods = kept.parties, kept.shipping_methods
        self._documents = SalesDocumentPlanner(self.rules, self.lookups)
        self._mutations = FinancialMutationPlanner(self.rules, self.lookups)

    # ---------------------------------------------------------------------------------------------- planning

    def plan(self, stream: str, record: Mapping[str, Any]) -> RecordWork:
        if stream in PARTY_STREAMS:
            ref = SourceRef(stream, _text(record.get("ID")), _text(record.get("Code")))
            work = RecordWork(ref)
            if not self._parties.keep(stream, record):
                work.errors.append(RecordFailure("ID", "missing"))
            return work
        if stream == TRANSACTION_LINES:
            return self._hold_line(record)
        assert self._documents is not None, "load_lookups() runs before the first record is planned"
        data = record if isinstance(record, dict) else dict(record)
        if stream == SALES_ORDERS:
            plan = self._documents.plan_sales_order(data, stream)
        else:
            plan = self._documents.plan_sales_invoice(data, stream)
        work = RecordWork.of(plan)
        if work.ok:
            self._carry_shared_creates(work)
        return work

    def _carry_shared_creates(self, work: RecordWork) -> None:
        """The rules plan a new customer or article once per sync, in the first record that needs it. If that record
        fails before the create is sent, later records would point at an object that never came to be; so each record
        carries its own copy of every create it links to; the write loop sends each key once."""
        own = {w.key for w in work.writes if w.key}
        for write in work.writes:
            if write.key and write.action is Action.CREATE and write.target_collection in SHARED_COLLECTIONS:
                self._shared.setdefault(write.key, write)
        needed = [key for w in work.writes for key in w.links.values()]
        copies = []
        for key in dict.fromkeys(needed):
            if key in own or key in self._done or key not in self._shared:
                continue
            original = self._shared[key]
            copies.append(
                dataclasses.replace(original, source_ref=work.source_ref, reason=f"{original.reason}, shared")
            )
        work.writes[:0] = copies

    def _hold_line(self, record: Mapping[str, Any]) -> RecordWork:
        """Lines of one entry may straddle state messages; the voucher is planned once the sync has them all."""
        entry_id = _text(record.get("EntryID"))
        number = record.get("EntryNumber")
        ref = SourceRef(TRANSACTION_LINES, _text(record.get("ID")), _text(number))
        if entry_id is None:
            return RecordWork(ref, errors=[RecordFailure("EntryID", "missing; the line belongs to no entry")])
        self._entries.setdefault(entry_id, []).append({k: v for k, v in record.items() if k in self._line_fields})
        self._entry_sources.setdefault(entry_id, []).append(ref)
        return RecordWork(ref, batches={_entry_batch(entry_id)})

    def validate(self, work: RecordWork) -> list[RecordFailure]:
        return [problem for write in work.writes for problem in check_write(write)]

    def batches(self) -> Iterable[BatchWrite]:
        return list(self._entry_batches())

    def _entry_batches(self) -> Iterator[BatchWrite]:
        if self._mutations is None:
            return
        entries, sources = self._entries, self._entry_sources
        self._entries, self._entry_sources = {}, {}
        for entry_id, lines in entries.items():
            plan = self._mutations.plan_entry(lines)
            name = _entry_batch(entry_id)
            if not plan.ok:
                first = plan.errors[0]
                message = "; ".join(f"{e.field}: {e.message}" for e in plan.errors)
                yield BatchWrite.rejected(name, RecordFailure(first.field, message), sources[entry_id])
                continue
            for warning in plan.warnings:
                self.logger.warning("%s: %s", plan.source_ref, warning)
            (write,) = plan.writes
            problems = check_write(write)
            if problems:
                message = "; ".join(f"{p.field}: {p.message}" for p in problems)
                yield BatchWrite.rejected(name, RecordFailure(problems[0].field, message), sources[entry_id])
                continue
            yield BatchWrite(name, write, sources[entry_id])

    # ---------------------------------------------------------------------------------------------- writing

    def execute(self, write: PlannedWrite, body: dict[str, Any]) -> str | None:
        collection = write.target_collection
        try:
            if write.action is Action.UPDATE:
                if write.target_id is None:
                    raise RecordWriteError(collection, f"an update was planned without the id of the {collection}")
                result = self.client.update(collection, write.target_id, body)
            else:
                result = self.client.create(collection, body)
        except EAccountingApiError as error:
            raise RecordWriteError(_api_field(collection, error), error.error.describe()) from None
        except AmbiguousWriteError as error:
            raise WriteOutcomeUnknown(collection, error.cause) from None
        new_id = str(result["Id"]) if isinstance(result, dict) and result.get("Id") else write.target_id
        if new_id is not None:
            self._written(write, body, new_id)
        return new_id

    def find_written(self, write: PlannedWrite, body: dict[str, Any]) -> str | None:
        found = find_written(self.client, self.rules, write, body)
        if found is not None:
            self._written(write, body, found)
        return found

    def _written(self, write: PlannedWrite, body: dict[str, Any], new_id: str) -> None:
        if write.key is not None and write.target_collection in SHARED_COLLECTIONS:
            self._done.add(write.key)
        self._remember(write.target_collection, body, new_id)

    def _remember(self, collection: str, body: dict[str, Any], new_id: str) -> None:
        """A document written in this sync is 'already written' for the rest of it (a record sent twice)."""
        prefix = self.rules.documents.reference.prefix
        if collection == VOUCHERS:
            reference = voucher_reference(prefix, body.get("VoucherText"))
        else:
            reference = body.get(self.rules.documents.reference.order_field)
        if isinstance(reference, str) and reference.startswith(prefix):
            self.lookups.existing.add(collection, reference, new_id)


def _entry_batch(entry_id: str) -> str:
    return f"voucher for entry {entry_id}"


def _api_field(collection: str, error: EAccountingApiError) -> str:
    fields = [str(e.get("Field")) for e in error.error.field_errors if e.get("Field")]
    return f"{collection}.{fields[0]}" if fields else collection


def _voucher_map_roots(rules: EAccountingRules) -> set[str]:
    roots: set[str] = set()
    for entry in rules.field_map.for_scope(FieldMapScope.VOUCHER):
        steps = parse_path(entry.source).steps
        if steps and isinstance(steps[0], str):
            roots.add(steps[0])
    return roots


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
