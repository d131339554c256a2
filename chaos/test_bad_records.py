"""A corpus of bad records among good ones: each bad record fails with an error naming its field, the good ones land,
and the stream's state stays behind the failures so the next run retries them — the fixed ones then land, once."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

from flow import EAccountingDestination, append_messages, eaccounting_rules, records
from ledger import diff_orders, duplicate_customers, order_reference

from eaccounting_client import EAccountingClient
from emulator_kit.process import EmulatorProcess

CORPUS_STATE = {"corpus": True}


def _message(stream: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": "RECORD", "record": {"stream": stream, "data": data, "emitted_at": 1}}


def _state() -> dict[str, Any]:
    stream = {"stream_descriptor": {"name": "sales_orders"}, "stream_state": CORPUS_STATE}
    return {"type": "STATE", "state": {"type": "STREAM", "stream": stream}}


class Corpus:
    """Bad variants of one real order (and of its customer), each with the field its error must name."""

    def __init__(self, template: dict[str, Any], account: dict[str, Any]) -> None:
        self.template, self.account = template, account
        self.accounts: list[dict[str, Any]] = []
        self.orders: list[tuple[dict[str, Any], str, str]] = []  # order, field, kind
        self.number = 90_000

    def order(self, **changes: Any) -> dict[str, Any]:
        self.number += 1
        data = copy.deepcopy(self.template)
        data.update(OrderID=str(uuid.uuid4()), OrderNumber=self.number, **changes)
        for line in data["SalesOrderLines"]:
            line["ID"] = str(uuid.uuid4())
            line["OrderID"], line["OrderNumber"] = data["OrderID"], self.number
        return data

    def party(self, **changes: Any) -> dict[str, Any]:
        data = copy.deepcopy(self.account)
        data.update(ID=str(uuid.uuid4()), Code=str(uuid.uuid4().int)[:8], MainContact=None, **changes)
        self.accounts.append(data)
        return data

    def ordered_by(self, party: dict[str, Any]) -> dict[str, Any]:
        return self.order(InvoiceTo=party["ID"], OrderedBy=party["ID"], DeliverTo=None, DeliveryAddress=None)

    def add(self, kind: str, field: str, make: Callable[[], dict[str, Any]], copies: int) -> None:
        self.orders += [(make(), field, kind) for _ in range(copies)]


def _line(order: dict[str, Any], **changes: Any) -> dict[str, Any]:
    order["SalesOrderLines"][0].update(changes)
    return order


def test_given_a_corpus_of_bad_records_when_synced_twice_then_each_fails_precisely_and_fixed_ones_land_next_run(
    source, recorded_orders, size, scorecard, tmp_path
):
    orders = records(recorded_orders, "sales_orders")
    accounts = {a["ID"]: a for a in records(recorded_orders, "accounts")}
    with EmulatorProcess("eaccounting-emulator") as eaccounting:
        before = eaccounting.dump()
        # The real orders first, creating every Exact item as an article; then article creation off, VAT by code.
        first = EAccountingDestination(tmp_path / "first", eaccounting, source.catalog_path)
        assert first.write(recorded_orders).returncode == 0
        # Every VAT code the real orders use is mapped, so a corpus order fails on its own defect and nothing else.
        codes = sorted({line["VATCode"] for o in orders for line in o["SalesOrderLines"] if line.get("VATCode")})
        # Every code books 25 %, whatever Exact charged: the rate difference is accepted so it is no defect here.
        vat = {"mode": "by_code", "per_country": [], "accept_rate_differences": True,
               "code_map": [{"exact_code": c, "eaccounting_code": "10"} for c in codes]}  # fmt: skip
        mapping = eaccounting_rules(eaccounting, vat=vat, articles={"create_missing": False})
        destination = EAccountingDestination(tmp_path / "corpus", eaccounting, source.catalog_path, mapping)
        destination.config.write({**destination.config.read(), "credentials": first.config.read()["credentials"]})

        template = next(o for o in orders if o["SalesOrderLines"])
        corpus = Corpus(template, accounts[template["InvoiceTo"]])
        n = size.bad_records_per_kind
        corpus.add("customer without e-mail", "InvoiceTo.Email", lambda: corpus.ordered_by(corpus.party(Email=None)), n)
        corpus.add("unknown country", "InvoiceTo.Country",
                   lambda: corpus.ordered_by(corpus.party(Email=f"{uuid.uuid4().hex[:8]}@example.test", Country="XX")),
                   n)  # fmt: skip
        corpus.add("unknown SKU", "SalesOrderLines[0].ItemCode",
                   lambda: _line(corpus.order(), ItemCode=f"MISSING-{corpus.number}"), n)  # fmt: skip
        corpus.add("unmapped VAT code", "SalesOrderLines[0].VATCode", lambda: _line(corpus.order(), VATCode="99"), n)
        corpus.add("negative quantity", "SalesOrderLines[0].Quantity", lambda: _line(corpus.order(), Quantity=-2.0), n)
        corpus.add("no lines", "SalesOrderLines", lambda: corpus.order(SalesOrderLines=[]), n)
        corpus.add("line text too long", "SalesOrderLines[0].Description",
                   lambda: _line(corpus.order(), Description="x" * 2100), n)  # fmt: skip
        good = [corpus.order(), corpus.order(Description="Заказ №1 — Ελληνικά — 東京")]
        extra = [_message("accounts", a) for a in corpus.accounts]
        extra += [_message("sales_orders", o) for o, _, _ in corpus.orders] + [
            _message("sales_orders", o) for o in good
        ]
        fed = append_messages(recorded_orders, [*extra, _state()], tmp_path / "with-corpus.jsonl")

        first_run = destination.write(fed)

        # Fix one kind at its root, as a user would after reading the log: create the missing articles.
        unknown = [o for o, _, kind in corpus.orders if kind == "unknown SKU"]
        config = destination.config.read()
        client = EAccountingClient(config)
        known_article = next(iter(eaccounting.dump()["articles"]))
        coding, unit = known_article["CodingId"], known_article["UnitId"]
        for order in unknown:
            number = order["SalesOrderLines"][0]["ItemCode"]
            client.create("articles", {"Number": number, "Name": number, "CodingId": coding, "UnitId": unit,
                                     "IsActive": True})  # fmt: skip
        destination.config.write(config)  # the client rotated the refresh token in place
        eaccounting.clear_requests_log()
        second_run = destination.write(fed)
        second_log = eaccounting.requests_log()
        after = eaccounting.dump()

    scorecard.tried("bad records (7 kinds)", len(corpus.orders))
    kinds = sorted({kind for _, _, kind in corpus.orders})
    scorecard.held(f"{len(corpus.orders)} bad records ({', '.join(kinds)}) among {len(orders) + 2} good ones, twice")
    assert len(corpus.orders) >= 50
    # Failed records fail the sync visibly: states of what was written first, then one config_error naming the count.
    assert first_run.returncode == 1, first_run.stderr[-2000:]
    (trace,) = [m["trace"]["error"] for m in first_run.of_type("TRACE") if m["trace"].get("type") == "ERROR"]
    assert trace["failure_type"] == "config_error"
    assert trace["message"].startswith(f"{len(corpus.orders)} record(s) failed: sales_orders ")
    assert first_run.states(), "the states of what was written come before the error"
    by_number = {a["source_number"]: a for a in first_run.activity if a["stream"] == "sales_orders"}
    wrong = [(o["OrderNumber"], field, by_number.get(str(o["OrderNumber"]))) for o, field, _ in corpus.orders
             if by_number.get(str(o["OrderNumber"]), {}).get("action") != "failed"
             or by_number[str(o["OrderNumber"])].get("field") != field]  # fmt: skip
    assert wrong == []
    assert all(by_number[str(o["OrderNumber"])]["action"] == "created" for o in good)
    # The failures hold the corpus's state back, so the platform would read them again.
    held = [
        s["stream"]["stream_state"]
        for s in first_run.states()
        if s["stream"]["stream_descriptor"]["name"] == "sales_orders"
    ]
    assert CORPUS_STATE not in held

    retried = {a["source_number"]: a for a in second_run.activity if a["stream"] == "sales_orders"}
    assert all(retried[str(o["OrderNumber"])]["action"] == "created" for o in unknown)
    still_bad = [o for o, _, kind in corpus.orders if kind != "unknown SKU"]
    assert all(retried[str(o["OrderNumber"])]["action"] == "failed" for o in still_bad)
    order_posts = [r for r in second_log if r["method"] == "POST" and r["path"].lower().endswith("/orders")]
    assert len(order_posts) == len(unknown)  # nothing that landed before is sent again

    expected = [o["OrderNumber"] for o in orders + good + unknown]
    ledger = diff_orders(expected, after)
    landed_bad = {order_reference(o["OrderNumber"]) for o in still_bad} & {
        o.get("OurReference") for o in after["orders"]
    }
    scorecard.lost(len(ledger.missing))
    scorecard.duplicated(ledger.duplicate_count + sum(duplicate_customers(before, after).values()))
    assert ledger.missing == [] and ledger.duplicates == {}
    assert landed_bad == set()
