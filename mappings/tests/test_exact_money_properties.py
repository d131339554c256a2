"""Properties of every eAccounting → Exact rule that carries an amount, a currency or a quantity: the written figure
equals the one derived from the eAccounting record, or the record is refused naming why — never a silent difference."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from ledgerbridge_mappings import Action, GoodsDeliveryPlanner, ItemPlanner, StockCountPlanner

from .builders import guid
from .exact_builders import (
    ITEM_GROUPS,
    ea_article,
    ea_order,
    ea_row,
    exact_item,
    exact_lookups,
    exact_order,
    exact_rules,
    order_line_id,
    stock_position,
)

CURRENCIES = ("SEK", "EUR", "NOK", "DKK", "USD")
TODAY = date(2024, 6, 5)


def decimals_of(places: int, low: int, high: int):
    """Decimal values as a user types them (at most ``places`` decimals), as floats the way JSON delivers them."""
    return st.integers(low, high).map(lambda n: float(Decimal(n).scaleb(-places)))


def half_up(value: Decimal, places: int) -> float:
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


# ------------------------------------------------------------------------------------------------ prices


@given(
    price=st.one_of(decimals_of(2, 0, 10**8), decimals_of(4, 0, 10**7)),
    rate=decimals_of(6, 1, 10**8),
    source=st.sampled_from(CURRENCIES),
    target=st.sampled_from(CURRENCIES),
    with_rate=st.booleans(),
    places=st.integers(0, 6),
    target_from_division=st.booleans(),
)
def test_given_any_price_rate_and_currencies_when_planned_then_price_is_converted_half_up_or_refused_naming_why(
    price, rate, source, target, with_rate, places, target_from_division
):
    prices = {"currency": source, "decimals": places, "rates": {source: rate} if with_rate else {}}
    if not target_from_division:
        prices["exact_currency"] = target
    planner = ItemPlanner(
        exact_rules(items={"prices": prices}),
        exact_lookups(division_currency=target if target_from_division else "GBP"),
    )
    plan = planner.plan_article(ea_article("ART-1", NetPrice=price))
    if source != target and not with_rate:
        [error] = plan.errors
        assert error.field == "NetPrice" and plan.writes == []
        assert f"in {source} but Exact expects {target}" in error.message
        assert f"items.prices.rates.{source}" in error.message
        return
    assert plan.ok, plan.errors
    [write] = plan.writes_to("logistics/SalesItemPrices")
    factor = Decimal(1) if source == target else Decimal(repr(rate))
    assert write.body == {"Price": half_up(Decimal(repr(price)) * factor, places), "Currency": target}


@given(
    price=decimals_of(2, 0, 10**7),
    rate=decimals_of(6, 1, 10**7),
    vat_code=st.sampled_from(["1", "2", "4"]),
    source_price=st.sampled_from(["net_price", "gross_price"]),
    basis=st.sampled_from(["excl_vat", "incl_vat"]),
)
def test_given_vat_basis_and_currency_conversion_together_then_one_rounding_of_price_times_vat_times_rate(
    price, rate, vat_code, source_price, basis
):
    rules = {
        "sales_vat_code": vat_code,
        "prices": {"currency": "SEK", "rates": {"SEK": rate}, "source_price": source_price, "exact_basis": basis},
    }
    lookups = exact_lookups()
    plan = ItemPlanner(exact_rules(items=rules), lookups).plan_article(
        ea_article("ART-1", NetPrice=price, GrossPrice=price)
    )
    assert plan.ok, plan.errors
    [write] = plan.writes_to("logistics/SalesItemPrices")
    vat = Decimal(repr(float(lookups.vat_codes.get(vat_code)["Percentage"])))
    vat = vat / 100 if vat > 1 else vat
    factor = Decimal(1)
    if (source_price == "gross_price") != (basis == "incl_vat"):
        factor = (1 + vat) if basis == "incl_vat" else 1 / (1 + vat)
    expected = Decimal(repr(price)) * factor * Decimal(repr(rate))
    assert write.body["Currency"] == "EUR"
    assert abs(Decimal(repr(write.body["Price"])) - expected) <= Decimal("0.005")


# ------------------------------------------------------------------------------------------------ stock


@given(
    balance=decimals_of(4, -(10**6), 10**7),
    reserved=decimals_of(4, 0, 10**6),
    current=decimals_of(4, 0, 10**7),
    negative=st.sampled_from(["zero", "keep", "error"]),
)
def test_given_any_balance_when_counted_then_exact_gets_the_eaccounting_quantity_or_an_explained_refusal(
    balance, reserved, current, negative
):
    planner = StockCountPlanner(
        exact_rules(stock={"negative": negative}),
        exact_lookups(items=[exact_item("ART-1")], positions=[stock_position("ART-1", current)]),
        TODAY,
    )
    plan = planner.add_article(ea_article("ART-1", StockBalance=balance, StockBalanceReserved=reserved))
    source = float(Decimal(repr(balance)) - Decimal(repr(reserved)))
    if source < 0 and negative == "error":
        [error] = plan.errors
        assert error.field == "StockBalance" and "negative" in error.message
        return
    wanted = 0.0 if source < 0 and negative == "zero" else source
    assert plan.ok, plan.errors
    batch = planner.stock_count()
    if abs(wanted - current) < 1e-9:
        assert batch is None and [w.action for w in plan.writes] == [Action.SKIP]
        return
    [line] = batch.write.body["StockCountLines"]
    assert abs(line["QuantityNew"] - wanted) < 5e-5
    assert (source < 0 and negative == "zero") == bool(plan.warnings)


# ------------------------------------------------------------------------------------------------ deliveries

ARTICLES = ("BIKE-01", "HELMET-02", "LOCK-03")


@st.composite
def orders_and_shipments(draw):
    exact_lines = []
    for _ in range(draw(st.integers(1, 5))):
        quantity = draw(st.integers(1, 20))
        exact_lines.append((draw(st.sampled_from(ARTICLES)), quantity, draw(st.integers(0, quantity))))
    rows = []
    for article in draw(st.lists(st.sampled_from(ARTICLES), min_size=1, max_size=4)):
        rows.append(ea_row(article, draw(st.integers(0, 25)), draw(st.integers(0, 25))))
    return exact_lines, rows


@given(orders_and_shipments(), st.sampled_from([2, 3]))
def test_given_any_shipped_quantities_when_planned_then_delivered_never_exceeds_remaining_and_matches_eaccounting(
    drawn, status
):
    exact_lines, rows = drawn
    planner = GoodsDeliveryPlanner(exact_rules(), exact_lookups(orders=[exact_order(1042, exact_lines)]), TODAY)
    plan = planner.plan_order(ea_order(reference="Exact SO 1042", rows=rows, status=status))
    ordered = {a: sum(q for c, q, _ in exact_lines if c == a) for a in ARTICLES}
    before = {a: sum(d for c, _, d in exact_lines if c == a) for a in ARTICLES}
    shipped: dict[str, float] = {}
    for row in rows:
        delivered = max(row["DeliveredQuantity"], row["Quantity"]) if status == 3 else row["DeliveredQuantity"]
        if row["ArticleNumber"] in ordered and ordered[row["ArticleNumber"]]:
            shipped[row["ArticleNumber"]] = shipped.get(row["ArticleNumber"], 0) + delivered
    if any(quantity > ordered[a] for a, quantity in shipped.items()):
        assert not plan.ok and plan.writes == []
        assert "DeliveredQuantity" in plan.errors[0].field and "the Exact order has" in plan.errors[0].message
        return
    assert plan.ok, plan.errors
    written = {order_line_id(1042, n): 0.0 for n in range(1, len(exact_lines) + 1)}
    for write in plan.writes_to("salesorder/GoodsDeliveries"):
        if write.action is Action.CREATE:
            for line in write.body["GoodsDeliveryLines"]:
                written[line["SalesOrderLineID"]] += line["QuantityDelivered"]
    for number, (_, quantity, delivered) in enumerate(exact_lines, start=1):
        assert written[order_line_id(1042, number)] <= quantity - delivered
    for article in ARTICLES:
        after = before[article] + sum(
            written[order_line_id(1042, n)] for n, (c, _, _) in enumerate(exact_lines, start=1) if c == article
        )
        if article in shipped and shipped[article] >= before[article]:
            assert after == shipped[article]
        else:
            assert after == before[article]  # nothing shipped there, or eAccounting shows a return: nothing written


# ------------------------------------------------------------------------------------------------ item groups

GROUP_CODES = (*ITEM_GROUPS, "NOPE")


@st.composite
def group_rules(draw):
    numbers = draw(st.lists(st.sampled_from(["WEB-1", "WEB-12", "B2B-7", "X"]), unique=True, max_size=2))
    prefixes = draw(st.lists(st.sampled_from(["WEB-", "WEB-1", "B2B-", "W"]), unique=True, max_size=3))
    codings = draw(st.lists(st.sampled_from(["Varor 25%", "Livsmedel 12%"]), unique=True, max_size=2))
    units = draw(st.lists(st.sampled_from(["st", "kg"]), unique=True, max_size=2))
    code = st.sampled_from(GROUP_CODES)
    return {
        "by_article_number": [{"article_number": n, "exact_item_group": draw(code)} for n in numbers],
        "by_number_prefix": [{"number_prefix": p, "exact_item_group": draw(code)} for p in prefixes],
        "by_coding": [{"eaccounting_coding": c, "exact_item_group": draw(code)} for c in codings],
        "by_unit": [{"eaccounting_unit": u, "exact_item_group": draw(code)} for u in units],
        "default": draw(st.none() | code),
    }


def expected_group(rules, number, coding, unit):
    """The rule as documented, written out independently: number, longest prefix, coding, unit, default."""
    for entry in rules["by_article_number"]:
        if entry["article_number"] == number:
            return entry["exact_item_group"]
    matching = [e for e in rules["by_number_prefix"] if number.startswith(e["number_prefix"])]
    if matching:
        return max(matching, key=lambda e: len(e["number_prefix"]))["exact_item_group"]
    for entry in rules["by_coding"]:
        if entry["eaccounting_coding"] == coding:
            return entry["exact_item_group"]
    for entry in rules["by_unit"]:
        if entry["eaccounting_unit"] == unit:
            return entry["exact_item_group"]
    return rules["default"]


@given(
    group_rules(),
    st.sampled_from(["WEB-1", "WEB-12", "WEB-2", "B2B-7", "X", "Y-9"]),
    st.sampled_from(["Varor 25%", "Livsmedel 12%", "Tjänster 25%"]),
    st.sampled_from(["st", "kg", "l"]),
)
def test_given_any_item_group_rules_when_planned_then_the_first_matching_group_lands_or_an_unknown_one_is_refused(
    rules, number, coding, unit
):
    planner = ItemPlanner(exact_rules(items={"item_groups": rules, "prices": {"enabled": False}}), exact_lookups())
    plan = planner.plan_article(ea_article(number, CodingName=coding, UnitAbbreviation=unit, UnitName=unit))
    wanted = expected_group(rules, number, coding, unit)
    if wanted == "NOPE":
        [error] = plan.errors
        assert error.field == "ItemGroup" and "'NOPE'" in error.message and plan.writes == []
        return
    assert plan.ok, plan.errors
    [item] = plan.writes_to("logistics/Items")
    assert item.body.get("ItemGroup") == (guid(f"item-group/{wanted}") if wanted else None)
