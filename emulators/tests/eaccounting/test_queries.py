"""List endpoints: the Meta/Data envelope, $page/$pagesize, $filter (incl. ChangedUtc/ModifiedUtc gt), $orderby
and $select."""

from __future__ import annotations

from tests.eaccounting.conftest import Emulator, wire_time


def test_given_no_paging_options_when_listing_then_first_page_of_50_in_the_envelope(emulator: Emulator, api) -> None:
    body = api.get(f"{emulator.api_url}/accounts").json()
    meta = body["Meta"]
    assert set(meta) == {"CurrentPage", "PageSize", "TotalNumberOfPages", "TotalNumberOfResults", "ServerTimeUtc"}
    assert (meta["CurrentPage"], meta["PageSize"]) == (1, 50)
    assert meta["TotalNumberOfResults"] == 40
    assert len(body["Data"]) == 40


def test_given_small_pages_when_walking_all_pages_then_every_customer_once(emulator: Emulator, api) -> None:
    first = api.get(f"{emulator.api_url}/customers", params={"$pagesize": 7}).json()
    total, pages = first["Meta"]["TotalNumberOfResults"], first["Meta"]["TotalNumberOfPages"]
    assert pages == -(-total // 7) and pages > 1
    seen = []
    for page in range(1, pages + 1):
        body = api.get(f"{emulator.api_url}/customers", params={"$page": page, "$pagesize": 7}).json()
        assert body["Meta"]["CurrentPage"] == page
        seen += [customer["Id"] for customer in body["Data"]]
    assert len(seen) == len(set(seen)) == total
    beyond = api.get(f"{emulator.api_url}/customers", params={"$page": pages + 1, "$pagesize": 7}).json()
    assert beyond["Data"] == []


def test_given_page_size_above_maximum_when_listing_then_clamped_to_1000(large_emulator: Emulator) -> None:
    api = large_emulator.api()
    body = api.get(f"{large_emulator.api_url}/customers", params={"$pagesize": 5000}).json()
    assert body["Meta"]["PageSize"] == 1000
    assert len(body["Data"]) == 1000
    assert body["Meta"]["TotalNumberOfResults"] > 1000
    second = api.get(f"{large_emulator.api_url}/customers", params={"$pagesize": 1000, "$page": 2}).json()
    assert len(second["Data"]) == body["Meta"]["TotalNumberOfResults"] - 1000


def test_given_invalid_page_when_listing_then_query_parameter_error(emulator: Emulator, api) -> None:
    response = api.get(f"{emulator.api_url}/customers", params={"$page": 0})
    assert response.status_code == 400
    assert response.json()["ErrorCode"] == 6000


def test_given_changed_customer_when_filtering_changedutc_gt_then_only_newer_changes(emulator: Emulator, api) -> None:
    newest = api.get(f"{emulator.api_url}/customers", params={"$orderby": "ChangedUtc desc", "$pagesize": 1}).json()
    cursor = newest["Data"][0]["ChangedUtc"]
    assert api.get(f"{emulator.api_url}/customers", params={"$filter": f"ChangedUtc gt {cursor}"}).json()["Data"] == []
    customer = api.get(f"{emulator.api_url}/customers", params={"$pagesize": 1, "$page": 3}).json()["Data"][0]
    customer["Telephone"] = "+46 8 555 010 10"
    updated = api.put(f"{emulator.api_url}/customers/{customer['Id']}", json=customer)
    assert updated.status_code == 200, updated.text
    changed = api.get(f"{emulator.api_url}/customers", params={"$filter": f"ChangedUtc gt {cursor}"}).json()
    assert [c["Id"] for c in changed["Data"]] == [customer["Id"]]
    assert wire_time(changed["Data"][0]["ChangedUtc"]) > wire_time(cursor)


def test_given_modifiedutc_window_when_filtering_orders_then_all_results_inside_it(emulator: Emulator, api) -> None:
    orders = api.get(f"{emulator.api_url}/orders", params={"$orderby": "ModifiedUtc", "$pagesize": 100}).json()["Data"]
    low, high = orders[5]["ModifiedUtc"], orders[20]["ModifiedUtc"]
    window = api.get(
        f"{emulator.api_url}/orders",
        params={"$filter": f"ModifiedUtc ge {low} and ModifiedUtc lt {high}", "$pagesize": 100},
    ).json()["Data"]
    assert [order["Id"] for order in window] == [order["Id"] for order in orders[5:20]]


def test_given_orderby_desc_when_listing_then_sorted(emulator: Emulator, api) -> None:
    data = api.get(f"{emulator.api_url}/articles", params={"$orderby": "NetPrice desc", "$pagesize": 100}).json()[
        "Data"
    ]
    prices = [article["NetPrice"] for article in data]
    assert prices == sorted(prices, reverse=True)


def test_given_select_when_listing_then_only_those_fields(emulator: Emulator, api) -> None:
    data = api.get(
        f"{emulator.api_url}/articles",
        params={"$select": "Id,Number,StockBalance,StockBalanceReserved,StockBalanceAvailable"},
    ).json()["Data"]
    assert data and all(
        set(article) == {"Id", "Number", "StockBalance", "StockBalanceReserved", "StockBalanceAvailable"}
        for article in data
    )


def test_given_filters_on_strings_guids_and_booleans_when_listing_then_they_combine(emulator: Emulator, api) -> None:
    customers = api.get(f"{emulator.api_url}/customers", params={"$pagesize": 100}).json()["Data"]
    target = customers[3]
    by_guid = api.get(f"{emulator.api_url}/customers", params={"$filter": f"Id eq {target['Id']}"}).json()["Data"]
    assert [c["Id"] for c in by_guid] == [target["Id"]]
    name = target["Name"].replace("'", "''")
    by_name = api.get(f"{emulator.api_url}/customers", params={"$filter": f"Name eq '{name.upper()}'"}).json()["Data"]
    assert target["Id"] in [c["Id"] for c in by_name]
    companies_se_or_no = api.get(
        f"{emulator.api_url}/customers",
        params={
            "$filter": "IsPrivatePerson eq false and (InvoiceCountryCode eq 'SE' or InvoiceCountryCode eq 'NO')",
            "$pagesize": 100,
        },
    ).json()["Data"]
    expected = [c["Id"] for c in customers if not c["IsPrivatePerson"] and c["InvoiceCountryCode"] in ("SE", "NO")]
    assert [c["Id"] for c in companies_se_or_no] == expected


def test_given_numeric_comparison_when_filtering_orders_then_status_matches(emulator: Emulator, api) -> None:
    data = api.get(f"{emulator.api_url}/orders", params={"$filter": "Status ge 3", "$pagesize": 100}).json()["Data"]
    assert data and all(order["Status"] >= 3 for order in data)


def test_given_unknown_property_when_filtering_then_error_6000(emulator: Emulator, api) -> None:
    response = api.get(f"{emulator.api_url}/customers", params={"$filter": "Colour eq 'red'"})
    assert response.status_code == 400
    assert response.json()["ErrorCode"] == 6000


def test_given_malformed_datetime_when_filtering_then_error_6001(emulator: Emulator, api) -> None:
    response = api.get(f"{emulator.api_url}/customers", params={"$filter": "ChangedUtc gt 2024-13-45T00:00:00Z"})
    assert response.status_code == 400
    assert response.json()["ErrorCode"] == 6001


def test_given_customerinvoices_modified_since_when_listing_then_only_newer(emulator: Emulator, api) -> None:
    invoices = api.get(f"{emulator.api_url}/customerinvoices", params={"$orderby": "ModifiedUtc"}).json()["Data"]
    since = invoices[-3]["ModifiedUtc"]
    newer = api.get(f"{emulator.api_url}/customerinvoices", params={"modifiedSinceUtc": since}).json()["Data"]
    assert {i["Id"] for i in newer} == {i["Id"] for i in invoices if wire_time(i["ModifiedUtc"]) > wire_time(since)}


def test_given_mixed_case_path_when_calling_then_routed_like_the_real_api(emulator: Emulator, api) -> None:
    assert api.get(f"{emulator.api_url}/Customers", params={"$pagesize": 1}).status_code == 200
