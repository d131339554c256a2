"""Exact Online webhooks: ``webhooks/WebhookSubscriptions`` and the signed callbacks fired on changes.

Facts (research/exact-online.md §9 and Appendix A ``webhooks/WebhookSubscriptions``):
* subscriptions are per division and topic; POST takes ``Topic`` and ``CallbackURL`` (mandatory), ``UserID``, and, as
  live calls show, ``Description`` and ``IsInstant``; Exact POSTs an empty body to the callback at once and keeps the
  subscription only when it answers 200/201; a second subscription for the same topic → 500 ``Data already exists``;
* a notification is ``{"Content":{Topic, ClientId, Division, Action, Key, ExactOnlineEndpoint, EventCreatedOn},
  "HashCode":…}`` with ``HashCode`` = upper-case hex HMAC-SHA256 of the raw ``Content`` JSON text keyed with the app's
  webhook secret; ``Action`` is Create / Update / Delete; only the key travels;
* a callback that does not answer 200/201 is retried 10 times with 2^n-minute delays (~34 h; emeq notes).

Events are collected while a write runs and sent once it has finished, one per (topic, key): an order created with
three lines is one ``Create`` of the order. Delivery runs on a worker thread on the emulated clock, so
``/_emulator/clock`` advances retries too.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from emulator_kit.clock import Clock
from emulator_kit.jsonio import dumps
from exact_online_emulator.exceptions import BadRequest, ExactError, NotFound

COLLECTION = "webhooks/WebhookSubscriptions"
TYPE_NAME = "Exact.Web.Api.Models.Webhooks.WebhookSubscription"
FIELDS: dict[str, str] = {
    "ID": "Guid",
    "CallbackURL": "String",
    "ClientID": "Guid",
    "Created": "DateTime",
    "Creator": "Guid",
    "CreatorFullName": "String",
    "Description": "String",
    "Division": "Int32",
    "Topic": "String",
    "UserID": "Guid",
}
# Writable on POST/PUT per the docs (CallbackURL, Topic, UserID) plus what live subscriptions send.
WRITABLE = frozenset({"CallbackURL", "Topic", "UserID", "Description", "IsInstant"})
# Topic names from the endpoint descriptions ("Subscribe to the topic X") and the older community list.
TOPICS = frozenset(
    [
        "Accounts",
        "BankAccounts",
        "Contacts",
        "Documents",
        "DocumentAttachments",
        "GLAccounts",
        "Items",
        "Quotations",
        "QuotationLines",
        "BankEntries",
        "CashEntries",
        "GeneralJournalEntries",
        "PurchaseEntries",
        "SalesEntries",
        "PurchaseOrders",
        "SalesInvoices",
        "SalesOrders",
        "GoodsDeliveries",
        "Subscriptions",
        "CostTransactions",
        "TimeTransactions",
        "ProjectPlanning",
        "StockPositions",
        "Opportunities",
        "HostingOpportunities",
        "MailMessagesSent",
        "MailMessageAttachments",
        "JournalStatusList",
        "FinancialTransactions",
    ]
)
# Which emulated collection fires which topic, and the field holding the key the notification names.
TOPIC_OF: dict[str, tuple[str, str]] = {
    "crm/Accounts": ("Accounts", "ID"),
    "crm/Contacts": ("Contacts", "ID"),
    "logistics/Items": ("Items", "ID"),
    "financial/GLAccounts": ("GLAccounts", "ID"),
    "salesorder/SalesOrders": ("SalesOrders", "OrderID"),
    "salesorder/SalesOrderLines": ("SalesOrders", "OrderID"),
    "salesinvoice/SalesInvoices": ("SalesInvoices", "InvoiceID"),
    "salesinvoice/SalesInvoiceLines": ("SalesInvoices", "InvoiceID"),
    "salesorder/GoodsDeliveries": ("GoodsDeliveries", "EntryID"),
    "salesorder/GoodsDeliveryLines": ("GoodsDeliveries", "EntryID"),
    "generaljournalentry/GeneralJournalEntries": ("GeneralJournalEntries", "EntryID"),
    "generaljournalentry/GeneralJournalEntryLines": ("GeneralJournalEntries", "EntryID"),
    "financialtransaction/TransactionLines": ("FinancialTransactions", "EntryID"),
    "inventory/ItemWarehouses": ("StockPositions", "Item"),
}
# The endpoint a notification points at for each topic (fetch the record there).
ENDPOINT_OF: dict[str, str] = {
    "Accounts": "crm/Accounts",
    "Contacts": "crm/Contacts",
    "Items": "logistics/Items",
    "GLAccounts": "financial/GLAccounts",
    "SalesOrders": "salesorder/SalesOrders",
    "SalesInvoices": "salesinvoice/SalesInvoices",
    "GoodsDeliveries": "salesorder/GoodsDeliveries",
    "GeneralJournalEntries": "generaljournalentry/GeneralJournalEntries",
    "FinancialTransactions": "generaljournalentry/GeneralJournalEntries",
    "StockPositions": "logistics/Items",
}
RETRIES = 10
CALLBACK_TIMEOUT_SECONDS = 10
_AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class DataAlreadyExists(ExactError):
    status = 500


@dataclass
class Subscription:
    ID: str
    Division: int
    Topic: str
    CallbackURL: str
    ClientID: str
    UserID: str
    Creator: str
    CreatorFullName: str
    Created: str
    Description: str | None
    IsInstant: bool = False


@dataclass(order=True)
class _Delivery:
    due: float
    sequence: int
    url: str
    body: bytes
    attempt: int


def webhook_secret_for_seed(seed: int) -> str:
    """The app's webhook secret when ``--webhook-secret`` is not given (see README)."""
    return hashlib.sha256(f"exact-online-emulator:webhook:{seed}".encode()).hexdigest()[:32]


def signed_body(content: dict[str, Any], secret: str) -> bytes:
    """``{"Content":…,"HashCode":…}`` with the hash over exactly the Content bytes that are sent."""
    raw = dumps(content)
    digest = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest().upper()
    return b'{"Content":' + raw + b',"HashCode":"' + digest.encode() + b'"}'


class WebhookHub:
    def __init__(self, clock: Clock, secret: str, client_id: str) -> None:
        self.clock = clock
        self.secret = secret
        self.client_id = client_id
        self.root_url = ""  # where clients reach the site; set once the server listens
        self.subscriptions: dict[str, Subscription] = {}
        self._pending: dict[tuple[int, str, str], str] = {}
        self._queue: list[_Delivery] = []
        self._sequence = 0
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._worker = threading.Thread(target=self._deliver_forever, name="exact-webhooks", daemon=True)
        self._worker.start()

    # ----------------------------------------------------------------- subscriptions
    def list(self, division: int) -> list[Subscription]:
        with self._lock:
            return [s for s in self.subscriptions.values() if s.Division == division]

    def get(self, division: int, key: str) -> Subscription:
        with self._lock:
            found = self.subscriptions.get(key)
        if found is None or found.Division != division:
            raise NotFound("Object not found")
        return found

    def subscribe(self, division: int, user_id: str, user_name: str, body: dict[str, Any], now_wire: str):
        values = _writable(body, creating=True)
        self._validate_callback(values["CallbackURL"])
        with self._lock:
            if any(s.Division == division and s.Topic == values["Topic"] for s in self.subscriptions.values()):
                raise DataAlreadyExists("Data already exists")
            subscription = Subscription(
                ID=str(uuid.uuid4()),
                Division=division,
                Topic=values["Topic"],
                CallbackURL=values["CallbackURL"],
                ClientID=self.client_id,
                UserID=values.get("UserID") or user_id,
                Creator=user_id,
                CreatorFullName=user_name,
                Created=now_wire,
                Description=values.get("Description"),
                IsInstant=bool(values.get("IsInstant")),
            )
            self.subscriptions[subscription.ID] = subscription
            return subscription

    def update(self, division: int, key: str, body: dict[str, Any]) -> None:
        subscription = self.get(division, key)
        values = _writable(body, creating=False)
        if "CallbackURL" in values and values["CallbackURL"] != subscription.CallbackURL:
            self._validate_callback(values["CallbackURL"])
        with self._lock:
            topic = values.get("Topic", subscription.Topic)
            if any(s.Division == division and s.Topic == topic and key != s.ID for s in self.subscriptions.values()):
                raise DataAlreadyExists("Data already exists")
            for name, value in values.items():
                if name in ("CallbackURL", "Topic", "UserID", "Description", "IsInstant"):
                    setattr(subscription, name, value)

    def unsubscribe(self, division: int, key: str) -> None:
        self.get(division, key)
        with self._lock:
            self.subscriptions.pop(key, None)

    def render(self, subscription: Subscription, base: str) -> dict[str, Any]:
        record: dict[str, Any] = {
            "__metadata": {"uri": f"{base}{COLLECTION}(guid'{subscription.ID}')", "type": TYPE_NAME}
        }
        for name in FIELDS:
            record[name] = getattr(subscription, name)
        return record

    def _validate_callback(self, url: str) -> None:
        """Exact POSTs an empty body to a new callback and keeps the subscription only on 200/201."""
        status = _post(url, b"")
        if status not in (200, 201):
            shown = "no answer" if status is None else f"HTTP {status}"
            raise BadRequest(f"Callback URL validation failed: {url} answered {shown} to the validation request.")

    # ----------------------------------------------------------------- events
    def record(self, division: int, path: str, row: dict[str, Any], action: str) -> None:
        """Called for every stored or removed row while a write runs (under the back end's lock)."""
        topic_key = TOPIC_OF.get(path)
        if topic_key is None or not self.subscriptions:
            return
        topic, key_field = topic_key
        key = row.get(key_field)
        if not key:
            return
        # A change to a line is a change (Update) of the document the notification names.
        header_action = "Update" if path in _LINES else action
        event = (division, topic, str(key))
        with self._lock:
            earlier = self._pending.get(event)
            # One event per record per write: Create or Delete outrank the Updates that came with them.
            if earlier is None or earlier == "Update":
                self._pending[event] = header_action

    def flush(self) -> None:
        """Called when a write has finished: turns its events into deliveries."""
        with self._lock:
            events, self._pending = self._pending, {}
            now = self.clock.time()
            for (division, topic, key), action in events.items():
                for subscription in self.subscriptions.values():
                    if subscription.Division == division and subscription.Topic == topic:
                        body = signed_body(self._content(subscription, topic, key, action), self.secret)
                        self._enqueue(_Delivery(now, 0, subscription.CallbackURL, body, 0))
            if events:
                self._wake.notify()

    def _content(self, subscription: Subscription, topic: str, key: str, action: str) -> dict[str, Any]:
        endpoint = ENDPOINT_OF.get(topic, "")
        moment = datetime.fromtimestamp(self.clock.time(), tz=_AMSTERDAM).replace(tzinfo=None)
        return {
            "Topic": topic,
            "ClientId": subscription.ClientID,
            "Division": subscription.Division,
            "Action": action,
            "Key": key,
            "ExactOnlineEndpoint": f"{self.root_url}api/v1/{subscription.Division}/{endpoint}(guid'{key}')",
            "EventCreatedOn": moment.isoformat(timespec="milliseconds"),
        }

    def _enqueue(self, delivery: _Delivery) -> None:
        self._sequence += 1
        delivery.sequence = self._sequence
        heapq.heappush(self._queue, delivery)

    def _deliver_forever(self) -> None:
        while True:
            with self._lock:
                while not self._queue or self._queue[0].due > self.clock.time():
                    # Short waits: the emulated clock can be moved forward from outside at any time.
                    self._wake.wait(timeout=0.05)
                delivery = heapq.heappop(self._queue)
                # The retry is due counted from the attempt, not from its answer: a slow callback cannot delay it.
                attempted_at = self.clock.time()
            status = _post(delivery.url, delivery.body)
            if status in (200, 201) or delivery.attempt >= RETRIES:
                continue
            attempt = delivery.attempt + 1
            with self._lock:
                self._enqueue(_Delivery(attempted_at + 60 * 2**attempt, 0, delivery.url, delivery.body, attempt))

    # ----------------------------------------------------------------- state
    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"subscriptions": [asdict(s) for s in self.subscriptions.values()]}

    def restore(self, state: dict[str, Any]) -> None:
        with self._lock:
            self.subscriptions = {s["ID"]: Subscription(**s) for s in state.get("subscriptions", [])}


_LINES = frozenset(
    {
        "salesorder/SalesOrderLines",
        "salesinvoice/SalesInvoiceLines",
        "salesorder/GoodsDeliveryLines",
        "generaljournalentry/GeneralJournalEntryLines",
    }
)


def _writable(body: Any, *, creating: bool) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest("Error processing request stream. The request should be a valid top-level resource object.")
    unknown = [name for name in body if name not in WRITABLE and name != "ID"]
    if unknown:
        raise BadRequest(f"Type '{TYPE_NAME}' does not have a property named '{unknown[0]}'.")
    values = {name: value for name, value in body.items() if name in WRITABLE}
    for name in ("CallbackURL", "Topic"):
        if not (creating or name in values):
            continue
        if not isinstance(values.get(name), str) or not values[name].strip():
            raise BadRequest(f"Mandatory: {name}")
    if "Topic" in values and values["Topic"] not in TOPICS:
        raise BadRequest(f"Invalid topic: '{values['Topic']}'.")
    if "CallbackURL" in values:
        _check_callback_url(values["CallbackURL"])
    return values


def _check_callback_url(url: str) -> None:
    # Exact requires HTTPS; plain http is let through for loopback only, so local receivers need no certificate.
    lowered = url.lower()
    loopback = lowered.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))
    if not (lowered.startswith("https://") or loopback):
        raise BadRequest("CallbackURL must be an HTTPS URL.")


def _post(url: str, body: bytes) -> int | None:
    # Callback URLs were checked to be http(s) when subscribed.
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=CALLBACK_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError, ValueError):
        return None
