"""source-eaccounting read | destination-exact-online write, both real processes against both emulators."""

from __future__ import annotations

from collections import Counter

import pytest

from integration_tests.emulators import Connection
from ledgerbridge_testkit import writes

MAPPING = {
    "customers": {"use_customer_number_as_code": False},
    "items": {"prices": {"currency": "SEK", "exact_currency": "SEK"}},
    "shipments": {"ignored_article_numbers": ["FRAKT"]},
}


def by_collection(log):
    return Counter(r["path"].split("/api/v1/", 1)[1].split("/", 1)[1].split("(")[0].split("?")[0] for r in writes(log))


def live(dump, collection, division):
    return [row for row in dump[collection] if row.get("Division") in (None, division)]


@pytest.fixture
def connection(eaccounting, exact, tmp_path):
    return Connection(eaccounting, exact, ["customers", "articles", "orders"], tmp_path, MAPPING)


def test_given_eaccounting_customers_and_articles_when_synced_then_exact_holds_them_and_a_rerun_writes_nothing(
    connection, eaccounting, exact
):
    first = connection.sync()
    assert first.returncode == 0, first.stderr[-2000:]
    ea = eaccounting.dump()
    dump = exact.dump()
    emails = {(c.get("EmailAddress") or "").lower() for c in ea["customers"] if c.get("EmailAddress")}
    exact_emails = Counter((a.get("Email") or "").lower() for a in live(dump, "crm/Accounts", exact.division))
    assert all(exact_emails[e] == 1 for e in emails), "every eAccounting customer is exactly one Exact account"
    companies = [c for c in ea["customers"] if not c["IsPrivatePerson"] and c.get("ContactPersonName")]
    accounts = {a["Email"].lower(): a["ID"] for a in live(dump, "crm/Accounts", exact.division) if a.get("Email")}
    with_contact = {c["Account"] for c in live(dump, "crm/Contacts", exact.division)}
    assert all(accounts[c["EmailAddress"].lower()] in with_contact for c in companies)

    items = {i["Code"].strip(): i for i in live(dump, "logistics/Items", exact.division)}
    active = [a for a in ea["articles"] if a.get("IsActive", True)]
    assert all(a["Number"] in items for a in active)
    article = next(a for a in active if a.get("NetPrice"))
    prices = [p for p in dump["logistics/SalesItemPrices"] if p["Item"] == items[article["Number"]]["ID"]]
    assert [round(p["Price"], 2) for p in prices if p["Currency"] == "SEK"] == [round(article["NetPrice"], 2)]

    counts = live(dump, "inventory/StockCounts", exact.division)
    assert len([c for c in counts if "eAccounting stock" in (c.get("Description") or "")]) == 1
    assert {s["state"]["stream"]["stream_descriptor"]["name"] for s in first.destination if s["type"] == "STATE"} >= {
        "customers",
        "articles",
    }

    exact.clear_requests_log()
    rerun = connection.sync(from_scratch=True)  # every record again, no state: only the bulk reads are spent
    assert rerun.returncode == 0
    assert writes(exact.requests_log()) == [], [a for a in rerun.activity if a["action"] != "skipped"]
    assert {line["action"] for line in rerun.activity} == {"skipped"}


def test_given_stock_changes_in_eaccounting_when_synced_then_one_processed_count_carries_only_the_changed_lines(
    connection, eaccounting, exact
):
    assert connection.sync().returncode == 0
    stock_articles = [a for a in eaccounting.dump()["articles"] if a.get("IsStock") and a.get("IsActive", True)]
    changed = stock_articles[:3]
    for article in changed:
        eaccounting.api("PUT", f"articles/{article['Id']}", {**_writable(article), "StockBalance": 500})
    exact.clear_requests_log()
    result = connection.sync()
    assert result.returncode == 0
    assert by_collection(exact.requests_log()) == Counter({"inventory/StockCounts": 1})
    positions = {
        p["ItemCode"].strip(): p["CurrentStock"]
        for p in exact.dump()["inventory/ItemWarehouses"]
        if p["ItemCode"].strip() in {a["Number"] for a in changed}
    }
    reserved = {a["Number"]: a.get("StockBalanceReserved") or 0 for a in changed}
    assert positions == {number: 500 - reserved[number] for number in positions} and len(positions) == 3


def _writable(article):
    return {k: v for k, v in article.items() if k not in {"Id", "ChangedUtc", "CreatedUtc", "StockBalanceAvailable"}}


def test_given_shipped_eaccounting_orders_from_exact_when_synced_then_goods_deliveries_land_once_full_and_partial(
    connection, eaccounting, exact
):
    full, partial = ship_two_orders(connection, eaccounting, exact)
    exact.clear_requests_log()
    result = connection.sync()
    assert result.returncode == 0
    deliveries = Counter(r["path"].rsplit("/", 1)[-1] for r in writes(exact.requests_log()))
    after = exact.dump()
    lines = {line["ID"]: line for line in after["salesorder/SalesOrderLines"]}
    delivered = {
        order["OrderNumber"]: [lines[line["ID"]]["QuantityDelivered"] for line in _results(order["SalesOrderLines"])]
        for order in (full, partial)
    }
    assert delivered[full["OrderNumber"]] == [3, 2]
    assert delivered[partial["OrderNumber"]] == [1, 0], "only what eAccounting shows delivered"
    assert deliveries["GoodsDeliveries"] == 2
    tracking = [d.get("TrackingNumber") for d in after["salesorder/GoodsDeliveries"] if d.get("TrackingNumber")]
    assert "00370123456789" in tracking

    exact.clear_requests_log()
    assert connection.sync(from_scratch=True).returncode == 0
    assert writes(exact.requests_log()) == [], "a shipped order is delivered once, however often it is read"


def ship_two_orders(connection, eaccounting, exact):
    """Two Exact sales orders, shipped in eAccounting: one in full (with a tracking number), one in part."""
    assert connection.sync().returncode == 0  # items exist in Exact under the eAccounting article numbers
    ea = eaccounting.dump()
    dump = exact.dump()
    articles = [a for a in ea["articles"] if a.get("IsActive", True) and a.get("IsStock")][:2]
    items = {i["Code"].strip(): i["ID"] for i in live(dump, "logistics/Items", exact.division)}
    account = live(dump, "crm/Accounts", exact.division)[0]["ID"]
    customer = next(c for c in ea["customers"] if not c["IsPrivatePerson"])

    def exact_order(quantities):
        lines = [{"Item": items[a["Number"]], "Quantity": q} for a, q in zip(articles, quantities, strict=True)]
        return exact.api("POST", "salesorder/SalesOrders", {"OrderedBy": account, "SalesOrderLines": lines})

    def ea_order(number, status, rows):
        body = {
            "CustomerId": customer["Id"],
            "OrderDate": "2026-11-20",
            "Status": status,
            "OurReference": f"Exact SO {number}",
            "CurrencyCode": "SEK",
            "EuThirdParty": False,
            "ReverseChargeOnConstructionServices": False,
            "RotReducedInvoicingType": 0,
            "Rows": [
                {
                    "LineNumber": n,
                    "IsTextRow": False,
                    "IsWorkCost": False,
                    "EligibleForReverseChargeOnVat": False,
                    **row,
                }
                for n, row in enumerate(rows, start=1)
            ],
        }
        return eaccounting.api("POST", "orders", body)

    full = exact_order([3, 2])
    partial = exact_order([4, 1])
    ea_order(
        full["OrderNumber"],
        3,
        [{"ArticleId": a["Id"], "Quantity": q} for a, q in zip(articles, [3, 2], strict=True)]
        + [{"IsTextRow": True, "Text": "Tracking: 00370123456789"}],
    )
    ea_order(
        partial["OrderNumber"],
        2,
        [
            {"ArticleId": articles[0]["Id"], "Quantity": 4, "DeliveredQuantity": 1},
            {"ArticleId": articles[1]["Id"], "Quantity": 1, "DeliveredQuantity": 0},
        ],
    )
    return full, partial


def _results(lines):
    return lines["results"] if isinstance(lines, dict) else lines
