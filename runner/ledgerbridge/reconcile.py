"""``ledgerbridge reconcile``: does every Exact document agree with what eAccounting holds for it?

For a connection that moves Exact sales orders or invoices into eAccounting, both systems are read through the
connectors a sync uses (full refresh): Exact's document headers with ``source-exact-online`` (its sync and bulk
resources, a thousand headers a call), eAccounting's documents of the connection's target with
``source-eaccounting`` on the destination's own config file (its token chain, written back to that file). Documents
are paired by the Exact reference the destination writes (``Exact SO 1042``) and compared with the one comparison
the write guard uses (``ledgerbridge_mappings.reconciliation.compare``), after the differences the rules make on
purpose.

Memory does not grow with the ledger: the Exact side is kept in disk-backed maps (SQLite), the eAccounting side is
compared as it streams past, and findings go straight to the report.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from ledgerbridge_mappings import EAccountingRules
from ledgerbridge_mappings.exact_to_eaccounting.orders import TARGET_COLLECTION
from ledgerbridge_mappings.exact_to_eaccounting.reconciliation import (
    DocumentTotals,
    compare,
    eaccounting_document_totals,
    exact_document_totals,
)
from ledgerbridge_mappings.exact_to_eaccounting.rules.documents import StatusFilter
from ledgerbridge_mappings.plan import RecordRejected
from ledgerbridge_mappings.shared.references import parse_document_reference
from ledgerbridge_mappings.shared.vat_numbers import parse_vat_number
from ledgerbridge_write_safety.settings_errors import invalid_settings
from ledgerbridge_writer.disk_map import DiskMap

from .config_files import ConnectorConfigFile, read_config
from .connection_file import Connection, ConnectionFile, ConnectionFileError
from .home import DataHome
from .reconcile_explained import (
    Buyer,
    VatCodeInfo,
    rate_difference_explained,
    shipping_explained,
    voucher_rate,
    zero_vat_explained,
)
from .reconcile_report import Finding, Report, Status
from .source_read import SourceRead, StreamRead, discovered_catalog

EXACT_SOURCE, EACCOUNTING_DESTINATION = "source-exact-online", "destination-eaccounting"
EACCOUNTING_SOURCE = "source-eaccounting"

# Exact stream a connection syncs → the header stream reconcile reads, its document kind, number and date fields.
_EXACT_DOCUMENTS = {
    "sales_orders": ("sales_order_headers", "SO", "OrderNumber", "OrderDate"),
    "sales_invoices": ("sales_invoice_headers", "SI", "InvoiceNumber", "InvoiceDate"),
}
_HEADER_COLUMNS = (
    "Division", "Currency", "AmountFC", "AmountFCExclVat", "AmountDC", "Status", "DeliveryStatus", "InvoiceStatus",
    "ShippingMethod", "ShippingMethodCode", "ShippingMethodDescription", "VATCode", "Type",
)  # fmt: skip
_EACCOUNTING_STREAM = {
    "orders": "orders",
    "customerinvoicedrafts": "customer_invoice_drafts",
    "customerinvoices": "customer_invoices",
    "vouchers": "vouchers",
}
_EACCOUNTING_DATE = {"orders": "OrderDate", "vouchers": "VoucherDate"}  # the others: InvoiceDate


@dataclass(frozen=True, slots=True)
class DocumentFlow:
    """What reconcile needs to know about one Exact → eAccounting documents connection, checked before reading."""

    connection: Connection
    rules: EAccountingRules
    exact_streams: tuple[str, ...]  # sales_orders and/or sales_invoices

    @property
    def collection(self) -> str:
        return TARGET_COLLECTION[self.rules.documents.target]

    @property
    def kinds(self) -> set[str]:
        return {_EXACT_DOCUMENTS[s][1] for s in self.exact_streams}


def _connector_name(command: str) -> str:
    return Path(command).name


def sibling_connector(command: str, name: str) -> str:
    """The sibling console script when the connection names a connector by path, else the name (found on PATH)."""
    return str(Path(command).with_name(name)) if os.sep in command else name


def document_flows(connections: ConnectionFile, only: str | None) -> list[DocumentFlow]:
    """The Exact → eAccounting document connections to reconcile; every problem is raised before anything is read."""
    names = [c.name for c in connections.connections]
    if only is not None and only not in names:
        raise ConnectionFileError(f"no connection is named {only!r} (there are: {', '.join(names)})")
    flows = []
    for connection in connections.connections:
        if only is not None and connection.name != only:
            continue
        if (_connector_name(connection.source.connector), _connector_name(connection.destination.connector)) != (
            EXACT_SOURCE,
            EACCOUNTING_DESTINATION,
        ):
            continue
        streams = tuple(s.name for s in connection.streams if s.name in _EXACT_DOCUMENTS)
        if not streams:
            continue  # e.g. financial mutations: no documents to pair
        flows.append(DocumentFlow(connection, destination_rules(connection, EAccountingRules), streams))
    return flows


Rules = TypeVar("Rules", bound=BaseModel)


def destination_rules(connection: Connection, model: type[Rules]) -> Rules:
    """The rules the destination runs with (the connection file's ``mapping`` replaces the config file's), checked
    the way the destination checks them; a problem names the connection and the setting."""
    mapping = connection.destination.mapping
    if mapping is None:
        mapping = read_config(connection.destination.config).get("mapping") or {}
    try:
        return model.model_validate(mapping)
    except ValidationError as error:
        raise ConnectionFileError(
            f"connections ({connection.name}).destination.mapping: {invalid_settings(error)}"
        ) from None


# ------------------------------------------------------------------------------------------------ the Exact side


def qualifies(status_filter: StatusFilter, kind: str, record: Mapping[str, Any]) -> bool:
    """Whether the destination writes this document at all (the connection's status filter)."""
    if kind == "SI":
        return _int(record.get("Status")) in [int(s) for s in status_filter.sales_invoice_statuses]
    for field_name, allowed in (
        ("Status", status_filter.order_statuses),
        ("DeliveryStatus", status_filter.delivery_statuses),
        ("InvoiceStatus", status_filter.invoice_statuses),
    ):
        values = [int(s) for s in allowed]
        if values and _int(record.get(field_name)) not in values:
            return False
    return True


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _day(value: Any) -> str:
    return value[:10] if isinstance(value, str) else ""


class ExactDocuments:
    """The Exact side, keyed by document ("SO 1042"): those the destination should have written (``expected``) and
    the others (filtered out by status or date), whose eAccounting counterparts are then neither orphans nor checked
    by date. Values are small JSON objects in SQLite, not Python objects."""

    def __init__(self) -> None:
        self.expected = DiskMap()
        self.others = DiskMap()
        self.count = 0

    def add(self, key: str, entry: dict[str, Any], *, expected: bool) -> None:
        (self.expected if expected else self.others)[key] = orjson.dumps(entry).decode()
        self.count += 1

    def take(self, key: str) -> tuple[dict[str, Any], bool] | None:
        """The entry for ``key`` (and whether it was expected), removed so that what is left at the end is missing."""
        for store, expected in ((self.expected, True), (self.others, False)):
            raw = store.get(key)
            if raw is not None:
                del store[key]
                return orjson.loads(raw), expected
        return None

    def close(self) -> None:
        self.expected.close()
        self.others.close()


def _exact_entry(record: Mapping[str, Any], date_field: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "d": _day(record.get(date_field)),
        "ship": [record.get(k) for k in ("ShippingMethod", "ShippingMethodCode", "ShippingMethodDescription")],
        "vc": record.get("VATCode"),
        "dc": record.get("AmountDC"),
    }
    try:
        totals = exact_document_totals(record, "")
    except RecordRejected as rejected:
        entry["err"] = f"{rejected.field}: {rejected.message}"
        return entry
    entry.update(c=totals.currency, n=totals.net, v=totals.vat)
    return entry


# ------------------------------------------------------------------------------------------------ reconciling


@dataclass(frozen=True, slots=True)
class _Source:
    connector: str
    config: ConnectorConfigFile
    reads: list[StreamRead]


class DocumentReconciliation:
    """One connection: read Exact, then stream eAccounting past it, then report what Exact has that was never met."""

    def __init__(self, flow: DocumentFlow, home: DataHome, report: Report, since: date | None) -> None:
        self.flow = flow
        self.home = home
        self.report = report
        self.since = since.isoformat() if since else ""
        self.rules = flow.rules
        self.prefix = flow.rules.documents.reference.prefix
        self.exact = ExactDocuments()
        self.seen = DiskMap()  # references already met in eAccounting → eAccounting Id (a second one is a duplicate)
        self.customers = DiskMap()  # eAccounting CustomerId → {"c": country, "v": valid VAT number}
        self.vat_codes: dict[str, VatCodeInfo] = {}
        self.company_currency = ""

    def _log(self, role: str) -> Path:
        return self.home.logs / f"reconcile-{self.flow.connection.name}-{role}.log"

    def run(self) -> None:
        connection = self.flow.connection
        exact = _Source(connection.source.connector, ConnectorConfigFile(connection.source.config), self._exact_reads())
        eaccounting = _Source(
            sibling_connector(connection.destination.connector, EACCOUNTING_SOURCE),
            ConnectorConfigFile(connection.destination.config),  # the destination's own token chain and file
            self._eaccounting_reads(),
        )
        try:
            # Both discovers at once (they read no data, so no token moves); the reads one after the other, so each
            # source's rotated token is written back as soon as it is announced.
            with ThreadPoolExecutor(max_workers=2, thread_name_prefix="discover") as pool:
                catalogs = [
                    pool.submit(self._catalog, source, role)
                    for source, role in ((exact, "exact"), (eaccounting, "eaccounting"))
                ]
                exact_catalog, eaccounting_catalog = (future.result() for future in catalogs)
            with self._read(exact, exact_catalog, "exact") as read:
                self._take_exact(read.records())
            with self._read(eaccounting, eaccounting_catalog, "eaccounting") as read:
                self._take_eaccounting(read.records())
            self._report_missing()
        finally:
            self.exact.close()
            self.seen.close()
            self.customers.close()

    def _catalog(self, source: _Source, role: str) -> dict[str, Any]:
        return discovered_catalog(source.connector, source.config, source.reads, self.home.scratch, self._log(role))

    def _read(self, source: _Source, catalog: dict[str, Any], role: str) -> SourceRead:
        return SourceRead(source.connector, source.config, catalog, self.home.scratch, self._log(role))

    def _exact_reads(self) -> list[StreamRead]:
        reads = [
            StreamRead(header_stream, (number_field, date_field, *_HEADER_COLUMNS))
            for header_stream, _kind, number_field, date_field in (_EXACT_DOCUMENTS[s] for s in self.flow.exact_streams)
        ]
        # Orders name their shipping method by Guid (and description); the rules may name it by code, which only the
        # shipping methods list gives. Read first (a few rows), and only when a shipping cost rule needs it.
        if any(entry.shipping_cost for entry in self.rules.shipping.map):
            reads.insert(0, StreamRead("shipping_methods", ("ID", "Code")))
        return reads

    def _take_exact(self, records: Iterator[tuple[str, dict[str, Any]]]) -> None:
        wanted = {header: (kind, number, day) for header, kind, number, day in _EXACT_DOCUMENTS.values()}
        status_filter = self.rules.documents.status_filter
        method_codes: dict[str, str] = {}
        for stream, record in records:
            if stream == "shipping_methods":
                method_codes[str(record.get("ID"))] = str(record.get("Code") or "").strip()
                continue
            kind, number_field, date_field = wanted[stream]
            number = record.get(number_field)
            if number in (None, ""):
                continue
            entry = _exact_entry(record, date_field)
            entry["ship"].append(method_codes.get(str(record.get("ShippingMethod"))))
            in_range = not self.since or entry["d"] >= self.since
            entry["r"] = in_range
            self.exact.add(f"{kind} {number}", entry, expected=in_range and qualifies(status_filter, kind, record))

    def _eaccounting_reads(self) -> list[StreamRead]:
        collection = self.flow.collection
        # Reference lists first (a page each), then the documents. The company's currency is the currency of a
        # voucher and of any document that names none (a document sent without its currency is booked in it); the
        # customers tell the VAT rules the buyer's country and VAT number.
        reads = [StreamRead("company_settings", ("CurrencyCode",)), StreamRead("vat_codes", ("Id", "Code", "VatRate"))]
        if collection != "vouchers":
            reads.append(StreamRead("customers", ("Id", "InvoiceCountryCode", "VatNumber", "IsPrivatePerson")))
        reads.append(StreamRead(_EACCOUNTING_STREAM[collection]))
        return reads

    def _take_eaccounting(self, records: Iterator[tuple[str, dict[str, Any]]]) -> None:
        document_stream = _EACCOUNTING_STREAM[self.flow.collection]
        for stream, record in records:
            if stream == document_stream:
                self._document(record)
            elif stream == "customers":
                self._customer(record)
            elif stream == "vat_codes":
                rate = record.get("VatRate")
                info = VatCodeInfo(str(record.get("Code") or ""), float(rate) if isinstance(rate, int | float) else -1)
                self.vat_codes[str(record.get("Id"))] = info
            elif stream == "company_settings":
                self.company_currency = str(record.get("CurrencyCode") or "").upper()

    def _customer(self, record: Mapping[str, Any]) -> None:
        country = record.get("InvoiceCountryCode") or None
        raw = record.get("VatNumber")
        parsed = parse_vat_number(raw, country) if isinstance(raw, str) and raw.strip() else None
        valid = bool(parsed and parsed.valid) and not record.get("IsPrivatePerson")
        self.customers[str(record.get("Id"))] = orjson.dumps({"c": country, "v": valid}).decode()

    def _reference_text(self, record: Mapping[str, Any]) -> Any:
        if self.flow.collection == "vouchers":
            return record.get("VoucherText")
        return record.get(self.rules.documents.reference.order_field)

    def _document(self, record: Mapping[str, Any]) -> None:
        reference = parse_document_reference(self.prefix, self._reference_text(record))
        if reference is None or reference.kind not in self.flow.kinds:
            return  # not written by this connection
        key = f"{reference.kind} {reference.number}"
        shown = reference.text(self.prefix)
        name = self.flow.connection.name
        target_id = str(record.get("Id") or "")
        first = self.seen.get(key)
        if first is not None:
            note = f"a second eAccounting document ({target_id}) carries this reference; the first is {first}"
            self.report.document([Finding(name, shown, Status.DIFFERS, "reference", target_id, None, note)])
            return
        self.seen[key] = target_id
        found = self.exact.take(key)
        if found is None:
            day = _day(record.get(_EACCOUNTING_DATE.get(self.flow.collection, "InvoiceDate")))
            if self.since and day and day < self.since:
                return
            note = (
                f"eAccounting {self.flow.collection} {target_id}: no Exact document {reference.kind} {reference.number}"
            )
            self.report.document([Finding(name, shown, Status.ORPHAN, "document", target_id, None, note)])
            return
        entry, _expected = found
        if not entry.get("r", True):
            return  # dated before --since
        self.report.document(self._compare(shown, entry, record))

    def _compare(self, shown: str, entry: dict[str, Any], record: Mapping[str, Any]) -> list[Finding]:
        name, collection = self.flow.connection.name, self.flow.collection
        if "err" in entry:
            return [Finding(name, shown, Status.NOT_COMPARABLE, "", None, None, f"Exact document: {entry['err']}")]
        source = DocumentTotals(entry["c"], entry["n"], entry["v"])
        receivable = self.rules.ledger.receivable_account
        target = eaccounting_document_totals(
            collection, record, receivable_account=receivable, home_currency=self.company_currency
        )
        if target.currency is None and self.company_currency:
            target = replace(target, currency=self.company_currency)  # eAccounting books it in the company currency
        rate = 1.0
        if collection == "vouchers" and source.currency != self.company_currency:
            found = voucher_rate(self.rules, source, entry.get("dc"), self.company_currency)
            if isinstance(found, str):
                return [
                    Finding(name, shown, Status.NOT_COMPARABLE, "currency", target.currency, source.currency, found)
                ]
            rate, how = found
            source = source.in_currency(self.company_currency, rate)
            converted = [f"converted at {how}: {rate:g} {self.company_currency} per {entry['c']}"]
        else:
            converted = []
        explained = shipping_explained(self.rules, entry.get("ship") or [], target, rate)
        explained += zero_vat_explained(
            self.rules,
            source,
            target,
            explained,
            buyer=self._buyer(record),
            exact_vat_code=entry.get("vc"),
            voucher_vat_codes=self._voucher_codes(record) if collection == "vouchers" else (),
            codes=self.vat_codes,
        )
        explained += rate_difference_explained(self.rules, source, target, explained)
        differences = compare(source, target, explained)
        because = "; ".join(converted + [str(e) for e in explained])
        if not differences:
            return [Finding(name, shown, Status.OK, "", target.gross, source.gross, because)]
        return [
            Finding(
                name,
                shown,
                Status.DIFFERS,
                d.field,
                d.target,
                d.source,
                "; ".join(part for part in (d.cause, f"after {because}" if because else "") if part),
            )
            for d in differences
        ]

    def _buyer(self, record: Mapping[str, Any]) -> Buyer | None:
        if self.flow.collection == "vouchers":
            return None
        raw = self.customers.get(str(record.get("CustomerId")))
        customer = orjson.loads(raw) if raw else {}
        return Buyer(
            invoice_country=record.get("InvoiceCountryCode") or customer.get("c"),
            delivery_country=record.get("DeliveryCountryCode") or None,
            has_valid_vat_number=bool(customer.get("v")),
        )

    def _voucher_codes(self, record: Mapping[str, Any]) -> list[VatCodeInfo]:
        rows = record.get("Rows") or []
        ids = {str(r.get("VatCodeId")) for r in rows if isinstance(r, Mapping) and r.get("VatCodeId")}
        return [self.vat_codes.get(i, VatCodeInfo(i, -1)) for i in sorted(ids)]

    def _report_missing(self) -> None:
        """What is left of the expected documents was never met in eAccounting (matched ones were taken out, so
        listing the keys costs memory for the missing documents only, not for the ledger)."""
        name = self.flow.connection.name
        for key in self.exact.expected:
            entry = orjson.loads(self.exact.expected[key])
            kind, number = key.split(" ", 1)
            shown = f"{self.prefix} {kind} {number}"
            note = f"the Exact document qualifies but no eAccounting {self.flow.collection} carries {shown}"
            gross = round(entry["n"] + entry["v"], 2) if "n" in entry else None
            self.report.document([Finding(name, shown, Status.MISSING, "document", None, gross, note)])


def reconcile_documents(flows: list[DocumentFlow], home: DataHome, report: Report, since: date | None) -> None:
    for flow in flows:
        DocumentReconciliation(flow, home, report, since).run()
