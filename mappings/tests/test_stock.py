from datetime import date

import pytest

from ledgerbridge_mappings import Action, ItemPlanner, StockCountPlanner

from .builders import guid
from .exact_builders import ea_article, exact_item, exact_lookups, exact_rules, stock_position

TODAY = date(2024, 6, 3)


def planner_for(*, items=(), positions=(), with_items=False, **stock):
    rules = exact_rules(stock=stock, items={"prices": {"currency": "EUR"}})
    lookups = exact_lookups(items=list(items), positions=list(positions))
    item_planner = ItemPlanner(rules, lookups) if with_items else None
    return StockCountPlanner(rules, lookups, TODAY, item_planner), item_planner


@pytest.mark.parametrize(
    ("calculation", "expected"),
    [
        pytest.param(None, 8.0, id="default-balance-minus-reserved"),
        pytest.param("available", 7.0, id="stock-balance-available"),
        pytest.param("balance", 10.0, id="stock-balance"),
    ],
)
def test_given_a_calculation_when_counted_then_quantity_new_is_that_eaccounting_quantity(calculation, expected):
    stock = {"calculation": calculation} if calculation else {}
    planner, _ = planner_for(items=[exact_item("BIKE-01")], positions=[stock_position("BIKE-01", 3)], **stock)
    plan = planner.add_article(
        ea_article("BIKE-01", StockBalance=10.0, StockBalanceReserved=2.0, StockBalanceAvailable=7.0)
    )
    assert plan.ok and plan.writes == []
    batch = planner.stock_count()
    assert batch.write.body["StockCountLines"] == [{"Item": guid("exact-item/BIKE-01"), "QuantityNew": expected}]


def test_given_many_changed_articles_when_counted_then_one_processed_stock_count_holds_every_line():
    codes = [f"SKU-{n:04}" for n in range(1000)]
    planner, _ = planner_for(items=[exact_item(c) for c in codes], positions=[stock_position(c, 1) for c in codes[:10]])
    for code in codes:
        planner.add_article(ea_article(code, StockBalance=5.0, StockBalanceReserved=0.0))
    batch = planner.stock_count()
    write = batch.write
    assert write.target_collection == "inventory/StockCounts" and write.action is Action.CREATE
    assert write.body["Status"] == 21 and write.body["StockCountDate"] == "2024-06-03"
    assert write.body["Warehouse"] == guid("warehouse/1")
    assert len(write.body["StockCountLines"]) == 1000 and len(batch.sources) == 1000


@pytest.mark.parametrize(
    ("article", "exact_items", "reason"),
    [
        pytest.param({"StockBalance": 5.0, "StockBalanceReserved": 0.0}, None, "unchanged: Exact holds 5", id="same"),
        pytest.param({"IsStock": False}, None, "not a stock article", id="non-stock-article"),
        pytest.param({}, [exact_item("BIKE-01", IsStockItem=False)], "is no stock item", id="non-stock-exact-item"),
        pytest.param({"IsActive": False}, None, "inactive", id="filtered-article"),
    ],
)
def test_given_nothing_to_count_when_planned_then_skipped_with_the_reason_and_no_line(article, exact_items, reason):
    planner, _ = planner_for(items=exact_items or [exact_item("BIKE-01")], positions=[stock_position("BIKE-01", 5)])
    plan = planner.add_article(ea_article("BIKE-01", **article))
    [write] = plan.writes
    assert write.action is Action.SKIP and reason in write.reason
    assert planner.stock_count() is None


def test_given_stock_in_another_warehouse_then_the_configured_warehouses_position_is_compared():
    planner, _ = planner_for(
        items=[exact_item("BIKE-01")],
        positions=[stock_position("BIKE-01", 8, warehouse="1"), stock_position("BIKE-01", 2, warehouse="2")],
        warehouse="2",
    )
    planner.add_article(ea_article("BIKE-01"))
    body = planner.stock_count().write.body
    assert body["Warehouse"] == guid("warehouse/2") and body["StockCountLines"][0]["QuantityNew"] == 8.0


@pytest.mark.parametrize(
    ("negative", "expected_quantity", "warned"),
    [pytest.param("zero", 0.0, True, id="zero"), pytest.param("keep", -3.0, False, id="keep")],
)
def test_given_negative_stock_then_the_rule_decides_the_counted_quantity(negative, expected_quantity, warned):
    planner, _ = planner_for(items=[exact_item("BIKE-01")], positions=[stock_position("BIKE-01", 4)], negative=negative)
    plan = planner.add_article(ea_article("BIKE-01", StockBalance=1.0, StockBalanceReserved=4.0))
    assert bool(plan.warnings) is warned
    assert planner.stock_count().write.body["StockCountLines"][0]["QuantityNew"] == expected_quantity


def test_given_an_item_created_in_the_same_sync_then_its_line_links_to_the_new_item_id():
    planner, items = planner_for(with_items=True)
    items.plan_article(ea_article("NEW-1"))
    planner.add_article(ea_article("NEW-1", StockBalance=4.0, StockBalanceReserved=0.0))
    write = planner.stock_count().write
    assert write.body["StockCountLines"] == [{"Item": None, "QuantityNew": 4.0}]
    assert write.links == {"StockCountLines[0].Item": "logistics/Items/code:NEW-1"}


def test_given_the_same_article_twice_then_the_later_quantity_wins():
    planner, _ = planner_for(items=[exact_item("BIKE-01")], positions=[stock_position("BIKE-01", 5)])
    planner.add_article(ea_article("BIKE-01", StockBalance=9.0, StockBalanceReserved=0.0))
    planner.add_article(ea_article("BIKE-01", StockBalance=5.0, StockBalanceReserved=0.0))
    assert planner.stock_count() is None


@pytest.mark.parametrize(
    ("overrides", "stock", "items", "field", "message"),
    [
        pytest.param({"StockBalance": None}, {}, None, "StockBalance", "missing", id="no-balance"),
        pytest.param({"StockBalanceReserved": "lots"}, {}, None, "StockBalanceReserved", "number", id="bad-reserved"),
        pytest.param({}, {}, [], "Number", "no Exact item", id="item-unknown"),
        pytest.param(
            {"StockBalance": 1.0}, {"negative": "error"}, None, "StockBalance", "negative stock -1", id="negative-error"
        ),
        pytest.param({}, {"warehouse": "9"}, None, "stock.warehouse", "'9'", id="unknown-warehouse"),
    ],
)
def test_given_a_bad_article_when_counted_then_an_error_names_the_field_while_others_still_count(
    overrides, stock, items, field, message
):
    planner, _ = planner_for(items=[exact_item("BIKE-01"), exact_item("GOOD-1")] if items is None else items, **stock)
    bad = planner.add_article(ea_article("BIKE-01", **overrides))
    [error] = bad.errors
    assert error.field == field and message in error.message
    if items is None and not stock:
        assert planner.add_article(ea_article("GOOD-1")).ok
        assert [line["Item"] for line in planner.stock_count().write.body["StockCountLines"]] == [
            guid("exact-item/GOOD-1")
        ]
