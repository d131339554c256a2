"""The guard refuses a write whose figures do not follow from the eAccounting record, naming both values."""

from decimal import Decimal

import pytest

from ledgerbridge_mappings import Action, ItemPlanner
from ledgerbridge_mappings.eaccounting_to_exact.lookups import ExactSalesOrder, SalesOrderIndex
from ledgerbridge_mappings.eaccounting_to_exact.prices import PriceCurrency
from ledgerbridge_mappings.eaccounting_to_exact.reconciliation import (
    reconcile_delivery,
    reconcile_price,
    reconcile_stock,
)
from ledgerbridge_mappings.plan import RecordRejected

from .builders import guid
from .exact_builders import ea_article, exact_item, exact_lookups, exact_order, exact_rules, order_line_id

SEK_TO_EUR = PriceCurrency("SEK", "EUR", Decimal("0.087"))


def test_given_a_sek_article_and_a_rate_when_planned_then_exact_gets_the_converted_eur_price():
    rules = exact_rules(items={"prices": {"currency": "SEK", "rates": {"SEK": 0.087}}})
    plan = ItemPlanner(rules, exact_lookups()).plan_article(ea_article("KAFFE-1", NetPrice=1778.0))
    [price] = plan.writes_to("logistics/SalesItemPrices")
    assert price.body == {"Price": 154.69, "Currency": "EUR"}  # 1778 * 0.087 = 154.686


def test_given_a_sek_article_without_a_rate_when_planned_then_the_record_is_refused_and_nothing_relabelled():
    rules = exact_rules(items={"prices": {"currency": "SEK"}})
    plan = ItemPlanner(rules, exact_lookups()).plan_article(ea_article("KAFFE-1", NetPrice=1778.0))
    [error] = plan.errors
    assert plan.writes == [] and error.field == "NetPrice"
    assert error.message.startswith("prices are in SEK but Exact expects EUR; set items.prices.rates.SEK")


def test_given_an_existing_eur_price_when_the_sek_price_changes_then_the_converted_price_is_updated():
    rules = exact_rules(items={"prices": {"currency": "SEK", "rates": {"SEK": 0.087}}})
    existing = {"ID": guid("price/1"), "Item": guid("exact-item/KAFFE-1"), "Currency": "EUR", "Price": 150.0}
    lookups = exact_lookups(items=[exact_item("KAFFE-1", Description="Bicycle KAFFE-1")], prices=[existing])
    plan = ItemPlanner(rules, lookups).plan_article(ea_article("KAFFE-1", NetPrice=1778.0))
    [price] = plan.writes_to("logistics/SalesItemPrices")
    assert (price.action, price.body, price.target_id) == (Action.UPDATE, {"Price": 154.69}, guid("price/1"))


@pytest.mark.parametrize(
    ("body", "field", "shown"),
    [
        pytest.param(
            {"Price": 1778.0, "Currency": "EUR"}, "NetPrice", "Price 1778.00 EUR ≠ 1778 SEK", id="unconverted"
        ),
        pytest.param({"Price": 154.69, "Currency": "SEK"}, "Currency", "written in SEK", id="relabelled"),
        pytest.param({"Price": 154.68, "Currency": "EUR"}, "NetPrice", "difference -0.01", id="a-cent-off"),
    ],
)
def test_given_a_price_that_does_not_follow_from_the_source_then_the_guard_names_field_and_both_values(
    body, field, shown
):
    with pytest.raises(RecordRejected) as refused:
        reconcile_price(body, "NetPrice", 1778.0, Decimal(1), SEK_TO_EUR, 2)
    assert refused.value.field == field and shown in refused.value.message


def test_given_the_converted_price_then_the_guard_lets_it_through():
    reconcile_price({"Price": 154.69, "Currency": "EUR"}, "NetPrice", 1778.0, Decimal(1), SEK_TO_EUR, 2)


def test_given_a_counted_quantity_that_differs_from_the_balance_then_the_guard_refuses_it():
    reconcile_stock(12.5, "StockBalance", 12.5, 4)
    with pytest.raises(RecordRejected) as refused:
        reconcile_stock(12.0, "StockBalance", 12.5, 4)
    assert refused.value.field == "StockBalance" and "QuantityNew 12 ≠ eAccounting 12.5" in refused.value.message


def _order(lines) -> ExactSalesOrder:
    return SalesOrderIndex.from_records([exact_order(1042, lines)]).get("1042")


@pytest.mark.parametrize(
    ("delivery", "shipped", "field", "message"),
    [
        pytest.param(
            [(1, 3.0)],
            {"BIKE-01": (3.0, "Rows[0].DeliveredQuantity")},
            "GoodsDeliveryLines[0].QuantityDelivered",
            "Exact has 2 open",
            id="more-than-remaining",
        ),
        pytest.param(
            [(1, 1.0)],
            {"BIKE-01": (2.0, "Rows[0].DeliveredQuantity")},
            "Rows[0].DeliveredQuantity",
            "Exact would show 1 of BIKE-01 delivered ≠ eAccounting 2",
            id="less-than-shipped",
        ),
        pytest.param(
            [(2, 1.0)],
            {"BIKE-01": (0.0, "Rows[0].DeliveredQuantity")},
            "GoodsDeliveryLines",
            "did not ship",
            id="article-not-shipped",
        ),
    ],
)
def test_given_delivered_quantities_that_do_not_match_eaccounting_then_the_guard_names_the_difference(
    delivery, shipped, field, message
):
    order = _order([("BIKE-01", 2, 0), ("HELMET-02", 1, 0)])
    lines = [{"SalesOrderLineID": order_line_id(1042, n), "QuantityDelivered": q} for n, q in delivery]
    with pytest.raises(RecordRejected) as refused:
        reconcile_delivery(lines, shipped, order, {}, frozenset(), 4)
    assert refused.value.field == field and message in refused.value.message
