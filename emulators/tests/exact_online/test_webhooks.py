"""Exact Online webhooks: subscriptions, the empty validation POST, and signed notifications on changes.

Sources: research/exact-online.md §9 and Appendix A ``webhooks/WebhookSubscriptions`` (fields, verbs, mandatory
Topic/CallbackURL; empty-body validation POST expecting 200/201; ``'Data already exists'`` (500) for a second
subscription of a topic; body ``{"Content":{Topic, ClientId, Division, Action, Key, ExactOnlineEndpoint,
EventCreatedOn},"HashCode":…}`` from the live sample in zangra-dev/frosit; HashCode = upper-case hex HMAC-SHA256 of the
raw Content text — PICQER ``Webhook/Authenticatable.php`` matches ``^{"Content":(.*),"HashCode":"(.*)"}$``; 10 retries
with 2^n-minute delays per the emeq notes). Before this change the emulator had no webhooks at all (404).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.exact_online.conftest import QUIET_LIMITS, Emulator, start_emulator

SECRET = "test-webhook-secret-4f1c"
PICQER_PATTERN = re.compile(r'^{"Content":(.*),"HashCode":"(.*)"}$', re.DOTALL)


class Receiver:
    """A callback endpoint on loopback that records what it gets and answers with scripted statuses."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.statuses: list[int] = []  # answers to the next calls; 200 once they run out
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.arrived:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.bodies.append(body)
                    receiver.arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/exact/hook"

    def notifications(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self._signed()) < count and time.monotonic() < deadline:
                self.arrived.wait(0.1)
            return [json.loads(body) for body in self._signed()]

    def _signed(self) -> list[bytes]:
        return [body for body in self.bodies if body]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.server.shutdown()


@pytest.fixture
def exact() -> Iterator[Emulator]:
    emulator = start_emulator("--seed", "3", "--webhook-secret", SECRET, *QUIET_LIMITS)
    yield emulator
    emulator.stop()


def _subscribe(exact: Emulator, receiver: Receiver, topic: str):
    return exact.post("webhooks/WebhookSubscriptions", {"Topic": topic, "CallbackURL": receiver.url})


def test_given_callback_that_answers_when_subscribing_then_validated_with_empty_post_and_listed(exact, receiver):
    response = _subscribe(exact, receiver, "Accounts")

    assert response.status_code == 201, response.text
    created = response.json()["d"]
    assert receiver.bodies == [b""]  # the validation request came before the answer, with no body
    assert created["Topic"] == "Accounts" and created["CallbackURL"] == receiver.url
    assert created["ClientID"] == exact.client_id and created["Division"] == exact.division
    listed = exact.get("webhooks/WebhookSubscriptions").json()["d"]["results"]
    assert [row["ID"] for row in listed] == [created["ID"]]
    one = exact.get(f"webhooks/WebhookSubscriptions(guid'{created['ID']}')").json()["d"]
    assert one["Created"].startswith("/Date(")


def test_given_callback_that_refuses_when_subscribing_then_no_subscription(exact, receiver):
    receiver.statuses = [404]

    response = _subscribe(exact, receiver, "Accounts")

    assert response.status_code == 400
    assert exact.get("webhooks/WebhookSubscriptions").json()["d"]["results"] == []


def test_given_topic_already_subscribed_when_subscribing_again_then_500_data_already_exists(exact, receiver):
    assert _subscribe(exact, receiver, "Items").status_code == 201

    again = _subscribe(exact, receiver, "Items")

    assert again.status_code == 500
    assert again.json()["error"]["message"]["value"] == "Data already exists"


@pytest.mark.parametrize(
    "body",
    [
        {"Topic": "Accounts"},
        {"CallbackURL": "https://hooks.example/x"},
        {"Topic": "Penguins", "CallbackURL": "https://hooks.example/x"},
        {"Topic": "Accounts", "CallbackURL": "http://hooks.example/x"},
        {"Topic": "Accounts", "CallbackURL": "https://hooks.example/x", "Colour": "blue"},
    ],
    ids=["no-callback", "no-topic", "unknown-topic", "plain-http", "unknown-property"],
)
def test_given_invalid_subscription_when_posting_then_400(exact, body):
    assert exact.post("webhooks/WebhookSubscriptions", body).status_code == 400


def test_given_accounts_subscription_when_account_created_updated_deleted_then_signed_notifications(exact, receiver):
    _subscribe(exact, receiver, "Accounts")
    account = exact.post("crm/Accounts", {"Name": "Webhook Test B.V.", "Country": "NL"}).json()["d"]
    exact.put(f"crm/Accounts(guid'{account['ID']}')", {"City": "Utrecht"})
    exact.delete(f"crm/Accounts(guid'{account['ID']}')")

    notes = receiver.notifications(3)
    raw = [body for body in receiver.bodies if body]

    assert [note["Content"]["Action"] for note in notes] == ["Create", "Update", "Delete"]
    for body, note in zip(raw, notes, strict=True):
        content, hash_code = PICQER_PATTERN.match(body.decode()).groups()
        expected = hmac.new(SECRET.encode(), content.encode(), hashlib.sha256).hexdigest().upper()
        assert hash_code == expected == note["HashCode"]
        assert set(note["Content"]) == {
            "Topic",
            "ClientId",
            "Division",
            "Action",
            "Key",
            "ExactOnlineEndpoint",
            "EventCreatedOn",
        }
        assert note["Content"]["Topic"] == "Accounts" and note["Content"]["Key"] == account["ID"]
        assert note["Content"]["ClientId"] == exact.client_id and note["Content"]["Division"] == exact.division
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$", note["Content"]["EventCreatedOn"])
    endpoint = notes[0]["Content"]["ExactOnlineEndpoint"]
    assert endpoint == f"{exact.api}/crm/Accounts(guid'{account['ID']}')"


def test_given_sales_orders_subscription_when_order_with_lines_created_then_one_create_of_the_order(exact, receiver):
    _subscribe(exact, receiver, "SalesOrders")
    item = exact.get("logistics/Items", **{"$filter": "Code eq 'SKU-10000'", "$select": "ID"}).json()["d"]["results"]
    account = exact.get("crm/Accounts", **{"$filter": "Country eq 'NL'", "$select": "ID"}).json()["d"]["results"]
    order = exact.post(
        "salesorder/SalesOrders",
        {"OrderedBy": account[0]["ID"], "SalesOrderLines": [{"Item": item[0]["ID"], "Quantity": 2}] * 3},
    ).json()["d"]

    notes = receiver.notifications(1)
    time.sleep(0.5)  # nothing more may follow

    assert len(receiver.notifications(1)) == 1
    assert (notes[0]["Content"]["Action"], notes[0]["Content"]["Key"]) == ("Create", order["OrderID"])


def test_given_unsubscribed_topic_when_records_change_then_nothing_is_sent(exact, receiver):
    _subscribe(exact, receiver, "Items")

    exact.post("crm/Accounts", {"Name": "Niet Geabonneerd B.V."})
    time.sleep(0.5)

    assert receiver.notifications(0, timeout=0.1) == []


def test_given_callback_failing_once_when_notified_then_retried_after_two_minutes(exact, receiver):
    _subscribe(exact, receiver, "Accounts")
    receiver.statuses = [503]
    exact.post("crm/Accounts", {"Name": "Retry B.V."})
    receiver.notifications(1)

    exact.advance(121)
    notes = receiver.notifications(2)

    assert len(notes) == 2 and notes[0] == notes[1]


def test_given_deleted_subscription_when_records_change_then_nothing_is_sent(exact, receiver):
    created = _subscribe(exact, receiver, "Accounts").json()["d"]

    assert exact.delete(f"webhooks/WebhookSubscriptions(guid'{created['ID']}')").status_code == 204
    exact.post("crm/Accounts", {"Name": "Na Opzegging B.V."})
    time.sleep(0.5)

    assert receiver.notifications(0, timeout=0.1) == []
    assert exact.get("webhooks/WebhookSubscriptions").json()["d"]["results"] == []


def test_given_subscription_when_put_moves_the_callback_then_new_url_validated_and_used(exact, receiver):
    created = _subscribe(exact, receiver, "Accounts").json()["d"]
    second = Receiver()
    try:
        moved = exact.put(f"webhooks/WebhookSubscriptions(guid'{created['ID']}')", {"CallbackURL": second.url})
        exact.post("crm/Accounts", {"Name": "Verhuisd B.V."})
        notes = second.notifications(1)
    finally:
        second.server.shutdown()

    assert moved.status_code == 204
    assert second.bodies[0] == b"" and notes[0]["Content"]["Action"] == "Create"


def test_given_no_secret_option_when_notifying_then_signed_with_the_secret_derived_from_the_seed(receiver):
    emulator = start_emulator("--seed", "4", *QUIET_LIMITS)
    try:
        _subscribe(emulator, receiver, "Accounts")
        emulator.post("crm/Accounts", {"Name": "Standaardgeheim B.V."})
        receiver.notifications(1)
    finally:
        emulator.stop()
    content, hash_code = PICQER_PATTERN.match(receiver._signed()[0].decode()).groups()

    # The derivation documented in emulators/README.md ("Webhooks").
    secret = hashlib.sha256(b"exact-online-emulator:webhook:4").hexdigest()[:32]
    assert hash_code == hmac.new(secret.encode(), content.encode(), hashlib.sha256).hexdigest().upper()
