"""Exact sales orders → eAccounting, end to end through both console scripts, for every order target."""

from __future__ import annotations

from collections import Counter

import pytest

from ledgerbridge_testkit import writes

from .conftest import VOUCHER_LEDGER, exact_orders, rules

TARGETS = {
    "order": "orders",
    "invoice_draft": "customerinvoicedrafts",
    "invoice": "customerinvoices",
    "voucher": "vouchers",
}


def references_in(dump: dict, collection: str) -> Counter:
    if collection == "vouchers":
        texts = [v.get("VoucherText") or "" for v in dump["vouchers"]]
        return Counter(" ".join(t.split()[:3]) for t in texts if t.startswith("Exact SO "))
    return Counter(d.get("OurReference") for d in dump[collection] if (d.get("OurReference") or "").startswith("Exact"))


@pytest.mark.parametrize("target", list(TARGETS))
def test_given_exact_orders_when_the_flow_runs_twice_then_each_order_lands_once_and_the_rerun_writes_nothing(
    target, make_flow, exact, eaccounting
):
    mapping = rules(documents={"target": target}, ledger=VOUCHER_LEDGER)
    flow = make_flow(mapping)

    first = flow.run()

    assert first.returncode == 0
    failed = [a for a in first.activity if a["action"] == "failed"]
    assert failed == []
    collection = TARGETS[target]
    expected = Counter(f"Exact SO {o['OrderNumber']}" for o in exact_orders(exact))
    assert references_in(eaccounting.dump(), collection) == expected
    created = [a for a in first.activity if a["stream"] == "sales_orders" and a["action"] == "created"]
    documents = [w for a in created for w in a.get("writes") or [a] if w["target"] == collection]
    assert len(documents) == len(created) == sum(expected.values())
    assert all(w["target_id"] for w in documents)
    # Every state the source sent is echoed once its records are committed.
    assert {s["stream"]["stream_descriptor"]["name"] for s in first.states()} >= {"accounts", "sales_orders"}

    eaccounting.clear_requests_log()
    second = flow.run()

    assert second.returncode == 0
    assert writes(eaccounting.requests_log()) == []
    order_lines = [a for a in second.activity if a["stream"] == "sales_orders"]
    assert {a["action"] for a in order_lines} == {"skipped"}
    assert references_in(eaccounting.dump(), collection) == expected


def test_given_new_and_known_customers_when_orders_land_then_each_customer_is_created_once_by_e_mail(
    make_flow, exact, eaccounting
):
    def by_email(customers):
        return Counter(c["EmailAddress"].lower() for c in customers if c.get("EmailAddress"))

    before = by_email(eaccounting.dump()["customers"])
    known_before = set(before)
    flow = make_flow()

    flow.run()

    customers = eaccounting.dump()["customers"]
    after = by_email(customers)
    # Known customers are reused (even where the seed itself holds one e-mail twice); new ones are created once.
    assert all(after[email] == (before[email] or 1) for email in after)
    orders = {
        o["OurReference"]: o for o in eaccounting.dump()["orders"] if (o.get("OurReference") or "").startswith("Exact")
    }
    by_id = {c["Id"]: c for c in customers}
    division = exact.start_line["division"]
    accounts = {a["ID"]: a for a in exact.dump()["crm/Accounts"] if a["Division"] == division}
    for order in exact_orders(exact):
        written = orders[f"Exact SO {order['OrderNumber']}"]
        customer = by_id[written["CustomerId"]]
        assert customer["EmailAddress"].lower() == accounts[order["InvoiceTo"]]["Email"].lower()
    new = [c for c in customers if (c.get("EmailAddress") or "").lower() not in known_before]
    assert new, "the seed has Exact accounts unknown to eAccounting"
    # Exact companies become company customers, with their main contact (where Exact has one) as contact person.
    companies = [c for c in new if not c["IsPrivatePerson"]]
    assert companies and any(c.get("ContactPersonName") for c in companies)


def test_given_dry_run_when_the_flow_runs_then_nothing_is_written_and_no_state_is_echoed(make_flow, eaccounting):
    flow = make_flow(dry_run=True)
    eaccounting.clear_requests_log()

    output = flow.run()

    assert output.returncode == 0
    assert writes(eaccounting.requests_log()) == []
    assert output.states() == []
    planned = [a for a in output.activity if a["stream"] == "sales_orders"]
    assert planned and {a["action"] for a in planned} == {"planned"}
    assert all(a.get("dry_run") for a in planned)
