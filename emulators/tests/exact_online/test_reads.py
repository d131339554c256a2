"""Reading as Exact Online serves it: OData envelopes, paging at 60 and 1,000 rows, $top, $select, $filter, $orderby,
$inlinecount, mandatory filters, sync endpoints by Timestamp, divisions the user may not open."""

from __future__ import annotations

import pytest

ANY_ACCOUNT = {"$filter": "Name ne ''"}


def _all_pages(emulator, path, params):
    response = emulator.get(path, **params)
    pages = [response]
    while "__next" in response.json()["d"]:
        response = emulator.get(response.json()["d"]["__next"])
        assert response.status_code == 200, response.text
        pages.append(response)
    return pages


def test_given_more_than_60_accounts_when_listing_then_pages_of_60_follow_absolute_next_links(seeded):
    pages = _all_pages(seeded, "crm/Accounts", {**ANY_ACCOUNT, "$select": "ID,Code,Name", "$inlinecount": "allpages"})

    sizes = [len(page.json()["d"]["results"]) for page in pages]
    ids = [row["ID"] for page in pages for row in page.json()["d"]["results"]]
    assert sizes[0] == 60 and all(size <= 60 for size in sizes)
    # OData v2 verbose JSON writes the inline count as a string (research/exact-online.md §4, DOCS-PADDY
    # Query_string_options.md; the OData v2 JSON format writes Edm.Int64 as a string): an int here was the old bug.
    assert pages[0].json()["d"]["__count"] == str(len(ids))
    assert len(ids) == len(set(ids))
    assert "$skiptoken=guid'" in pages[0].json()["d"]["__next"]
    assert pages[0].json()["d"]["__next"].startswith(seeded.api + "/crm/Accounts?")


def test_given_sync_endpoint_when_paging_then_1000_rows_per_page_in_timestamp_order(seeded):
    pages = _all_pages(seeded, "sync/CRM/Accounts", {"$filter": "Timestamp gt 1L", "$select": "Timestamp,ID,Name"})

    rows = [row for page in pages for row in page.json()["d"]["results"]]
    assert len(pages[0].json()["d"]["results"]) == 1000
    assert len(pages) >= 2
    timestamps = [row["Timestamp"] for row in rows]
    assert timestamps == sorted(timestamps) and len(set(timestamps)) == len(timestamps)
    assert pages[0].json()["d"]["__next"].endswith(f"$skiptoken={timestamps[999]}L")


def test_given_top_when_listing_then_d_is_a_plain_array(seeded):
    response = seeded.get("salesorder/SalesOrders", **{"$top": "3", "$select": "OrderID,OrderNumber"})

    assert isinstance(response.json()["d"], list)
    assert len(response.json()["d"]) == 3


@pytest.mark.parametrize("path", ["crm/Accounts", "logistics/Items"])
def test_given_no_filter_when_listing_accounts_or_items_then_mandatory_filter_error(seeded, path):
    response = seeded.get(path)

    assert response.status_code == 400
    assert response.json()["error"]["message"]["value"].startswith("This endpoint has mandatory filtering applied.")
    assert ",Code," in response.json()["error"]["message"]["value"]


def test_given_account_code_when_filtering_then_leading_spaces_matter_and_trim_helps(seeded):
    padded = seeded.get("crm/Accounts", **{"$filter": "Code eq '              1001'", "$select": "Code,Name"})
    bare = seeded.get("crm/Accounts", **{"$filter": "Code eq '1001'", "$select": "Code"})
    trimmed = seeded.get("crm/Accounts", **{"$filter": "trim(Code) eq '1001'", "$select": "Code,Name"})

    assert [row["Code"] for row in padded.json()["d"]["results"]] == ["              1001"]
    assert len(padded.json()["d"]["results"][0]["Code"]) == 18
    assert bare.json()["d"]["results"] == []
    assert trimmed.json()["d"]["results"] == padded.json()["d"]["results"]


def test_given_combined_filter_when_listing_then_and_or_parentheses_and_datetime_apply(seeded):
    response = seeded.get(
        "crm/Accounts",
        **{
            "$filter": "(Country eq 'NL' or Country eq 'BE') and Modified gt datetime'2000-01-01T00:00:00'"
            " and Blocked eq false",
            "$select": "Country",
        },
    )

    countries = {row["Country"] for row in response.json()["d"]["results"]}
    assert countries == {"NL", "BE"}


def test_given_guid_field_compared_with_plain_string_when_filtering_then_operand_type_error(seeded):
    response = seeded.get("crm/Accounts", **{"$filter": "ID eq '5b3debef-9b1c-4bcd-b7ae-003e8d4139df'"})

    assert response.status_code == 400
    assert "incompatible with operand types" in response.json()["error"]["message"]["value"]


@pytest.mark.parametrize("path", ["sync/CRM/Accounts", "bulk/CRM/Accounts", "sync/Deleted"])
def test_given_sync_or_bulk_without_select_when_listing_then_select_is_demanded(seeded, path):
    response = seeded.get(path, **{"$filter": "Timestamp gt 1L"} if path.startswith("sync") else {})

    assert response.status_code == 400
    assert (
        response.json()["error"]["message"]["value"]
        == "Please add a $select or a $top=1 statement to the query string."
    )


def test_given_sync_filter_on_other_field_when_listing_then_rejected(seeded):
    response = seeded.get("sync/CRM/Accounts", **{"$filter": "Name eq 'x'", "$select": "ID"})

    assert response.status_code == 400


def test_given_bulk_endpoint_when_listing_then_1000_rows_and_bulk_type(seeded):
    response = seeded.get("bulk/CRM/Accounts", **{"$select": "ID,Name"})

    rows = response.json()["d"]["results"]
    assert len(rows) == 1000
    assert rows[0]["__metadata"]["type"] == "Exact.Web.Api.Models.Bulk.Account"


def test_given_key_when_getting_one_entity_then_d_is_the_object_and_unknown_key_is_404(seeded):
    first = seeded.get("logistics/Items", **{"$filter": "Code eq 'SKU-10000'", "$select": "ID"}).json()["d"]["results"][
        0
    ]

    one = seeded.get(f"logistics/Items(guid'{first['ID']}')")
    missing = seeded.get("logistics/Items(guid'00000000-0000-4000-8000-000000000000')")

    assert one.json()["d"]["Code"] == "SKU-10000"
    assert one.json()["d"]["Barcode"].isdigit() and len(one.json()["d"]["Barcode"]) == 13
    assert missing.status_code == 404
    assert "error" in missing.json()


def test_given_orderby_desc_when_listing_then_rows_come_in_that_order(seeded):
    response = seeded.get(
        "salesorder/SalesOrders", **{"$orderby": "OrderNumber desc", "$select": "OrderNumber", "$top": "5"}
    )

    numbers = [row["OrderNumber"] for row in response.json()["d"]]
    assert numbers == sorted(numbers, reverse=True)


def test_given_sales_order_when_expanding_lines_then_lines_are_inline_results(seeded):
    response = seeded.get("salesorder/SalesOrders", **{"$top": "1", "$expand": "SalesOrderLines"})
    unexpanded = seeded.get("salesorder/SalesOrders", **{"$top": "1"})

    order = response.json()["d"][0]
    assert order["SalesOrderLines"]["results"]
    assert all(line["OrderID"] == order["OrderID"] for line in order["SalesOrderLines"]["results"])
    assert "__deferred" in unexpanded.json()["d"][0]["SalesOrderLines"]


def test_given_invoices_sync_when_reading_then_header_rows_have_line_number_zero(seeded):
    response = seeded.get(
        "sync/SalesInvoice/SalesInvoices",
        **{"$filter": "Timestamp gt 1L", "$select": "Timestamp,InvoiceID,LineNumber,ItemCode"},
    )

    rows = response.json()["d"]["results"]
    assert {row["LineNumber"] for row in rows if row["ItemCode"] is None} == {0}
    assert any(row["LineNumber"] >= 1 and row["ItemCode"] for row in rows)


def test_given_dates_when_reading_then_wire_format_is_ms_in_date_wrapper(seeded):
    response = seeded.get("salesorder/SalesOrders", **{"$top": "1", "$select": "OrderDate"})

    assert response.json()["d"][0]["OrderDate"].startswith("/Date(")


def test_given_divisions_when_user_opens_them_then_current_and_second_work_third_is_forbidden(seeded):
    me = seeded.get(f"{seeded.base_url}/api/v1/current/Me", **{"$select": "CurrentDivision"}).json()["d"]["results"][0]
    divisions = seeded.get("system/Divisions").json()["d"]["results"]
    codes = [row["Code"] for row in divisions]
    other = next(code for code in codes if code != seeded.division)
    all_codes = seeded.admin("dump")["system/Divisions"]

    assert me["CurrentDivision"] == seeded.division
    assert seeded.get(f"{seeded.base_url}/api/v1/{other}/vat/VATCodes").status_code == 200
    forbidden = seeded.get(f"{seeded.base_url}/api/v1/{999999 if 999999 not in codes else 1}/vat/VATCodes")
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["message"]["value"] == "Forbidden - WrongDivision"
    assert len({row["Division"] for row in all_codes}) == 3  # a third division exists that the user cannot open


def test_given_unknown_collection_when_requested_then_404_in_exact_error_shape(seeded):
    response = seeded.get("crm/Nonsense")

    assert response.status_code == 404
    assert response.json()["error"]["message"]["value"]


def test_given_count_segment_when_requested_then_bare_integer(seeded):
    response = seeded.session.get(
        f"{seeded.api}/salesorder/SalesOrders/$count", headers={"Authorization": seeded.headers()["Authorization"]}
    )

    assert int(response.text) == len(seeded.admin("dump")["salesorder/SalesOrders"]) - 40  # second division holds 40


def test_given_volumes_when_seeding_then_the_main_division_holds_exactly_those_counts():
    from tests.exact_online.conftest import QUIET_LIMITS, start_emulator

    emulator = start_emulator("--volume", "accounts=1234", "--volume", "orders=7", "--volume", "items=3", *QUIET_LIMITS)
    try:
        counts = {
            path: int(
                emulator.get(path, **{"$inlinecount": "allpages", "$select": key, **query}).json()["d"]["__count"]
            )
            for path, key, query in (("crm/Accounts", "ID", ANY_ACCOUNT), ("salesorder/SalesOrders", "OrderID", {}))
        }
        items = emulator.get("logistics/Items", **{"$filter": "Code ne ''", "$select": "Code"}).json()["d"]["results"]
    finally:
        emulator.stop()
    assert counts == {"crm/Accounts": 1234, "salesorder/SalesOrders": 7}
    assert len({i["Code"] for i in items if i["Code"].startswith("SKU-")}) == 3


def test_given_an_unknown_volume_kind_when_starting_then_the_emulator_refuses_and_names_the_kinds():
    import subprocess

    from tests.exact_online.conftest import BIN

    completed = subprocess.run(
        [str(BIN / "exact-online-emulator"), "--volume", "invoices=5"], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 2
    assert "accounts, items, orders" in completed.stderr


def test_given_an_ordered_listing_when_an_account_is_added_between_pages_then_the_next_page_includes_it():
    from tests.exact_online.conftest import QUIET_LIMITS, start_emulator

    emulator = start_emulator("--scale", "2", *QUIET_LIMITS)
    try:
        query = {**ANY_ACCOUNT, "$select": "ID,Code,Modified", "$orderby": "Modified"}
        first = emulator.get("crm/Accounts", **query).json()["d"]
        assert len(first["results"]) == 60 and "__next" in first
        created = emulator.post("crm/Accounts", {"Name": "Late Arrival B.V.", "Status": "C"})
        assert created.status_code == 201, created.text
        rest = _all_pages(emulator, first["__next"], {})
    finally:
        emulator.stop()
    seen = [row["ID"] for row in first["results"]] + [row["ID"] for page in rest for row in page.json()["d"]["results"]]
    assert len(seen) == len(set(seen)) == 121
    assert seen[-1] == created.json()["d"]["ID"]  # the newest Modified sorts last
