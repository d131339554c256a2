"""eAccounting articles priced in SEK reach an Exact division that keeps its prices in EUR: converted with the rate the
user configured, or refused naming the price field while the rest of the sync goes on; the item group rule lands."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from integration_tests.emulators import Connection
from integration_tests.test_records_and_settings import check, record_lines

RATE = 0.087  # 1 SEK = 0.087 EUR
ARTICLE = {"IsActive": True, "IsStock": False, "UnitAbbreviation": "st", "UnitName": "Styck"}
COFFEE = {
    **ARTICLE,
    "Id": "44444444-0000-0000-0000-000000000001",
    "Number": "KAFFE-1",
    "Name": "Kaffe",
    "NetPrice": 1778.0,
}
TEA = {**ARTICLE, "Id": "44444444-0000-0000-0000-000000000002", "Number": "TE-1", "Name": "Te", "NetPrice": 49.95}
GROUPS = {"by_number_prefix": [{"number_prefix": "KAFFE-", "exact_item_group": "100"}], "default": "200"}


def euros(sek: float) -> float:
    return float((Decimal(repr(sek)) * Decimal(repr(RATE))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def exact_items(exact):
    dump = exact.dump()
    groups = {g["ID"]: g["Code"] for g in dump["logistics/ItemGroups"] if g.get("Division") == exact.division}
    items = {i["Code"].strip(): i for i in dump["logistics/Items"] if i.get("Division") == exact.division}
    prices = {(p["Item"], p["Currency"]): p["Price"] for p in dump["logistics/SalesItemPrices"] if not p.get("Account")}
    return items, groups, prices


def test_given_sek_prices_and_a_rate_when_synced_then_exact_holds_the_converted_eur_price_in_the_mapped_item_group(
    eaccounting, exact, tmp_path
):
    mapping = {"items": {"prices": {"currency": "SEK", "rates": {"SEK": RATE}}, "item_groups": GROUPS}}
    connection = Connection(eaccounting, exact, ["articles"], tmp_path, mapping)
    result = connection.write_destination(record_lines([("articles", COFFEE), ("articles", TEA)]))
    assert result.returncode == 0, result.stderr[-2000:]
    assert {a["source_id"]: a["action"] for a in result.activity} == {COFFEE["Id"]: "created", TEA["Id"]: "created"}
    items, groups, prices = exact_items(exact)
    coffee, tea = items["KAFFE-1"], items["TE-1"]
    assert prices[(coffee["ID"], "EUR")] == euros(1778.0) == 154.69
    assert prices[(tea["ID"], "EUR")] == euros(49.95) == 4.35
    assert not any(currency == "SEK" for item, currency in prices if item in (coffee["ID"], tea["ID"]))
    assert (groups[coffee["ItemGroup"]], groups[tea["ItemGroup"]]) == ("100", "200")

    rerun = connection.write_destination(record_lines([("articles", COFFEE), ("articles", TEA)]))
    assert {a["action"] for a in rerun.activity} == {"skipped"}, "the converted price and group are already there"


def test_given_sek_prices_without_a_rate_when_synced_then_each_priced_article_fails_naming_the_field_and_others_land(
    eaccounting, exact, tmp_path
):
    mapping = {"items": {"prices": {"currency": "SEK"}}}
    free = {**ARTICLE, "Id": "44444444-0000-0000-0000-000000000003", "Number": "GRATIS-1", "Name": "Gratis"}
    connection = Connection(eaccounting, exact, ["customers", "articles"], tmp_path, mapping)
    customer = {
        "Id": "11111111-0000-0000-0000-000000000009",
        "CustomerNumber": "9009",
        "Name": "Rostade Bönor AB",
        "EmailAddress": "info@bonor.example",
        "IsPrivatePerson": True,
        "InvoiceCountryCode": "SE",
    }
    records = [("customers", customer), ("articles", COFFEE), ("articles", free)]
    result = connection.write_destination(record_lines(records))
    assert result.returncode == 1, "a failed record fails the sync visibly"
    outcome = {a["source_id"]: a for a in result.activity}
    assert (outcome[COFFEE["Id"]]["action"], outcome[COFFEE["Id"]]["field"]) == ("failed", "NetPrice")
    assert "in SEK but Exact expects EUR; set items.prices.rates.SEK" in outcome[COFFEE["Id"]]["reason"]
    assert outcome[free["Id"]]["action"] == "created" and outcome[customer["Id"]]["action"] == "created"
    items, _, _ = exact_items(exact)
    assert "KAFFE-1" not in items, "nothing of the refused article was written"
    moved = {s["stream"]["stream_descriptor"]["name"] for s in result.states}
    assert "customers" in moved and "articles" not in moved, "the failed article is read again next run"

    status = check(exact.destination_config(mapping), tmp_path)
    assert status["status"] == "FAILED" and "mapping.items.prices.rates.SEK" in status["message"]


def test_given_an_item_group_exact_lacks_when_checked_then_check_names_the_setting(exact, tmp_path):
    mapping = {"items": {"prices": {"currency": "EUR"}, "item_groups": {"default": "999"}}}
    status = check(exact.destination_config(mapping), tmp_path)
    assert status["status"] == "FAILED" and "mapping.items.item_groups.default" in status["message"]
