"""The eAccounting backend: one company's state and the generic rules every resource shares (ids, stamps,
full-replace PUT, references), with the business rules of each area in rules/sales.py and rules/accounting.py.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, overload

from eaccounting_emulator.exceptions import NotFound, ReferenceNotFound
from eaccounting_emulator.models.rules.accounting import AccountingRules
from eaccounting_emulator.models.rules.ledger import Builder
from eaccounting_emulator.models.rules.sales import SalesRules
from eaccounting_emulator.models.store import Collection, account_key
from eaccounting_emulator.schemas import format_date_time, properties, shaped
from emulator_kit.clock import Clock

# Collection path → response schema. The path is also the key in GET /_emulator/dump.
RESOURCES: dict[str, str] = {
    "accounts": "AccountApi",
    "articleaccountcodings": "ArticleAccountCodingApi",
    "articles": "ArticleApi",
    "costcenteritems": "CostCenterItemApi",
    "costcenters": "CostCenterApi",
    "countries": "CountryApi",
    "currencies": "CurrencyApi",
    "customerinvoicedrafts": "CustomerInvoiceDraftApi",
    "customerinvoices": "CustomerInvoiceApi",
    "customers": "CustomerApi",
    "deliverymethods": "DeliveryMethodApi",
    "deliveryterms": "DeliveryTermApi",
    "fiscalyears": "FiscalYearApi",
    "orders": "OrderApi",
    "projects": "ProjectApi",
    "termsofpayments": "TermsOfPaymentApi",
    "units": "UnitApi",
    "vatcodes": "VatCodeApi",
    "vouchers": "VoucherApi",
}
# Resources keyed by something other than a generated Id.
NATURAL_KEYS = {"countries": "Code", "currencies": "Code"}
COMPANY_SETTINGS = "companysettings"


class Backend:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.collections: dict[str, Collection] = {}
        for path, schema in RESOURCES.items():
            props = properties(schema)
            stamp = next((name for name in ("ChangedUtc", "ModifiedUtc") if name in props), None)
            self.collections[path] = Collection(path, schema, NATURAL_KEYS.get(path, "Id"), stamp)
        self.company: dict[str, Any] = shaped("CompanySettingsApi", {})
        # Stock reserved by ongoing orders, per article id.
        self.reserved: dict[str, float] = {}
        self.voucher_series: dict[str, int] = {}
        self._last_stamp = ""
        # Ids come from a seeded generator so `--seed N` reproduces the same ids; seeding pins "now" to build history.
        self.ids = random.Random(0)
        # The user behind the API grant: invoices record it as CreatedByUserId.
        self.api_user_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "eaccounting-emulator/api-user"))
        self.pinned: datetime | None = None
        self.on_change: Callable[[], None] = lambda: None
        self.builders: dict[str, Builder] = {}
        self.after_delete: dict[str, Callable[[dict[str, Any]], None]] = {}
        self.sales = SalesRules(self)
        self.accounting = AccountingRules(self)

    # --- time -------------------------------------------------------------------------------------------------
    def stamp(self) -> str:
        """A write timestamp on the emulated clock, strictly increasing so ``ChangedUtc gt`` never misses a write."""
        stamp = format_date_time(self.now())
        if stamp <= self._last_stamp:
            previous = datetime.fromisoformat(self._last_stamp.replace("Z", "+00:00"))
            stamp = format_date_time(previous + timedelta(microseconds=1))
        self._last_stamp = stamp
        return stamp

    def now(self) -> datetime:
        return self.pinned or self.clock.now()

    def today(self) -> date:
        return self.now().date()

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.ids.getrandbits(128), version=4))

    # --- generic access ---------------------------------------------------------------------------------------
    def collection(self, path: str) -> Collection:
        return self.collections[path]

    def get(self, path: str, key: str, what: str | None = None) -> dict[str, Any]:
        record = self.collections[path].get(key)
        if record is None:
            raise NotFound(what or path.rstrip("s"), key)
        return record

    @overload
    def reference(self, path: str, key: str, field: str, what: str) -> dict[str, Any]: ...

    @overload
    def reference(self, path: str, key: str | None, field: str, what: str) -> dict[str, Any] | None: ...

    def reference(self, path: str, key: str | None, field: str, what: str) -> dict[str, Any] | None:
        if key is None:
            return None
        record = self.collections[path].get(key)
        if record is None:
            raise ReferenceNotFound(field, what, key)
        return record

    def create(self, path: str, values: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            record = self.builders[path](values, None)
            self.store(path, record)
            return record

    def replace(self, path: str, key: str, values: dict[str, Any]) -> dict[str, Any]:
        """PUT replaces the whole object: writable fields the request omits fall back to their defaults."""
        with self.lock:
            existing = self.get(path, key)
            record = self.builders[path](values, existing)
            self.store(path, record)
            return record

    def delete(self, path: str, key: str) -> None:
        with self.lock:
            record = self.get(path, key)
            hook = self.after_delete.get(path)
            if hook:
                hook(record)
            self.collections[path].delete(key)
            self.on_change()

    def store(self, path: str, record: dict[str, Any]) -> None:
        collection = self.collections[path]
        collection.put(self.key_of(path, record), record)
        self.on_change()

    def key_of(self, path: str, record: dict[str, Any]) -> str:
        if path == "accounts":
            return account_key(record["FiscalYearId"], record["Number"])
        key: str = record[self.collections[path].key_field or "Id"]
        return key

    def identity(self, existing: dict[str, Any] | None) -> str:
        if existing:
            known: str = existing["Id"]
            return known
        return self.new_id()

    def next_number(self, counter: str) -> int:
        number: int = self.company[counter]
        self.company[counter] = number + 1
        return number

    # --- state ------------------------------------------------------------------------------------------------
    def dump(self) -> dict[str, Any]:
        with self.lock:
            data: dict[str, Any] = {path: collection.values() for path, collection in self.collections.items()}
            data[COMPANY_SETTINGS] = self.company
            return data

    def to_state(self) -> dict[str, Any]:
        with self.lock:
            return {
                "collections": {path: collection.values() for path, collection in self.collections.items()},
                "company": self.company,
                "reserved": self.reserved,
                "voucher_series": self.voucher_series,
                "last_stamp": self._last_stamp,
                # Without it a restarted emulator would hand out ids it already gave to records created before.
                "id_generator": _json_random_state(self.ids.getstate()),
            }

    def load_state(self, state: dict[str, Any]) -> None:
        with self.lock:
            for path, records in state["collections"].items():
                collection = self.collections[path]
                collection.records = {self.key_of(path, record): record for record in records}
                collection.rebuild_index()
            self.company = state["company"]
            self.reserved = state["reserved"]
            self.voucher_series = state["voucher_series"]
            self._last_stamp = state["last_stamp"]
            if "id_generator" in state:
                version, internal, gauss = state["id_generator"]
                self.ids.setstate((version, tuple(internal), gauss))

    def rebuild_indexes(self) -> None:
        for collection in self.collections.values():
            collection.rebuild_index()
        stamps = [c._log_stamps[-1] for c in self.collections.values() if c.stamp_field and c._log_stamps]
        self._last_stamp = max([self._last_stamp, *stamps])


def _json_random_state(state: tuple[Any, ...]) -> list[Any]:
    version, internal, gauss = state
    return [version, list(internal), gauss]
