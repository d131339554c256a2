"""A connection whose item rules write nothing carries only stock: it reads only the stock positions, not the
catalogue's items and sales prices, and spends one stock count on any number of changed quantities."""

from __future__ import annotations

import math
from collections import Counter

from integration_tests.emulators import Connection
from ledgerbridge_testkit import writes

FULL = {
    "customers": {"use_customer_number_as_code": False},
    "items": {"prices": {"currency": "SEK", "exact_currency": "SEK"}},
}
STOCK_ONLY = {"items": {"create_missing": False, "update_existing": False}}


def _writable(article):
    return {k: v for k, v in article.items() if k not in {"Id", "ChangedUtc", "CreatedUtc", "StockBalanceAvailable"}}


def _reads(log):
    paths = (r["path"] for r in log if r["method"] == "GET")
    return Counter(path.split("/api/v1/", 1)[1].split("/", 1)[1].split("?")[0] for path in paths)


def test_given_a_stock_only_connection_when_quantities_change_then_it_reads_only_stock_positions_and_posts_one_count(
    eaccounting, exact, tmp_path
):
    stock_articles = [a for a in eaccounting.dump()["articles"] if a.get("IsStock") and a.get("IsActive", True)]
    never_counted = stock_articles[0]  # zero stock on the first sync: Exact gets the item but no stock position
    eaccounting.api(
        "PUT",
        f"articles/{never_counted['Id']}",
        {**_writable(never_counted), "StockBalance": never_counted.get("StockBalanceReserved") or 0},
    )
    (tmp_path / "full").mkdir()
    full = Connection(eaccounting, exact, ["articles"], tmp_path / "full", FULL)
    assert full.sync().returncode == 0

    (tmp_path / "stock").mkdir()
    stock = Connection(
        eaccounting,
        exact,
        ["articles"],
        tmp_path / "stock",
        STOCK_ONLY,
        destination_config={**full.destination_config, "mapping": STOCK_ONLY},
        states=dict(full.states),
    )
    changed = stock_articles[1:4]
    for article in changed:
        eaccounting.api("PUT", f"articles/{article['Id']}", {**_writable(article), "StockBalance": 500})
    positions = len(exact.dump()["inventory/ItemWarehouses"])
    exact.clear_requests_log()
    result = stock.sync()
    assert result.returncode == 0, result.stderr[-2000:]
    log = exact.requests_log()
    position_pages = math.ceil(positions / 1000)
    assert _reads(log) == Counter({"sync/Inventory/StockPositions": position_pages, "inventory/Warehouses": 1})
    assert [r["path"].rsplit("/", 1)[1] for r in writes(log)] == ["StockCounts"]
    assert len(log) == position_pages + 2, "positions, the main warehouse, one stock count (no token call)"
    counted = {
        p["ItemCode"].strip(): p["CurrentStock"]
        for p in exact.dump()["inventory/ItemWarehouses"]
        if p["ItemCode"].strip() in {a["Number"] for a in changed}
    }
    assert counted == {a["Number"]: 500 - (a.get("StockBalanceReserved") or 0) for a in changed}

    # An article whose item holds no stock position yet costs one bulk read of the item flags, not a lookup.
    eaccounting.api("PUT", f"articles/{never_counted['Id']}", {**_writable(never_counted), "StockBalance": 700})
    exact.clear_requests_log()
    result = stock.sync()
    assert result.returncode == 0, result.stderr[-2000:]
    log = exact.requests_log()
    assert _reads(log)["bulk/Logistics/Items"] == 1
    assert [r["path"].rsplit("/", 1)[1] for r in writes(log)] == ["StockCounts"]
    new_position = [
        p for p in exact.dump()["inventory/ItemWarehouses"] if p["ItemCode"].strip() == never_counted["Number"]
    ]
    assert [p["CurrentStock"] for p in new_position] == [700 - (never_counted.get("StockBalanceReserved") or 0)]
