import pytest

from ledgerbridge_mappings import Action, ItemPlanner

from .builders import guid
from .exact_builders import ea_article, exact_item, exact_lookups, exact_price, exact_rules, only_write

ITEM_RULES = {
    "sales_vat_code": "1",
    "unit_map": [{"eaccounting_unit": "st", "exact_unit": "pc"}],
    "prices": {"currency": "EUR"},
}


def plan_for(article, *, items=(), exact_prices=(), prices=None, **item_rules):
    rules = {**ITEM_RULES, **item_rules, "prices": {**ITEM_RULES["prices"], **(prices or {})}}
    planner = ItemPlanner(exact_rules(items=rules), exact_lookups(items=list(items), prices=list(exact_prices)))
    return planner.plan_article(article)


def test_given_a_new_article_when_planned_then_the_item_and_its_sales_price_linked_to_the_new_item():
    plan = plan_for(ea_article("BIKE-01", NameEnglish="City bike, 7 gears", Note="Frame 54 cm"))
    assert plan.ok, plan.errors
    item = only_write(plan, "logistics/Items", Action.CREATE)
    assert item.body == {
        "Code": "BIKE-01",
        "Description": "Bicycle BIKE-01",
        "ExtraDescription": "City bike, 7 gears",
        "Notes": "Frame 54 cm",
        "Barcode": "8712345678906",
        "IsSalesItem": True,
        "IsStockItem": True,
        "Unit": "pc",
        "SalesVatCode": "1",
    }
    price = only_write(plan, "logistics/SalesItemPrices", Action.CREATE)
    assert price.body == {"Price": 100.0, "Currency": "EUR"} and price.links == {"Item": item.key}


@pytest.mark.parametrize(
    ("prices", "article", "expected"),
    [
        pytest.param({}, {"NetPrice": 100.0}, 100.0, id="net-to-excl-unchanged"),
        pytest.param({"exact_basis": "incl_vat"}, {"NetPrice": 100.0}, 121.0, id="net-to-incl-times-rate"),
        pytest.param({"exact_basis": "incl_vat"}, {"NetPrice": 9.99}, 12.09, id="incl-rounded-half-up"),
        pytest.param({"source_price": "gross_price"}, {"GrossPrice": 121.0}, 100.0, id="gross-to-excl-divided"),
        pytest.param({"source_price": "gross_price"}, {"GrossPrice": 10.0}, 8.26, id="gross-to-excl-rounded"),
        pytest.param(
            {"source_price": "gross_price", "exact_basis": "incl_vat"}, {"GrossPrice": 19.95}, 19.95, id="gross-to-incl"
        ),
        pytest.param({"exact_basis": "incl_vat", "decimals": 4}, {"NetPrice": 9.99}, 12.0879, id="four-decimals"),
    ],
)
def test_given_price_rules_when_planned_then_the_price_is_converted_with_the_vat_rate(prices, article, expected):
    plan = plan_for(ea_article(**article), prices=prices)
    assert only_write(plan, "logistics/SalesItemPrices", Action.CREATE).body["Price"] == expected


def test_given_a_low_rate_coding_then_its_mapped_vat_code_decides_the_conversion_rate():
    plan = plan_for(
        ea_article(CodingName="Livsmedel 12%", NetPrice=100.0),
        vat_by_coding=[{"eaccounting_coding": "livsmedel 12%", "exact_code": "2"}],
        prices={"exact_basis": "incl_vat", "currency": "SEK", "exact_currency": "SEK"},
    )
    assert only_write(plan, "logistics/Items", Action.CREATE).body["SalesVatCode"] == "2"
    assert only_write(plan, "logistics/SalesItemPrices", Action.CREATE).body == {"Price": 109.0, "Currency": "SEK"}


@pytest.mark.parametrize(
    ("filter_rules", "article", "reason"),
    [
        pytest.param({}, {"IsActive": False}, "inactive", id="only-active"),
        pytest.param({"number_prefixes": ["WEB-"]}, {}, "does not start with", id="number-prefix"),
        pytest.param({"only_stock_articles": True}, {"IsStock": False}, "not a stock article", id="only-stock"),
        pytest.param(
            {"include_service_articles": False}, {"IsServiceArticle": True}, "service article", id="no-services"
        ),
    ],
)
def test_given_an_article_filter_when_the_article_fails_it_then_it_is_skipped_with_the_reason(
    filter_rules, article, reason
):
    plan = plan_for(ea_article("BIKE-01", **article), filter=filter_rules)
    assert plan.ok and reason in only_write(plan, "logistics/Items", Action.SKIP).reason


def test_given_a_prefix_filter_when_the_article_matches_then_it_syncs():
    plan = plan_for(ea_article("WEB-7"), filter={"number_prefixes": ["B2B-", "WEB-"]})
    assert only_write(plan, "logistics/Items", Action.CREATE).body["Code"] == "WEB-7"


CURRENT = {
    "Description": "Bicycle BIKE-01",
    "ExtraDescription": "",
    "Notes": None,
    "Barcode": "8712345678906",
    "IsSalesItem": 1,
    "IsStockItem": 1,
    "Unit": "pc",
    "SalesVatCode": "1 ",
}


@pytest.mark.parametrize(
    ("exact_now", "price_now", "create_only", "item_update", "price_update"),
    [
        pytest.param({}, 100.0, [], None, None, id="unchanged-record-skipped"),
        pytest.param({"Description": "Old name"}, 100.0, [], {"Description": "Bicycle BIKE-01"}, None, id="renamed"),
        pytest.param({"Description": "Enriched in Exact"}, 100.0, ["Description"], None, None, id="create-only-kept"),
        pytest.param({}, 90.0, [], None, {"Price": 100.0}, id="price-changed"),
        pytest.param({}, 90.0, ["Price"], None, None, id="price-create-only"),
        pytest.param({"IsStockItem": 0}, 100.0, [], {"IsStockItem": True}, None, id="flag-changed"),
    ],
)
def test_given_an_existing_item_when_planned_then_only_changed_fields_and_prices_are_written(
    exact_now, price_now, create_only, item_update, price_update
):
    existing = exact_item("BIKE-01", **{**CURRENT, **exact_now})
    plan = plan_for(
        ea_article("BIKE-01"),
        items=[existing],
        exact_prices=[exact_price("BIKE-01", price_now)],
        create_only_fields=create_only,
    )
    assert plan.ok, plan.errors
    items, prices = plan.writes_to("logistics/Items"), plan.writes_to("logistics/SalesItemPrices")
    if item_update is None and price_update is None:
        assert [(w.action, w.reason) for w in items] == [(Action.SKIP, "unchanged")] and prices == []
        return
    assert [w.body for w in items] == ([item_update] if item_update else [])
    assert [w.body for w in prices] == ([price_update] if price_update else [])
    assert all(w.action is Action.UPDATE for w in items + prices)


def test_given_an_existing_item_without_a_price_in_that_currency_then_a_price_is_created_for_the_item():
    existing = exact_item("BIKE-01", **CURRENT)
    plan = plan_for(
        ea_article("BIKE-01"),
        items=[existing],
        exact_prices=[exact_price("BIKE-01", 100.0, "SEK"), exact_price("BIKE-01", 80.0, Account=guid("a"))],
    )
    price = only_write(plan, "logistics/SalesItemPrices", Action.CREATE)
    assert price.body == {"Price": 100.0, "Currency": "EUR", "Item": existing["ID"]}


def test_given_updates_off_when_the_item_exists_then_it_is_skipped():
    plan = plan_for(ea_article("BIKE-01", Name="New"), items=[exact_item("BIKE-01")], update_existing=False)
    assert only_write(plan, "logistics/Items", Action.SKIP).reason == "exists; updating is off"


def test_given_a_field_map_for_items_then_attributes_land_in_free_fields():
    field_map = {"entries": [{"applies_to": "item", "source": "StockLocationReference", "target": "FreeTextField_01"}]}
    planner = ItemPlanner(exact_rules(items=ITEM_RULES, field_map=field_map), exact_lookups())
    plan = planner.plan_article(ea_article(StockLocationReference="A-12"))
    assert only_write(plan, "logistics/Items", Action.CREATE).body["FreeTextField_01"] == "A-12"


@pytest.mark.parametrize(
    ("overrides", "item_rules", "field", "message"),
    [
        pytest.param({"Number": None}, {}, "Number", "missing", id="no-number"),
        pytest.param({"Name": ""}, {}, "Name", "missing", id="no-name"),
        pytest.param({"Name": "x" * 61}, {}, "Name", "61 characters", id="name-too-long"),
        pytest.param(
            {"Barcodes": [{"Barcode": "ABC-1", "BarcodeType": 0}]}, {}, "Barcodes[0].Barcode", "numeric", id="barcode"
        ),
        pytest.param({"NetPrice": -5}, {}, "NetPrice", "negative", id="negative-price"),
        pytest.param({"NetPrice": "ten"}, {}, "NetPrice", "expected a number", id="price-not-a-number"),
        pytest.param(
            {},
            {"sales_vat_code": None, "prices": {"exact_basis": "incl_vat", "currency": "EUR"}},
            "CodingName",
            "converted",
            id="no-vat-rate",
        ),
        pytest.param({}, {"sales_vat_code": "77"}, "CodingName", "'77'", id="unknown-vat-code"),
    ],
)
def test_given_a_bad_article_when_planned_then_an_error_names_record_and_field_while_others_still_plan(
    overrides, item_rules, field, message
):
    planner = ItemPlanner(exact_rules(items={**ITEM_RULES, **item_rules}), exact_lookups())
    bad = planner.plan_article(ea_article("BAD-1", **overrides))
    [error] = bad.errors
    assert bad.writes == [] and error.field == field and message in error.message
    assert guid("ea-article/BAD-1") in str(error.source_ref)
    if not item_rules:
        assert planner.plan_article(ea_article("GOOD-1")).ok


def test_given_long_names_and_truncate_then_descriptions_are_cut_to_exacts_lengths():
    plan = plan_for(ea_article(Name="N" * 70, NameEnglish="E" * 300), long_text="truncate")
    body = only_write(plan, "logistics/Items", Action.CREATE).body
    assert len(body["Description"]) == 60 and len(body["ExtraDescription"]) == 255
