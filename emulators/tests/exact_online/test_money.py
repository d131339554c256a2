"""Sales orders and invoices carry money the way Exact computes it, seeded and written over the API alike.

Sources: the field descriptions in ``exact-online-rest-api.json`` (salesorder/SalesOrders, salesorder/SalesOrderLines,
salesinvoice/SalesInvoices, salesinvoice/SalesInvoiceLines: line ``Discount`` = "(DefaultPrice - PriceItem in line) /
DefaultPrice", ``UnitPrice`` "in the currency of the transaction", ``AmountDC`` "in the default currency of the
company … AmountDC = AmountFC * RateFC", header ``AmountDC`` "SUM(AmountDC) of all lines", ``AmountDiscount``/
``AmountDiscountExclVat`` "in the default currency of the company", invoice ``Type`` 8021 = sales credit note), the
entity field lists there (SalesOrders has ``ShippingMethod``/``ShippingMethodDescription`` and no
``ShippingMethodCode``; SalesInvoices has all three) and ``../shared/research/exact-online.md`` §8. The rates are read
from the table in emulators/README.md, so the documented table is the one the emulator applies."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
CENT = 0.005  # two amounts agree to the cent
ORDER_FIELDS = (
    "OrderID,OrderNumber,OrderedBy,Currency,Discount,AmountFC,AmountFCExclVat,AmountDC,AmountDiscount,"
    "AmountDiscountExclVat"
)
ORDER_LINE_FIELDS = "OrderID,ItemCode,Quantity,UnitPrice,Discount,NetPrice,AmountFC,AmountDC,VATAmount,VATPercentage"
INVOICE_FIELDS = (
    "InvoiceID,OrderNumber,Type,Currency,Discount,AmountFC,AmountFCExclVat,AmountDC,VATAmountFC,VATAmountDC,"
    "AmountDiscount,AmountDiscountExclVat,ShippingMethod,ShippingMethodCode"
)
INVOICE_LINE_FIELDS = (
    "InvoiceID,ItemCode,Quantity,UnitPrice,Discount,NetPrice,AmountFC,AmountDC,VATAmountFC,VATAmountDC,VATPercentage"
)


def _rates() -> dict[str, float]:
    section = README.read_text().split("Fixed emulator rates", 1)[1]
    return {code: float(rate) for code, rate in re.findall(r"^\| ([A-Z]{3}) \| ([0-9.]+) \|$", section, re.MULTILINE)}


RATES = _rates()


def _by(rows, key):
    grouped = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _dc(amount: float, currency: str) -> float:
    return round(amount * RATES[currency], 2)


def _assert_line(line, currency, vat_field):
    where = f"{line.get('OrderID') or line.get('InvoiceID')} {line['ItemCode']}"
    assert line["NetPrice"] == pytest.approx(line["UnitPrice"] * (1 - line["Discount"]), abs=0.0000501), where
    assert line["AmountFC"] == pytest.approx(round(line["Quantity"] * line["NetPrice"], 2), abs=CENT), where
    assert line[vat_field] == pytest.approx(round(line["AmountFC"] * line["VATPercentage"], 2), abs=CENT), where
    assert line["AmountDC"] == pytest.approx(_dc(line["AmountFC"], currency), abs=CENT), where
    if vat_field == "VATAmountFC":
        assert line["VATAmountDC"] == pytest.approx(_dc(line["VATAmountFC"], currency), abs=CENT), where


def _assert_header(header, lines, vat_field, *, discount_on_every_line=True):
    currency = header["Currency"]
    excl = sum(line["AmountFC"] for line in lines)
    vat = sum(line[vat_field] for line in lines)
    listed = sum(line["UnitPrice"] * line["Quantity"] for line in lines)
    vat_dc = sum(_dc(line[vat_field], currency) for line in lines)
    where = header.get("OrderID") or header.get("InvoiceID")
    assert header["AmountFCExclVat"] == pytest.approx(excl, abs=CENT), where
    assert header["AmountFC"] == pytest.approx(excl + vat, abs=CENT), where
    assert header["AmountDC"] == pytest.approx(sum(line["AmountDC"] for line in lines) + vat_dc, abs=CENT), where
    # Each line is rounded on its own, so the header can be off FC * rate by half a cent per line and VAT amount.
    assert abs(header["AmountDC"] - header["AmountFC"] * RATES[currency]) <= CENT * (2 * len(lines) + 1), where
    discount = _dc(round(listed - header["AmountFCExclVat"], 2), currency)
    assert header["AmountDiscountExclVat"] == pytest.approx(discount, abs=CENT), where
    assert header["AmountDiscount"] == pytest.approx(discount, abs=CENT), where
    if header["Discount"] and discount_on_every_line:
        assert {line["Discount"] for line in lines} == {header["Discount"]}, where


@pytest.fixture(scope="module")
def orders(seeded):
    headers = seeded.rows("bulk/SalesOrder/SalesOrders", **{"$select": ORDER_FIELDS})
    lines = _by(seeded.rows("bulk/SalesOrder/SalesOrderLines", **{"$select": ORDER_LINE_FIELDS}), "OrderID")
    return headers, lines


@pytest.fixture(scope="module")
def invoices(seeded):
    headers = seeded.rows("bulk/SalesInvoice/SalesInvoices", **{"$select": INVOICE_FIELDS})
    lines = _by(seeded.rows("bulk/SalesInvoice/SalesInvoiceLines", **{"$select": INVOICE_LINE_FIELDS}), "InvoiceID")
    return headers, lines


def test_given_the_seeded_orders_when_reading_them_then_every_line_and_header_amount_follows_exacts_rules(orders):
    headers, lines = orders

    assert len(headers) > 500
    for header in headers:
        for line in lines[header["OrderID"]]:
            _assert_line(line, header["Currency"], "VATAmount")
        _assert_header(header, lines[header["OrderID"]], "VATAmount")


def test_given_the_seeded_orders_when_reading_them_then_header_line_and_foreign_currency_discounts_all_occur(
    seeded, orders
):
    headers, lines = orders
    accounts = {
        row["ID"]: row["SalesCurrency"]
        for row in seeded.rows("bulk/CRM/Accounts", **{"$select": "ID,SalesCurrency"})
        if row["SalesCurrency"]
    }

    with_header_discount = [h for h in headers if h["Discount"]]
    line_discount_only = [h for h in headers if not h["Discount"] and any(li["Discount"] for li in lines[h["OrderID"]])]
    foreign = [h for h in headers if h["Currency"] != "EUR"]
    assert len(with_header_discount) > 50 and len(line_discount_only) > 50
    assert 0.08 <= len(foreign) / len(headers) <= 0.2
    assert {h["Currency"] for h in foreign} <= set(RATES) - {"EUR"}
    # An order is in its customer's sales currency.
    assert all(h["Currency"] == accounts[h["OrderedBy"]] for h in headers)


def test_given_the_seeded_orders_when_reading_lines_then_some_charge_shipping_with_a_non_stock_item(seeded, orders):
    _headers, lines = orders
    item = seeded.get("logistics/Items", **{"$filter": "Code eq 'VERZEND'", "$select": "Code,IsStockItem"})

    shipping = [line for rows in lines.values() for line in rows if line["ItemCode"] == "VERZEND"]
    assert item.json()["d"]["results"] == [{"Code": "VERZEND", "IsStockItem": False, **_metadata(item)}]
    assert len(shipping) > 50 and all(line["Quantity"] == 1 and line["UnitPrice"] > 0 for line in shipping)


def _metadata(response):
    return {"__metadata": response.json()["d"]["results"][0]["__metadata"]}


def test_given_the_seeded_invoices_when_reading_them_then_lines_and_headers_agree_in_both_currencies(invoices):
    headers, lines = invoices

    assert len(headers) > 200
    for header in headers:
        for line in lines[header["InvoiceID"]]:
            _assert_line(line, header["Currency"], "VATAmountFC")
        _assert_header(header, lines[header["InvoiceID"]], "VATAmountFC")
        vat_dc = sum(line["VATAmountDC"] for line in lines[header["InvoiceID"]])
        assert header["VATAmountFC"] == pytest.approx(
            sum(line["VATAmountFC"] for line in lines[header["InvoiceID"]]), abs=CENT
        )
        assert header["VATAmountDC"] == pytest.approx(vat_dc, abs=CENT)


def test_given_the_seeded_invoices_when_reading_them_then_invoices_equal_their_orders_and_credit_notes_are_negative(
    orders, invoices
):
    order_headers, _order_lines = orders
    headers, lines = invoices
    by_number = {header["OrderNumber"]: header for header in order_headers}

    credit_notes = [h for h in headers if h["Type"] == 8021]
    sales = [h for h in headers if h["Type"] == 8020]
    assert len(credit_notes) >= 3 and {h["Type"] for h in headers} == {8020, 8021}
    assert {h["Currency"] for h in sales} > {"EUR"}
    for note in credit_notes:
        assert note["AmountFC"] < 0 and note["AmountFCExclVat"] < 0 and note["AmountDC"] < 0
        assert all(line["Quantity"] < 0 and line["AmountFC"] < 0 for line in lines[note["InvoiceID"]])
        assert note["VATAmountFC"] <= 0
    for invoice in sales:
        order = by_number[invoice["OrderNumber"]]
        assert invoice["Currency"] == order["Currency"]
        for name in ("AmountFC", "AmountFCExclVat", "AmountDC", "AmountDiscountExclVat"):
            assert invoice[name] == pytest.approx(order[name], abs=CENT), (invoice["InvoiceID"], name)


def test_given_sales_orders_when_read_in_every_view_then_no_shipping_method_code_and_invoices_carry_one(
    seeded, invoices
):
    regular = seeded.get("salesorder/SalesOrders", **{"$expand": "SalesOrderLines", "$top": "5"}).json()["d"]
    dump = seeded.admin("dump")
    headers, _lines = invoices

    assert regular and all("ShippingMethodCode" not in order for order in regular)
    assert all("ShippingMethod" in order and "ShippingMethodDescription" in order for order in regular)
    assert [row for row in dump["salesorder/SalesOrders"] if "ShippingMethodCode" in row] == []
    assert {h["ShippingMethodCode"] for h in headers} >= {"POSTNL", "DHL", "DPD"}


# ----------------------------------------------------------------------------- over the API
def _account_and_items(emulator, count=2):
    account = emulator.get("crm/Accounts", **{"$filter": "Country eq 'NL'", "$select": "ID", "$top": "1"}).json()["d"]
    items = emulator.get(
        "logistics/Items", **{"$filter": "startswith(Code,'SKU-') eq true", "$select": "ID,StandardSalesPrice"}
    ).json()["d"]["results"][:count]
    return account[0]["ID"], items


def _order(emulator, order_id):
    response = emulator.get(f"salesorder/SalesOrders(guid'{order_id}')", **{"$expand": "SalesOrderLines"})
    assert response.status_code == 200, response.text
    order = response.json()["d"]
    return order, order["SalesOrderLines"]["results"]


def test_given_a_header_discount_when_posting_an_order_then_every_line_without_its_own_takes_it_and_totals_agree(
    fresh,
):
    account, (first, second) = _account_and_items(fresh)

    response = fresh.post(
        "salesorder/SalesOrders",
        {
            "OrderedBy": account,
            "Discount": 0.1,
            "SalesOrderLines": [
                {"Item": first["ID"], "Quantity": 3, "UnitPrice": 19.99},
                {"Item": second["ID"], "Quantity": 2, "UnitPrice": 50.0, "Discount": 0.25},
            ],
        },
    )

    assert response.status_code == 201, response.text
    order, lines = _order(fresh, response.json()["d"]["OrderID"])
    assert [line["Discount"] for line in lines] == [0.1, 0.25]
    assert [line["NetPrice"] for line in lines] == [pytest.approx(17.991), pytest.approx(37.5)]
    assert [line["AmountFC"] for line in lines] == [53.97, 75.0]
    assert order["Currency"] == "EUR" and order["AmountFCExclVat"] == 128.97
    assert order["AmountDiscountExclVat"] == order["AmountDiscount"] == round(3 * 19.99 + 100 - 128.97, 2)
    _assert_header(order, lines, "VATAmount", discount_on_every_line=False)


def test_given_an_order_when_its_header_discount_or_a_line_is_put_then_lines_and_totals_are_recalculated(fresh):
    account, (first, second) = _account_and_items(fresh)
    body = {
        "OrderedBy": account,
        "SalesOrderLines": [
            {"Item": first["ID"], "Quantity": 4, "UnitPrice": 10.0},
            {"Item": second["ID"], "Quantity": 1, "UnitPrice": 30.0},
        ],
    }
    order_id = fresh.post("salesorder/SalesOrders", body).json()["d"]["OrderID"]

    discounted = fresh.put(f"salesorder/SalesOrders(guid'{order_id}')", {"Discount": 0.05})
    _order_after_discount, lines = _order(fresh, order_id)
    repriced = fresh.put(f"salesorder/SalesOrderLines(guid'{lines[0]['ID']}')", {"NetPrice": 8.0})
    order, lines = _order(fresh, order_id)

    assert discounted.status_code == repriced.status_code == 204
    assert _order_after_discount["AmountFCExclVat"] == 66.5
    assert lines[0]["Discount"] == pytest.approx(0.2) and lines[0]["AmountFC"] == 32.0
    assert lines[1]["Discount"] == 0.05 and lines[1]["AmountFC"] == 28.5
    assert order["AmountFCExclVat"] == 60.5
    _assert_header(order, lines, "VATAmount", discount_on_every_line=False)


def test_given_a_foreign_currency_when_posting_an_order_then_amount_dc_is_amount_fc_at_the_documented_rate(fresh):
    account, (first, second) = _account_and_items(fresh)

    response = fresh.post(
        "salesorder/SalesOrders",
        {
            "OrderedBy": account,
            "Currency": "SEK",
            "SalesOrderLines": [
                {"Item": first["ID"], "Quantity": 7, "UnitPrice": 129.0},
                {"Item": second["ID"], "Quantity": 1},
            ],
        },
    )

    assert response.status_code == 201, response.text
    order, lines = _order(fresh, response.json()["d"]["OrderID"])
    assert order["Currency"] == "SEK"
    assert lines[0]["AmountFC"] == 903.0 and lines[0]["AmountDC"] == round(903.0 * RATES["SEK"], 2)
    # Without a price the item's EUR sales price is turned into SEK at the same rate.
    assert lines[1]["UnitPrice"] == pytest.approx(round(second["StandardSalesPrice"] / RATES["SEK"], 2), abs=CENT)
    for line in lines:
        _assert_line(line, "SEK", "VATAmount")
    _assert_header(order, lines, "VATAmount")


def test_given_an_unknown_currency_when_posting_an_order_then_400_names_the_currency_and_nothing_is_stored(fresh):
    account, (first, _second) = _account_and_items(fresh)
    before = len(fresh.admin("dump")["salesorder/SalesOrders"])

    response = fresh.post(
        "salesorder/SalesOrders",
        {"OrderedBy": account, "Currency": "XYZ", "SalesOrderLines": [{"Item": first["ID"], "Quantity": 1}]},
    )

    assert response.status_code == 400
    assert "Currency" in response.json()["error"]["message"]["value"]
    assert len(fresh.admin("dump")["salesorder/SalesOrders"]) == before


def test_given_a_shipping_method_when_posting_an_order_then_no_shipping_method_code_is_stored_or_answered(fresh):
    account, (first, _second) = _account_and_items(fresh)
    method = fresh.get("sales/ShippingMethods", **{"$filter": "Code eq 'DHL'", "$select": "ID"}).json()["d"]
    lines = [{"Item": first["ID"]}]
    body = {"OrderedBy": account, "ShippingMethod": method["results"][0]["ID"], "SalesOrderLines": lines}

    created = fresh.post("salesorder/SalesOrders", body)
    with_code = fresh.post("salesorder/SalesOrders", body | {"ShippingMethodCode": "DHL"})

    assert created.status_code == 201 and "ShippingMethodCode" not in created.json()["d"]
    assert created.json()["d"]["ShippingMethodDescription"] == "DHL Parcel"
    order_id = created.json()["d"]["OrderID"]
    stored = [row for row in fresh.admin("dump")["salesorder/SalesOrders"] if row["OrderID"] == order_id]
    assert len(stored) == 1 and "ShippingMethodCode" not in stored[0]
    assert with_code.status_code == 400 and "'ShippingMethodCode'" in with_code.json()["error"]["message"]["value"]


def test_given_a_usd_credit_note_when_posting_a_sales_invoice_then_negative_amounts_in_both_currencies(fresh):
    account, (first, second) = _account_and_items(fresh)

    response = fresh.post(
        "salesinvoice/SalesInvoices",
        {
            "OrderedBy": account,
            "Journal": "70",
            "Type": 8021,
            "Currency": "USD",
            "Discount": 0.1,
            "SalesInvoiceLines": [
                {"Item": first["ID"], "Quantity": -2, "UnitPrice": 12.5},
                {"Item": second["ID"], "Quantity": -1, "UnitPrice": 99.99, "Discount": 0},
            ],
        },
    )

    assert response.status_code == 201, response.text
    invoice_id = response.json()["d"]["InvoiceID"]
    invoice = fresh.get(f"salesinvoice/SalesInvoices(guid'{invoice_id}')", **{"$expand": "SalesInvoiceLines"}).json()
    header, lines = invoice["d"], invoice["d"]["SalesInvoiceLines"]["results"]
    assert header["TypeDescription"] == "Sales credit note" and header["Currency"] == "USD"
    assert [line["AmountFC"] for line in lines] == [-22.5, -99.99]
    assert header["AmountFCExclVat"] == -122.49 and header["AmountDC"] < 0
    for line in lines:
        _assert_line(line, "USD", "VATAmountFC")
    _assert_header(header, lines, "VATAmountFC", discount_on_every_line=False)


def test_given_the_sync_view_of_order_headers_when_read_then_it_names_the_shipping_method_code_it_documents(seeded):
    methods = {
        row["ID"]: row["Code"]
        for row in seeded.get("sales/ShippingMethods", **{"$select": "ID,Code"}).json()["d"]["results"]
    }

    rows = seeded.get(
        "sync/SalesOrder/SalesOrderHeaders",
        **{"$filter": "Timestamp gt 1L", "$select": "OrderID,ShippingMethod,ShippingMethodCode"},
    ).json()["d"]["results"]

    assert len(rows) > 100
    assert all(row["ShippingMethodCode"] == methods[row["ShippingMethod"]] for row in rows)


def test_given_derived_amounts_in_a_put_when_updating_an_order_then_they_are_recalculated_from_the_lines(fresh):
    account, (first, _second) = _account_and_items(fresh)
    body = {"OrderedBy": account, "SalesOrderLines": [{"Item": first["ID"], "Quantity": 2, "UnitPrice": 15.0}]}
    order_id = fresh.post("salesorder/SalesOrders", body).json()["d"]["OrderID"]
    _order_before, lines = _order(fresh, order_id)

    line_put = fresh.put(f"salesorder/SalesOrderLines(guid'{lines[0]['ID']}')", {"AmountFC": 999.0})
    header_put = fresh.put(f"salesorder/SalesOrders(guid'{order_id}')", {"AmountDiscount": 50.0})
    order, lines = _order(fresh, order_id)

    assert line_put.status_code == header_put.status_code == 204
    assert lines[0]["AmountFC"] == 30.0 and order["AmountFCExclVat"] == 30.0
    assert order["AmountDiscount"] == order["AmountDiscountExclVat"] == 0.0


def test_given_an_order_when_its_currency_is_put_then_every_default_currency_amount_follows_the_new_rate(fresh):
    account, (first, second) = _account_and_items(fresh)
    lines = [{"Item": first["ID"], "Quantity": 5, "UnitPrice": 12.34}, {"Item": second["ID"], "UnitPrice": 99.0}]
    order_id = fresh.post("salesorder/SalesOrders", {"OrderedBy": account, "SalesOrderLines": lines}).json()["d"][
        "OrderID"
    ]

    changed = fresh.put(f"salesorder/SalesOrders(guid'{order_id}')", {"Currency": "GBP"})
    refused = fresh.put(f"salesorder/SalesOrders(guid'{order_id}')", {"Currency": "ZZZ"})
    order, lines = _order(fresh, order_id)

    assert changed.status_code == 204 and refused.status_code == 400
    assert order["Currency"] == "GBP" and order["AmountFCExclVat"] == 160.7
    assert [line["AmountDC"] for line in lines] == [round(61.7 * RATES["GBP"], 2), round(99.0 * RATES["GBP"], 2)]
    _assert_header(order, lines, "VATAmount")
