"""What the business rules may read and change of the backend's state, so the rules depend on this contract and
the backend on the rules, never both ways."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any, Protocol, overload

from eaccounting_emulator.models.store import Collection

Builder = Callable[[dict[str, Any], dict[str, Any] | None], dict[str, Any]]


class InvoiceBooking(Protocol):
    """The accounting rule sales needs: booking an invoice as its voucher."""

    def book_customer_invoice(
        self, invoice_id: str, number: int, day: date, net: float, vat: float, rate: float, customer: dict[str, Any]
    ) -> dict[str, Any]: ...


class Ledger(Protocol):
    lock: threading.RLock
    company: dict[str, Any]
    reserved: dict[str, float]
    voucher_series: dict[str, int]
    api_user_id: str
    builders: dict[str, Builder]
    after_delete: dict[str, Callable[[dict[str, Any]], None]]
    on_change: Callable[[], None]

    @property
    def accounting(self) -> InvoiceBooking: ...

    def stamp(self) -> str: ...

    def today(self) -> date: ...

    def new_id(self) -> str: ...

    def collection(self, path: str) -> Collection: ...

    def get(self, path: str, key: str, what: str | None = None) -> dict[str, Any]: ...

    @overload
    def reference(self, path: str, key: str, field: str, what: str) -> dict[str, Any]: ...

    @overload
    def reference(self, path: str, key: str | None, field: str, what: str) -> dict[str, Any] | None: ...

    def store(self, path: str, record: dict[str, Any]) -> None: ...

    def identity(self, existing: dict[str, Any] | None) -> str: ...

    def next_number(self, counter: str) -> int: ...
