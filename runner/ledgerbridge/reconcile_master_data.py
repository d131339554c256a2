"""``reconcile`` for eAccounting → Exact connections: customers, items, sales prices and stock that differ.

Each eAccounting record is looked for in Exact by the key destination-exact-online matches on: a customer by the
rules' ``customers.match_key`` (e-mail, customer number = account code, or VAT number), an article by its number
(= the item code). Found, its money and quantities are compared the way the destination would write them: the
general sales price (``items.prices``: net or gross, excl. or incl. VAT, converted into the Exact price list's
currency at ``items.prices.rates`` when it is not ``items.prices.currency``) and the stock
quantity (``stock.calculation``) against Exact's current stock (in ``stock.warehouse``, else over all warehouses).
A customer's name is compared only when the rules keep it up to date (``customers.update_existing``).

Both systems are read through the connectors a sync uses, full refresh: eAccounting with ``source-eaccounting`` on
the connection's source config, Exact with ``source-exact-online`` on the destination's config (its division as the
one division to read, its token chain written back to that file). The Exact side is kept in a disk-backed map.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import orjson

from ledgerbridge_mappings import ExactRules
from ledgerbridge_mappings.eaccounting_to_exact.accounts import match_value
from ledgerbridge_mappings.eaccounting_to_exact.items import filtered_out, vat_rate
from ledgerbridge_mappings.eaccounting_to_exact.rules.items import PriceBasis, SourcePrice
from ledgerbridge_mappings.eaccounting_to_exact.stock import stock_quantity
from ledgerbridge_mappings.plan import RecordRejected
from ledgerbridge_mappings.shared.match_keys import code_key, email_key, vat_key
from ledgerbridge_mappings.shared.rules.match_keys import MatchKey
from ledgerbridge_writer.disk_map import DiskMap

from .config_files import ConnectorConfigFile, read_config
from .connection_file import Connection, ConnectionFile
from .home import DataHome
from .reconcile import destination_rules, sibling_connector
from .reconcile_report import Finding, Report, Status
from .source_read import SourceRead, StreamRead, discovered_catalog

EACCOUNTING_SOURCE, EXACT_DESTINATION = "source-eaccounting", "destination-exact-online"
EXACT_SOURCE = "source-exact-online"
QUANTITY_TOLERANCE = 1e-6
_EXACT_MATCH = {MatchKey.EMAIL: ("Email", email_key), MatchKey.CUSTOMER_NUMBER: ("Code", code_key),
                MatchKey.VAT_NUMBER: ("VATNumber", vat_key)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class MasterDataFlow:
    connection: Connection
    rules: ExactRules
    customers: bool
    articles: bool


def master_data_flows(connections: ConnectionFile, only: str | None) -> list[MasterDataFlow]:
    flows = []
    for connection in connections.connections:
        if only is not None and connection.name != only:
            continue
        names = (Path(connection.source.connector).name, Path(connection.destination.connector).name)
        if names != (EACCOUNTING_SOURCE, EXACT_DESTINATION):
            continue
        streams = {s.name for s in connection.streams}
        if not streams & {"customers", "articles"}:
            continue
        rules = destination_rules(connection, ExactRules)
        flows.append(MasterDataFlow(connection, rules, "customers" in streams, "articles" in streams))
    return flows


class ExactDestinationAsSource(ConnectorConfigFile):
    """destination-exact-online's config read by source-exact-online: its one ``division`` becomes ``divisions``,
    and a rotated token goes back into the destination's file with everything else in it kept."""

    _KEYS = ("base_url", "credentials")

    def effective(self) -> dict[str, Any]:
        config = read_config(self.path)
        source = {key: config[key] for key in self._KEYS if key in config}
        if config.get("division") is not None:
            source["divisions"] = [config["division"]]
        return source

    def absorb_rotated(self, rotated: Mapping[str, Any]) -> None:
        original = read_config(self.path)
        ConnectorConfigFile(self.path).absorb_rotated(
            {**original, **{key: rotated[key] for key in self._KEYS if key in rotated}}
        )


class MasterDataReconciliation:
    def __init__(self, flow: MasterDataFlow, home: DataHome, report: Report) -> None:
        self.flow = flow
        self.home = home
        self.report = report
        self.rules = flow.rules
        self.accounts = DiskMap()  # match value → account name
        self.items = DiskMap()  # item code → {"stock": bool, "vat": code, "prices": {currency: price}, "qty": float}
        self.vat_rates: dict[str, float] = {}  # Exact VAT code → rate (fraction), when prices need converting

    def _log(self, role: str) -> Path:
        return self.home.logs / f"reconcile-{self.flow.connection.name}-{role}.log"

    def run(self) -> None:
        connection = self.flow.connection
        exact_source = sibling_connector(connection.destination.connector, EXACT_SOURCE)
        exact_config = ExactDestinationAsSource(connection.destination.config)
        eaccounting_config = ConnectorConfigFile(connection.source.config)
        try:
            with ThreadPoolExecutor(max_workers=2, thread_name_prefix="discover") as pool:
                exact_catalog = pool.submit(
                    discovered_catalog, exact_source, exact_config, self._exact_reads(), self.home.scratch,
                    self._log("exact"),
                )  # fmt: skip
                eaccounting_catalog = pool.submit(
                    discovered_catalog, connection.source.connector, eaccounting_config, self._eaccounting_reads(),
                    self.home.scratch, self._log("eaccounting"),
                )  # fmt: skip
                catalogs = exact_catalog.result(), eaccounting_catalog.result()
            scratch = self.home.scratch
            with SourceRead(exact_source, exact_config, catalogs[0], scratch, self._log("exact")) as read:
                self._take_exact(read.records())
            with SourceRead(
                connection.source.connector, eaccounting_config, catalogs[1], scratch, self._log("eaccounting")
            ) as read:
                self._take_eaccounting(read.records())
        finally:
            self.accounts.close()
            self.items.close()

    # ------------------------------------------------------------------------------------------------ Exact

    def _prices_need_rates(self) -> bool:
        prices = self.rules.items.prices
        return prices.enabled and (prices.source_price is SourcePrice.GROSS_PRICE) != (
            prices.exact_basis is PriceBasis.INCL_VAT
        )

    def _exact_reads(self) -> list[StreamRead]:
        reads = []
        if self.flow.customers:
            reads.append(StreamRead("accounts", ("ID", "Name", "Email", "Code", "VATNumber")))
        if self.flow.articles:
            if self._prices_need_rates():
                reads.append(StreamRead("vat_codes", ("Code", "Percentage")))
            reads.append(StreamRead("items", ("ID", "Code", "IsStockItem", "SalesVatCode")))
            if self.rules.items.prices.enabled:
                columns = ("ItemCode", "Currency", "Price", "Account", "Project", "Employee", "Quantity")
                reads.append(StreamRead("sales_item_prices", columns))
            if self.rules.stock.enabled:
                reads.append(StreamRead("stock_positions", ("ItemCode", "WarehouseCode", "CurrentStock")))
        return reads

    def _take_exact(self, records: Iterator[tuple[str, dict[str, Any]]]) -> None:
        field_name, normalise = _EXACT_MATCH[self.rules.customers.match_key]
        warehouse = (self.rules.stock.warehouse or "").strip().casefold()
        for stream, record in records:
            if stream == "accounts":
                key = normalise(record.get(field_name))
                if key:
                    self.accounts[key] = str(record.get("Name") or "")
            elif stream == "vat_codes":
                self.vat_rates[str(record.get("Code") or "").strip()] = vat_rate(record)
            elif stream == "items":
                code = code_key(record.get("Code"))
                if code:
                    item = {"stock": bool(record.get("IsStockItem")), "vat": record.get("SalesVatCode"), "qty": 0.0}
                    self.items[code] = orjson.dumps(item).decode()
            elif stream == "sales_item_prices":
                general = not any(record.get(k) for k in ("Account", "Project", "Employee"))
                if general and not record.get("Quantity") and record.get("Price") is not None:
                    currency = str(record.get("Currency") or "").strip().upper()
                    self._update(record.get("ItemCode"), price=(currency, float(record["Price"])))
            elif stream == "stock_positions" and (
                not warehouse or str(record.get("WarehouseCode") or "").strip().casefold() == warehouse
            ):
                self._update(record.get("ItemCode"), add_qty=float(record.get("CurrentStock") or 0.0))

    def _update(self, item_code: Any, *, price: tuple[str, float] | None = None, add_qty: float = 0.0) -> None:
        code = code_key(item_code)
        raw = self.items.get(code) if code else None
        if raw is None or code is None:
            return
        item = orjson.loads(raw)
        if price is not None:
            item.setdefault("prices", {})[price[0]] = price[1]
        item["qty"] = item["qty"] + add_qty
        self.items[code] = orjson.dumps(item).decode()

    # ------------------------------------------------------------------------------------------------ eAccounting

    def _eaccounting_reads(self) -> list[StreamRead]:
        reads = []
        if self.flow.customers:
            reads.append(StreamRead("customers", ("Id", "Name", "EmailAddress", "CustomerNumber", "VatNumber")))
        if self.flow.articles:
            columns = ("Id", "Number", "Name", "IsActive", "IsStock", "IsServiceArticle", "NetPrice", "GrossPrice",
                       "StockBalance", "StockBalanceReserved", "StockBalanceAvailable")  # fmt: skip
            reads.append(StreamRead("articles", columns))
        return reads

    def _take_eaccounting(self, records: Iterator[tuple[str, dict[str, Any]]]) -> None:
        for stream, record in records:
            if stream == "customers":
                self._customer(record)
            elif stream == "articles":
                self._article(record)

    def _customer(self, record: Mapping[str, Any]) -> None:
        name = self.flow.connection.name
        key = match_value(self.rules.customers.match_key, record)
        if not key:
            return  # the destination cannot match it either; its sync reports that record
        # Named by number or id, never by the e-mail or name it was matched on: the report is kept as a file.
        shown = f"customer {record.get('CustomerNumber') or record.get('Id')}"
        exact_name = self.accounts.get(key)
        if exact_name is None:
            note = f"no Exact account matches on {self.rules.customers.match_key.value}"
            self.report.document([Finding(name, shown, Status.MISSING, "account", str(record.get("Id")), None, note)])
            return
        ea_name = str(record.get("Name") or "")
        if self.rules.customers.update_existing and ea_name.strip().casefold() != exact_name.strip().casefold():
            self.report.document([Finding(name, shown, Status.DIFFERS, "name", ea_name, exact_name, "")])
            return
        self.report.document([Finding(name, shown, Status.OK)])

    def _article(self, record: Mapping[str, Any]) -> None:
        name = self.flow.connection.name
        number = code_key(record.get("Number"))
        if not number or filtered_out(self.rules.items.filter, record, number) is not None:
            return
        shown = f"article {number}"
        raw = self.items.get(number)
        if raw is None:
            note = "no Exact item has this code"
            self.report.document([Finding(name, shown, Status.MISSING, "item", str(record.get("Id")), None, note)])
            return
        item = orjson.loads(raw)
        findings = self._price(shown, record, item) + self._stock(shown, record, item)
        self.report.document(findings or [Finding(name, shown, Status.OK)])

    def _price(self, shown: str, record: Mapping[str, Any], item: dict[str, Any]) -> list[Finding]:
        """The general sales price as the destination writes it: the eAccounting price, converted between excl. and
        incl. VAT with the item's VAT rate and into the Exact price list's currency, rounded once at the end."""
        prices = self.rules.items.prices
        field_name = "NetPrice" if prices.source_price is SourcePrice.NET_PRICE else "GrossPrice"
        raw = record.get(field_name)
        if not prices.enabled or not isinstance(raw, int | float):
            return []
        name = self.flow.connection.name
        rows: dict[str, float] = item.get("prices") or {}
        source = (prices.currency or "").upper()
        currency = self._price_list_currency(source, rows)
        if currency is None:
            note = f"no general sales price in Exact ({source or 'currency not set'})"
            return [Finding(name, shown, Status.DIFFERS, "price", float(raw), None, note)]
        actual = rows.get(currency)
        rate = Decimal(1) if currency == source else _rate(prices, source)
        if rate is None:
            note = (
                f"eAccounting prices are in {source}, Exact's price list in {currency}: set items.prices.rates.{source}"
            )
            return [Finding(name, shown, Status.NOT_COMPARABLE, "price", float(raw), actual, note)]
        factor = Decimal(1)
        if self._prices_need_rates():
            vat = self.vat_rates.get(str(item.get("vat") or "").strip())
            if vat is None:
                note = f"the Exact item has no sales VAT code to convert {field_name} with"
                return [Finding(name, shown, Status.NOT_COMPARABLE, "price", float(raw), actual, note)]
            with_vat = 1 + Decimal(repr(vat))
            factor = with_vat if prices.exact_basis is PriceBasis.INCL_VAT else 1 / with_vat
        step = Decimal(1).scaleb(-prices.decimals)
        expected = float((Decimal(repr(float(raw))) * factor * rate).quantize(step, rounding=ROUND_HALF_UP))
        if actual is None:
            note = f"no general {currency} sales price in Exact"
            return [Finding(name, shown, Status.DIFFERS, "price", expected, None, note)]
        if abs(actual - expected) >= float(step) / 2:
            note = f"{field_name} in {source}" + (f" at {rate} {currency} per {source}" if currency != source else "")
            return [Finding(name, shown, Status.DIFFERS, "price", expected, actual, note)]
        return []

    def _price_list_currency(self, source: str, rows: Mapping[str, float]) -> str | None:
        """The Exact price list's currency: the rules' ``exact_currency`` when set, else the eAccounting price's own
        currency when Exact has a price in it, else the one currency Exact's general prices are in."""
        configured = getattr(self.rules.items.prices, "exact_currency", None)  # arrives with the price-currency rules
        if configured:
            return str(configured).upper()
        if source in rows:
            return source
        return next(iter(rows)) if len(rows) == 1 else None

    def _stock(self, shown: str, record: Mapping[str, Any], item: dict[str, Any]) -> list[Finding]:
        if not self.rules.stock.enabled or not record.get("IsStock") or not item.get("stock"):
            return []
        try:
            quantity = stock_quantity(self.rules.stock.calculation, record)
        except RecordRejected:
            return []  # the stock flow reports an article without its balance
        if abs(quantity - item["qty"]) > QUANTITY_TOLERANCE:
            where = self.rules.stock.warehouse or "all warehouses"
            note = f"{self.rules.stock.calculation.value} against Exact's current stock ({where})"
            return [Finding(self.flow.connection.name, shown, Status.DIFFERS, "stock", quantity, item["qty"], note)]
        return []


def reconcile_master_data(flows: list[MasterDataFlow], home: DataHome, report: Report) -> None:
    for flow in flows:
        MasterDataReconciliation(flow, home, report).run()


def _rate(prices: object, source: str) -> Decimal | None:
    """``items.prices.rates[source]`` (units of the Exact price list's currency per unit of eAccounting's), as the
    decimal the user typed; ``None`` when the rules give none."""
    rates = getattr(prices, "rates", None) or {}  # arrives with the price-currency rules
    rate = rates.get(source)
    return Decimal(repr(float(rate))) if rate is not None else None
