"""Writes in flight side by side: STATE order, same key never twice at once, dependencies first, 429s, the budget."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any

from airbyte_cdk.models import AirbyteMessage, Type

from ledgerbridge_mappings import Action, PlannedWrite, RecordPlan, SourceRef
from ledgerbridge_writer import RecordWork, Target, WriteConcurrency, WriteOutcomeUnknown, Writer
from ledgerbridge_writer.endpoint_lanes import EndpointLanes

from .fakes import record, stream_state


class OutOfOrderTarget(Target):
    """orders, each optionally with a new customer (``customer``) it creates or links to. ``delay`` per order id makes
    answers come back out of order; every send is logged with the writes in flight at that moment."""

    streams = frozenset({"orders"})

    def __init__(self, delay: Mapping[str, float] | None = None, lost: set[str] | None = None) -> None:
        self.delay = dict(delay or {})
        self.lost = set(lost or ())  # order ids whose first create lands but whose answer is lost
        self.lock = threading.Lock()
        self.in_flight: Counter[str] = Counter()  # collection -> writes waiting for their answer
        self.in_flight_keys: Counter[str] = Counter()
        self.most_in_flight: Counter[str] = Counter()
        self.most_per_key = 0
        self.answered: list[str] = []  # source ids, in the order their writes were answered
        self.stored: list[tuple[str, str, dict[str, Any]]] = []  # (collection, id, body) of every stored object
        self.events: list[tuple[str, str]] = []  # ("sent"|"answered", "<collection>:<source id>")

    def plan(self, stream: str, data: Mapping[str, Any]) -> RecordWork:
        ref = SourceRef(stream, data["id"], data["id"])
        plan = RecordPlan(ref)
        customer = data.get("customer")
        links = {}
        if customer:
            key = f"customer/{customer}"
            plan.writes.append(PlannedWrite("customers", Action.CREATE, {"Name": customer}, ref, key=key))
            links = {"CustomerId": key}
        plan.writes.append(
            PlannedWrite("orders", Action.CREATE, {"Ref": data["id"], "CustomerId": None}, ref, links=links)
        )
        return RecordWork.of(plan)

    def execute(self, write: Any, body: dict[str, Any]) -> str | None:
        name = f"{write.target_collection}:{write.source_ref.id}"
        key = write.key or ""
        with self.lock:
            self.events.append(("sent", name))
            self.in_flight[write.target_collection] += 1
            self.most_in_flight[write.target_collection] = max(
                self.most_in_flight[write.target_collection], self.in_flight[write.target_collection]
            )
            if key:
                self.in_flight_keys[key] += 1
                self.most_per_key = max(self.most_per_key, self.in_flight_keys[key])
        time.sleep(self.delay.get(write.source_ref.id, 0.01))
        with self.lock:
            self.in_flight[write.target_collection] -= 1
            if key:
                self.in_flight_keys[key] -= 1
            new_id = f"{write.target_collection}-{len(self.stored) + 1}"
            self.stored.append((write.target_collection, new_id, body))
            self.events.append(("answered", name))
            if write.target_collection == "orders":
                self.answered.append(write.source_ref.id)
            if write.source_ref.id in self.lost and write.target_collection == "orders":
                self.lost.discard(write.source_ref.id)
                raise WriteOutcomeUnknown(write.target_collection, "connection dropped")
        return new_id

    def find_written(self, write: Any, body: dict[str, Any]) -> str | None:
        with self.lock:
            return next((i for c, i, b in self.stored if c == write.target_collection and b == body), None)


def write(target: Target, messages: list[AirbyteMessage], **concurrency: Any) -> list[AirbyteMessage]:
    options = {"max_in_flight": 8, **concurrency}
    return list(Writer(target, concurrency=WriteConcurrency(**options)).write(None, messages))


def activity_ids(out: list[AirbyteMessage]) -> list[str]:
    lines = [json.loads(m.log.message) for m in out if m.type == Type.LOG and m.log.message.startswith("{")]
    return [line["source_id"] for line in lines if line["event"] == "activity"]


def test_given_answers_out_of_order_when_states_arrive_then_no_state_overtakes_an_unwritten_record():
    # o2 answers after o3 (the first call of an endpoint runs alone: it measures the round trip); the state after o3
    # must wait for o2, as must every later one.
    target = OutOfOrderTarget(delay={"o2": 0.4})
    messages: list[AirbyteMessage] = []
    for n in range(1, 13):
        messages.append(record("orders", id=f"o{n}"))
        if n % 3 == 0:
            messages.append(stream_state("orders", n))
    out = write(target, messages)
    assert target.answered.index("o2") > target.answered.index("o3")  # really out of order
    done: set[str] = set()
    echoed = []
    for message in out:
        ids = activity_ids([message])
        done.update(ids)
        if message.type == Type.STATE:
            cursor = message.state.stream.stream_state.cursor
            assert {f"o{n}" for n in range(1, cursor + 1)} <= done, f"state {cursor} before its records were written"
            echoed.append(cursor)
    assert echoed == [3, 6, 9, 12]


def test_given_many_orders_of_one_new_customer_when_written_concurrently_then_it_is_created_once_never_twice_at_once():
    target = OutOfOrderTarget()
    messages = [record("orders", id=f"o{n}", customer="Anna" if n % 2 else "Bo") for n in range(1, 21)]
    out = write(target, [*messages, stream_state("orders", 20)])
    customers = [body for collection, _, body in target.stored if collection == "customers"]
    assert sorted(c["Name"] for c in customers) == ["Anna", "Bo"]
    assert target.most_per_key == 1
    assert len(activity_ids(out)) == 20


def test_given_an_order_of_a_customer_another_record_creates_when_written_then_the_create_is_confirmed_first():
    target = OutOfOrderTarget(delay={"o1": 0.3})  # the customer's create (in o1) answers slowly
    out = write(target, [record("orders", id="o1", customer="Anna"), record("orders", id="o2", customer="Anna")])
    assert target.events.index(("answered", "customers:o1")) < target.events.index(("sent", "orders:o2"))
    (customer_id,) = [i for c, i, _ in target.stored if c == "customers"]
    assert [b["CustomerId"] for c, _, b in target.stored if c == "orders"] == [customer_id, customer_id]
    assert sorted(activity_ids(out)) == ["o1", "o2"]


def test_given_orders_of_one_new_customer_when_the_customer_exists_then_its_orders_go_side_by_side():
    target = OutOfOrderTarget(delay={f"o{n}": 0.1 for n in range(1, 9)})
    write(target, [record("orders", id=f"o{n}", customer="Anna") for n in range(1, 9)])
    assert [c for c, _, _ in target.stored].count("customers") == 1
    assert target.events.index(("answered", "customers:o1")) < min(
        target.events.index(("sent", f"orders:o{n}")) for n in range(1, 9)
    )
    assert target.most_in_flight["orders"] > 1


def test_given_independent_records_when_written_then_several_are_in_flight_on_an_endpoint_never_more_than_allowed():
    target = OutOfOrderTarget(delay={f"o{n}": 0.05 for n in range(1, 41)})
    write(target, [record("orders", id=f"o{n}") for n in range(1, 41)], max_in_flight=4)
    assert target.most_in_flight["orders"] == 4


def test_given_one_write_at_a_time_when_records_touch_different_endpoints_then_they_never_overlap():
    target = OutOfOrderTarget()
    customers = [record("orders", id=f"o{n}", customer=f"C{n}") for n in range(1, 11)]
    write(target, customers, max_in_flight=1)
    assert sum(target.most_in_flight.values()) == 2  # customers then orders, each alone
    kinds = [event for event, _ in target.events]
    assert kinds == ["sent", "answered"] * 20  # one request at a time across every endpoint


def test_given_a_call_budget_when_round_trips_are_short_then_only_what_the_budget_can_use_is_in_flight():
    # 120 calls a minute = 2 a second; at 50 ms a round trip, 2 in flight already keep that pace.
    target = OutOfOrderTarget(delay={f"o{n}": 0.05 for n in range(1, 31)})
    write(target, [record("orders", id=f"o{n}") for n in range(1, 31)], max_in_flight=8, calls_per_minute=120)
    assert target.most_in_flight["orders"] == 2


def test_given_a_lost_answer_when_writing_concurrently_then_the_order_is_found_by_its_key_and_not_sent_again():
    target = OutOfOrderTarget(lost={"o3"})
    out = write(target, [*(record("orders", id=f"o{n}") for n in range(1, 9)), stream_state("orders", 8)])
    refs = Counter(body["Ref"] for collection, _, body in target.stored if collection == "orders")
    assert refs == Counter({f"o{n}": 1 for n in range(1, 9)})
    assert [m.state.stream.stream_state.cursor for m in out if m.type == Type.STATE] == [8]


def test_given_a_429_on_an_endpoint_when_the_lane_learns_it_then_it_halves_and_grows_back_one_at_a_time():
    throttled = Counter[str]()
    now = [0.0]
    lanes = EndpointLanes(
        WriteConcurrency(max_in_flight=8, throttled=lambda endpoint: throttled[endpoint]), clock=lambda: now[0]
    )

    def call(endpoint: str, seconds: float = 0.5) -> None:
        with lanes.slot(endpoint):
            now[0] += seconds

    call("orders")
    assert lanes.limit("orders") == 8
    throttled["orders"] += 1
    call("orders", seconds=55.0)  # the 429 was waited out inside the client
    assert lanes.limit("orders") == 4
    assert lanes.limit("customers") == 1  # another endpoint has its own lane (and has not measured a round trip)
    for _ in range(5):  # about one more per round of calls: 4 + 1/4 + 1/4.25 + ... passes 5 at the fifth
        call("orders")
    assert lanes.limit("orders") == 5
    for _ in range(40):
        call("orders")
    assert lanes.limit("orders") == 8


def test_given_a_budget_when_the_lane_has_measured_a_round_trip_then_its_limit_is_what_the_budget_can_use():
    now = [0.0]
    lanes = EndpointLanes(WriteConcurrency(max_in_flight=32, calls_per_minute=600), clock=lambda: now[0])
    with lanes.slot("orders"):
        now[0] += 0.5
    # 10 calls a second x 0.5 s x 1.25 headroom, + 1
    assert lanes.limit("orders") == 8
