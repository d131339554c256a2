"""A corpus of bad Exact records beside good ones: each bad record fails with its precise field and reason, the good
ones land, and the stream's state is held back so the failed records are read again next sync."""

from __future__ import annotations

import copy
import json
import uuid

from ledgerbridge_testkit import Output

from .conftest import exact_orders, rules

LONG = "x" * 2100


def _records(path, stream):
    return [
        m["record"]["data"] for m in Output.parse(path.read_text()).of_type("RECORD") if m["record"]["stream"] == stream
    ]


def _message(stream, data):
    return {"type": "RECORD", "record": {"stream": stream, "data": data, "emitted_at": 1}}


def test_given_a_corpus_of_bad_records_when_written_then_each_fails_precisely_and_the_good_ones_land(
    make_flow, exact, eaccounting
):
    # First sync with article creation on, so every Exact item exists in eAccounting; then creation off.
    first = make_flow()
    seeded = first.run()
    assert seeded.returncode == 0, seeded.describe()  # otherwise the good records below lack their articles
    mapping = rules(
        vat={
            "mode": "by_code",
            "per_country": [],
            "code_map": [{"exact_code": c, "eaccounting_code": "10"} for c in ("0", "1", "2", "3")],
        },
    )
    mapping["articles"] = {"create_missing": False}
    flow = make_flow(mapping, credentials=first.destination_config.read()["credentials"])
    recorded = flow.read_source()
    template = next(o for o in _records(recorded, "sales_orders") if len(o["SalesOrderLines"]) >= 1)
    accounts = {a["ID"]: a for a in _records(recorded, "accounts")}
    base_account = accounts[template["InvoiceTo"]]

    def order(number, **changes):
        data = copy.deepcopy(template)
        data.update(OrderID=str(uuid.uuid4()), OrderNumber=number, **changes)
        for line in data["SalesOrderLines"]:
            line["OrderNumber"] = number
        return data

    def account(**changes):
        data = copy.deepcopy(base_account)
        data.update(ID=str(uuid.uuid4()), MainContact=None, **changes)
        return data

    def line_change(data, **changes):
        data["SalesOrderLines"][0].update(changes)
        return data

    no_email = account(Email=None)
    nowhere = account(Email="nowhere@example.test", Country="XX")
    tokyo = account(
        Email="info@tokyo-shoji.example", Name="東京商事株式会社", City="東京", Postcode="100-0001", Country="JP"
    )
    extra = [_message("accounts", a) for a in (no_email, nowhere, tokyo)]
    corpus = {
        9001: (order(9001, InvoiceTo=no_email["ID"], OrderedBy=no_email["ID"], DeliverTo=None, DeliveryAddress=None),
               "InvoiceTo.Email", "no email"),
        9002: (line_change(order(9002), ItemCode="NO-SUCH-SKU"), "SalesOrderLines[0].ItemCode",
               "no eAccounting article has number 'NO-SUCH-SKU'"),
        9003: (line_change(order(9003), VATCode="99"), "SalesOrderLines[0].VATCode", "'99' is not in vat.code_map"),
        9004: (order(9004, InvoiceTo=nowhere["ID"], OrderedBy=nowhere["ID"], DeliverTo=None, DeliveryAddress=None),
               "InvoiceTo.Country", "'XX' is not an ISO 3166 country"),
        9005: (line_change(order(9005), Quantity=-2.0), "SalesOrderLines[0].Quantity", "negative quantity"),
        9006: (order(9006, SalesOrderLines=[]), "SalesOrderLines", "no lines"),
        9007: (line_change(order(9007), Description=LONG), "SalesOrderLines[0].Description", "2100"),
    }  # fmt: skip
    good = [
        order(9100),
        order(9101, InvoiceTo=tokyo["ID"], OrderedBy=tokyo["ID"], DeliverTo=None, DeliveryAddress=None,
              Description="Заказ №1 — Ελληνικά"),
    ]  # fmt: skip
    extra += [_message("sales_orders", o) for o, _, _ in corpus.values()] + [_message("sales_orders", o) for o in good]
    extra.append(
        {"type": "STATE", "state": {"type": "STREAM", "stream": {"stream_descriptor": {"name": "sales_orders"},
                                                                  "stream_state": {"corpus": True}}}}
    )  # fmt: skip

    output = flow.run(extra_input=extra)

    # The sync fails visibly (exit 1, one config_error trace last), after the states of what was written.
    assert output.returncode == 1, output.of_type("TRACE")
    (trace,) = output.of_type("TRACE")
    assert trace["trace"]["error"]["failure_type"] == "config_error"
    assert trace["trace"]["error"]["message"].startswith(f"{len(corpus)} record(s) failed: sales_orders ")
    by_number = {a["source_number"]: a for a in output.activity if a["stream"] == "sales_orders"}
    for number, (_, field, reason) in corpus.items():
        line = by_number[str(number)]
        assert line["action"] == "failed", number
        assert line["field"] == field, (number, line)
        assert reason in line["reason"], (number, line)
    assert by_number["9100"]["action"] == "created"
    assert by_number["9101"]["action"] == "created"
    dump = eaccounting.dump()
    references = {o.get("OurReference") for o in dump["orders"]}
    assert {"Exact SO 9100", "Exact SO 9101"} <= references
    assert not {f"Exact SO {n}" for n in corpus} & references
    assert any(c["Name"] == "東京商事株式会社" and c["InvoiceCity"] == "東京" for c in dump["customers"])
    # The failed records keep their stream's later states back: they are read again next sync.
    held = [s for s in output.states() if s["stream"]["stream_descriptor"]["name"] == "sales_orders"]
    assert all(s["stream"]["stream_state"] != {"corpus": True} for s in held)
    # Activity lines carry ids and numbers, never names or e-mail addresses.
    text = json.dumps(output.activity, ensure_ascii=False)
    assert "東京商事" not in text and "@" not in text
    assert len(exact_orders(exact)) + 2 == len([r for r in references if (r or "").startswith("Exact SO")])
