"""Answers lost after eAccounting stored the write (connection dropped, 500): every object still lands once."""

from __future__ import annotations

from collections import Counter

import pytest

from .conftest import VOUCHER_LEDGER, exact_orders, rules
from .test_order_flow import references_in

CONFIRMED = "confirmed after a lost answer"


def _new(dump: dict, before: dict, collection: str, field: str) -> Counter:
    known = {(r.get(field) or "").lower() for r in before[collection]}
    return Counter((r.get(field) or "").lower() for r in dump[collection] if (r.get(field) or "").lower() not in known)


@pytest.mark.parametrize(("target", "collection"), [("order", "orders"), ("voucher", "vouchers")])
def test_given_answers_lost_after_documents_customers_and_articles_were_stored_when_the_flow_runs_then_each_lands_once(
    target, collection, make_flow, exact, eaccounting
):
    before = eaccounting.dump()
    eaccounting.set_faults([f"drop-after:0.3:*/{collection}", "500-after:0.3:*/customers", "drop-after:0.3:*/articles"])
    flow = make_flow(rules(documents={"target": target}, ledger=VOUCHER_LEDGER))

    run = flow.run()

    assert run.returncode == 0
    assert [a for a in run.activity if a["action"] == "failed"] == []
    expected = Counter(f"Exact SO {o['OrderNumber']}" for o in exact_orders(exact))
    dump = eaccounting.dump()
    assert references_in(dump, collection) == expected
    new_customers = _new(dump, before, "customers", "EmailAddress")
    new_articles = _new(dump, before, "articles", "Number")
    assert set(new_customers.values()) <= {1} and set(new_articles.values()) <= {1}
    # The faults struck the write path; every lost answer was confirmed by a lookup, none by sending again.
    log = eaccounting.requests_log()
    lost = Counter(r["path"] for r in log if r["method"] == "POST" and r["status"] in (0, 500))
    assert lost[f"/v2/{collection}"] > 0
    posts = Counter(r["path"] for r in log if r["method"] == "POST")
    assert posts[f"/v2/{collection}"] == sum(expected.values())
    assert posts["/v2/customers"] == len(new_customers) and posts["/v2/articles"] == len(new_articles)
    writes = [w for a in run.activity for w in a.get("writes") or [a]]
    confirmed = Counter(f"/v2/{w['target']}" for w in writes if w.get("reason") == CONFIRMED)
    assert confirmed == lost
    assert all(w["target_id"] for w in writes if w.get("reason") == CONFIRMED)
