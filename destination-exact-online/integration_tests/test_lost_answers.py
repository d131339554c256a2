"""Answers lost after Exact stored the write (connection dropped, 500): every object still lands exactly once."""

from __future__ import annotations

from collections import Counter

import pytest

from integration_tests.emulators import Connection
from integration_tests.test_end_to_end import MAPPING, _results, live, ship_two_orders

CONFIRMED = "confirmed after a lost answer"


@pytest.fixture
def connection(eaccounting, exact, tmp_path):
    return Connection(eaccounting, exact, ["customers", "articles", "orders"], tmp_path, MAPPING)


def _lost_and_confirmed(exact, result) -> tuple[Counter, Counter, Counter]:
    api_posts = [r for r in exact.requests_log() if r["method"] == "POST" and "/api/v1/" in r["path"]]
    resource = {id(r): r["path"].split("/api/v1/", 1)[1].split("/", 1)[1] for r in api_posts}
    posts = Counter(resource[id(r)] for r in api_posts)
    lost = Counter(resource[id(r)] for r in api_posts if r["status"] in (0, 500))
    confirmed = _writes(result, lambda w: w.get("reason") == CONFIRMED)
    assert all(target_id for _, target_id in confirmed)
    return posts, lost, Counter(target for target, _ in confirmed)


def _writes(result, wanted) -> set[tuple[str, str]]:
    """Distinct (target, target_id) of the writes in the activity log (the one stock count is on every line)."""
    return {
        (w["target"], w["target_id"]) for line in result.activity for w in line.get("writes") or [line] if wanted(w)
    }


def test_given_answers_lost_after_accounts_contacts_items_prices_and_the_count_were_stored_then_each_lands_once(
    connection, eaccounting, exact
):
    exact.set_faults(
        [
            "drop-after:0.3:*/crm/Accounts",
            "500-after:0.3:*/crm/Contacts",
            "drop-after:0.3:*/logistics/Items",
            "500-after:0.3:*/logistics/SalesItemPrices",
            "drop-after:1:*/inventory/StockCounts",
        ]
    )

    result = connection.sync()

    assert result.returncode == 0, result.stderr[-2000:]
    assert [line for line in result.activity if line["action"] == "failed"] == []
    ea, dump = eaccounting.dump(), exact.dump()
    accounts = live(dump, "crm/Accounts", exact.division)
    by_email = Counter((a.get("Email") or "").lower() for a in accounts)
    emails = {(c.get("EmailAddress") or "").lower() for c in ea["customers"] if c.get("EmailAddress")}
    assert all(by_email[e] == 1 for e in emails), "every eAccounting customer is exactly one Exact account"
    contacts = Counter(c["Account"] for c in live(dump, "crm/Contacts", exact.division))
    new_accounts = {a["ID"] for a in accounts if (a.get("Email") or "").lower() in emails}
    assert all(contacts[account] <= 1 for account in new_accounts)
    items = Counter(i["Code"].strip() for i in live(dump, "logistics/Items", exact.division))
    active = [a["Number"] for a in ea["articles"] if a.get("IsActive", True)]
    assert all(items[number] == 1 for number in active)
    prices = Counter((p["Item"], p["Currency"]) for p in dump["logistics/SalesItemPrices"] if not p.get("Account"))
    assert set(prices.values()) == {1}
    counts = live(dump, "inventory/StockCounts", exact.division)
    assert len([c for c in counts if "eAccounting stock" in (c.get("Description") or "")]) == 1

    posts, lost, confirmed = _lost_and_confirmed(exact, result)
    assert set(lost) == {"crm/Accounts", "crm/Contacts", "logistics/Items", "logistics/SalesItemPrices",
                         "inventory/StockCounts"}  # fmt: skip
    assert confirmed == lost, "each lost answer was confirmed by a lookup, none by sending again"
    assert posts == Counter(target for target, _ in _writes(result, lambda w: w["action"] == "created"))


def test_given_answers_lost_after_goods_deliveries_were_stored_then_each_order_is_delivered_once(
    connection, eaccounting, exact
):
    full, partial = ship_two_orders(connection, eaccounting, exact)
    exact.clear_requests_log()
    exact.set_faults(["500-after:1:*/salesorder/GoodsDeliveries"])

    result = connection.sync()

    assert result.returncode == 0, result.stderr[-2000:]
    assert [line for line in result.activity if line["action"] == "failed"] == []
    after = exact.dump()
    lines = {line["ID"]: line for line in after["salesorder/SalesOrderLines"]}
    delivered = {
        order["OrderNumber"]: [lines[line["ID"]]["QuantityDelivered"] for line in _results(order["SalesOrderLines"])]
        for order in (full, partial)
    }
    assert delivered == {full["OrderNumber"]: [3, 2], partial["OrderNumber"]: [1, 0]}
    posts, lost, confirmed = _lost_and_confirmed(exact, result)
    assert posts["salesorder/GoodsDeliveries"] == 2
    assert lost == confirmed == Counter({"salesorder/GoodsDeliveries": 2})
    entry_ids = {d["EntryID"] for d in after["salesorder/GoodsDeliveries"]}
    assert {target_id for _, target_id in _writes(result, lambda w: w.get("reason") == CONFIRMED)} <= entry_ids
