from datetime import date

import pytest

from ledgerbridge_mappings import Action, GoodsDeliveryPlanner, parse_document_reference

from .builders import guid
from .exact_builders import ea_order, ea_row, exact_lookups, exact_order, exact_rules, order_line_id

TODAY = date(2024, 6, 5)


def planner_for(*orders, **shipments):
    return GoodsDeliveryPlanner(exact_rules(shipments=shipments), exact_lookups(orders=list(orders)), TODAY)


def delivery(plan):
    [write] = plan.writes
    assert write.action is Action.CREATE and write.target_collection == "salesorder/GoodsDeliveries", write
    return write


def lines(write):
    return [(line["SalesOrderLineID"], line["QuantityDelivered"]) for line in write.body["GoodsDeliveryLines"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Exact SO 1042", ("SO", "1042"), id="plain"),
        pytest.param("exact so 1042 / Jan", ("SO", "1042"), id="any-case-with-trailing-text"),
        pytest.param("PO-77 (Exact SO 9)", ("SO", "9"), id="inside-text"),
        pytest.param("Exact SI 24001", ("SI", "24001"), id="sales-invoice"),
        pytest.param("NotExact SO 1042", None, id="prefix-inside-a-word"),
        pytest.param("Exact SO", None, id="no-number"),
        pytest.param(None, None, id="empty"),
    ],
)
def test_given_a_reference_text_when_parsed_then_kind_and_number_are_found(text, expected):
    parsed = parse_document_reference("Exact", text)
    assert (None if parsed is None else (parsed.kind, parsed.number)) == expected


def test_given_a_shipped_order_from_exact_then_one_goods_delivery_covers_every_line():
    planner = planner_for(
        exact_order(1042), shipping_method_map=[{"eaccounting_method": "PN", "exact_method": "POSTNL"}]
    )
    order = ea_order(
        reference="Exact SO 1042",
        DeliveryMethodCode="PN",
        rows=[
            ea_row("BIKE-01", 2),
            ea_row("HELMET-02", 1),
            ea_row(None, 0, IsTextRow=True, Text="Tracking: 3SABC123"),
        ],
    )
    write = delivery(planner.plan_order(order))
    assert lines(write) == [(order_line_id(1042, 1), 2.0), (order_line_id(1042, 2), 1.0)]
    assert write.body["DeliveryDate"] == "2024-06-03" and write.body["TrackingNumber"] == "3SABC123"
    assert write.body["ShippingMethod"] == guid("ship/POSTNL") and write.body["Description"] == "Exact SO 1042"
    assert write.reason.startswith("complete delivery")


@pytest.mark.parametrize(
    ("exact_lines", "rows", "expected", "reason"),
    [
        pytest.param(
            [("BIKE-01", 2, 0), ("HELMET-02", 1, 0)],
            [ea_row("BIKE-01", 2, 2), ea_row("HELMET-02", 1, 0)],
            [(1, 2.0)],
            "partial",
            id="only-some-rows-shipped",
        ),
        pytest.param(
            [("BIKE-01", 5, 0)], [ea_row("BIKE-01", 5, 3)], [(1, 3.0)], "partial", id="only-some-quantity-shipped"
        ),
        pytest.param(
            [("BIKE-01", 5, 3)], [ea_row("BIKE-01", 5, 5)], [(1, 2.0)], "complete", id="delivered-so-far-subtracted"
        ),
        pytest.param(
            [("BIKE-01", 2, 0), ("BIKE-01", 3, 0)],
            [ea_row("BIKE-01", 5, 4)],
            [(1, 2.0), (2, 2.0)],
            "partial",
            id="one-row-over-two-exact-lines",
        ),
        pytest.param(
            [("BIKE-01", 4, 0)],
            [ea_row("BIKE-01", 2, 2), ea_row("BIKE-01", 2, 1)],
            [(1, 3.0)],
            "partial",
            id="two-rows-one-exact-line",
        ),
    ],
)
def test_given_an_ongoing_order_with_delivered_rows_then_only_what_is_new_is_delivered(
    exact_lines, rows, expected, reason
):
    planner = planner_for(exact_order(1042, exact_lines))
    write = delivery(planner.plan_order(ea_order(status=2, rows=rows)))
    assert lines(write) == [(order_line_id(1042, n), q) for n, q in expected]
    assert write.reason.startswith(reason) and write.body["DeliveryDate"] == "2024-06-05"


@pytest.mark.parametrize(
    ("order", "exact", "reason"),
    [
        pytest.param(ea_order(reference="PO-77"), exact_order(), "not an order from Exact", id="no-reference"),
        pytest.param(ea_order(reference="Exact SI 24001"), exact_order(), "not an order from Exact", id="invoice-ref"),
        pytest.param(ea_order(status=1), exact_order(), "draft order", id="draft"),
        pytest.param(ea_order(status=2), exact_order(), "nothing shipped yet", id="nothing-delivered"),
        pytest.param(
            ea_order(), exact_order(lines=[("BIKE-01", 2, 2), ("HELMET-02", 1, 1)]), "already delivered", id="done"
        ),
        pytest.param(ea_order(), exact_order(status=45), "cancelled", id="cancelled-in-exact"),
    ],
)
def test_given_nothing_to_deliver_when_planned_then_skipped_with_the_reason(order, exact, reason):
    plan = planner_for(exact).plan_order(order)
    [write] = plan.writes
    assert plan.ok and write.action is Action.SKIP and reason in write.reason


def test_given_the_same_order_twice_in_one_sync_then_it_is_delivered_once():
    planner = planner_for(exact_order(1042))
    first, second = planner.plan_order(ea_order()), planner.plan_order(ea_order())
    assert delivery(first) and second.writes[0].action is Action.SKIP
    assert second.writes[0].reason == "already delivered in Exact"


def test_given_a_return_in_eaccounting_then_a_warning_says_it_cannot_be_represented():
    planner = planner_for(exact_order(1042, [("BIKE-01", 5, 4), ("HELMET-02", 1, 0)]))
    plan = planner.plan_order(ea_order(status=2, rows=[ea_row("BIKE-01", 5, 2), ea_row("HELMET-02", 1, 1)]))
    assert lines(delivery(plan)) == [(order_line_id(1042, 2), 1.0)]
    assert any("return cannot be represented" in w for w in plan.warnings)


def test_given_rows_not_on_the_exact_order_then_they_warn_unless_ignored():
    rows = [ea_row("BIKE-01", 2), ea_row("HELMET-02", 1), ea_row("GIFT", 1), ea_row("FRAKT", 1)]
    plan = planner_for(exact_order(1042), ignored_article_numbers=["FRAKT"]).plan_order(ea_order(rows=rows))
    assert len(lines(delivery(plan))) == 2
    assert len(plan.warnings) == 1 and "GIFT" in plan.warnings[0] and "cannot be represented" in plan.warnings[0]


def test_given_a_tracking_field_then_it_wins_over_text_rows():
    planner = planner_for(exact_order(1042), tracking_number_field="YourReference")
    write = delivery(planner.plan_order(ea_order(YourReference=" JVGL0612 ")))
    assert write.body["TrackingNumber"] == "JVGL0612"


def test_given_the_reference_in_another_field_then_that_field_is_read():
    planner = planner_for(exact_order(7), reference={"order_field": "YourReference", "prefix": "EO"})
    write = delivery(planner.plan_order(ea_order(reference=None, YourReference="EO SO 7", rows=[ea_row("BIKE-01", 2)])))
    assert lines(write) == [(order_line_id(7, 1), 2.0)]


@pytest.mark.parametrize(
    ("order", "exact", "field", "message"),
    [
        pytest.param(
            ea_order(rows=[ea_row("BIKE-01", 3)]), exact_order(), "Rows[0].DeliveredQuantity", "has 2", id="over"
        ),
        pytest.param(
            ea_order(reference="Exact SO 999"), exact_order(), "OurReference", "not among", id="unknown-order"
        ),
        pytest.param(ea_order(), exact_order(approval=0), "OurReference", "awaits approval", id="not-approved"),
        pytest.param(
            ea_order(DeliveryMethodCode="PN"), exact_order(), "DeliveryMethodCode", "'Pigeon'", id="unknown-method"
        ),
        pytest.param(
            ea_order(status=2, rows=[ea_row("BIKE-01", 2, -1)]),
            exact_order(),
            "Rows[0].DeliveredQuantity",
            "negative",
            id="negative-delivered",
        ),
        pytest.param(
            ea_order(status=2, rows=[ea_row("BIKE-01", 2, "two")]),
            exact_order(),
            "Rows[0].DeliveredQuantity",
            "number",
            id="delivered-not-a-number",
        ),
        pytest.param(ea_order(ShippedDateTime="03/06/2024"), exact_order(), "ShippedDateTime", "ISO", id="bad-date"),
    ],
)
def test_given_a_bad_order_when_planned_then_an_error_names_record_and_field_while_others_still_plan(
    order, exact, field, message
):
    planner = planner_for(
        exact,
        exact_order(2000),
        shipping_method_map=[{"eaccounting_method": "PN", "exact_method": "Pigeon"}],
    )
    bad = planner.plan_order(order)
    [error] = bad.errors
    assert bad.writes == [] and error.field == field and message in error.message
    assert str(error.source_ref).startswith("orders #5001")
    assert planner.plan_order(ea_order(6000, reference="Exact SO 2000")).ok
