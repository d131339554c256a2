"""Exact's money rules (models/money.py) hold for any sales document, not only the seeded ones: random lines with
line and header discounts, negative quantities (credit notes, trade-in lines), every VAT rate of the seed and every
currency of the emulator's rate table. Sources as in test_money.py (field descriptions of SalesOrderLines and
SalesInvoiceLines in exact-online-rest-api.json)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exact_online_emulator.models.money import RATES_TO_DEFAULT, document_totals, price_line

prices = st.decimals(min_value=0, max_value=20000, places=2).map(float)
quantities = st.integers(min_value=-50, max_value=200).map(float) | st.decimals(-50, 200, places=3).map(float)
discounts = st.none() | st.decimals(min_value=0, max_value=1, places=4).map(float)
line_strategy = st.fixed_dictionaries(
    {
        "UnitPrice": prices,
        "Quantity": quantities,
        "Discount": discounts,
        "VATPercentage": st.sampled_from((0.0, 0.09, 0.21)),
    }
)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(line_strategy, min_size=1, max_size=20),
    header_discount=st.sampled_from((0.0, 0.05, 0.1, 0.125, 1.0)),
    currency=st.sampled_from(sorted(RATES_TO_DEFAULT)),
    invoice=st.booleans(),
)
def test_given_any_sales_document_when_priced_then_lines_and_header_agree_to_the_cent_in_both_currencies(
    lines, header_discount, currency, invoice
):
    rate = RATES_TO_DEFAULT[currency]
    vat_field = "VATAmountFC" if invoice else "VATAmount"
    sent = [dict(line) for line in lines]

    for line in lines:
        price_line(line, header_discount, rate, vat_field=vat_field)
    totals = document_totals(lines, rate, vat_field=vat_field)

    for line, original in zip(lines, sent, strict=True):
        expected_discount = header_discount if original["Discount"] is None else original["Discount"]
        assert line["Discount"] == expected_discount
        # NetPrice has 4 decimals; the float product may sit a hair beyond half a unit of the 4th.
        assert abs(line["NetPrice"] - line["UnitPrice"] * (1 - expected_discount)) <= 0.00005 + 1e-9
        assert line["AmountFC"] == round(line["Quantity"] * line["NetPrice"], 2)
        assert line["AmountDC"] == round(line["AmountFC"] * rate, 2)
        assert line[vat_field] == round(line["AmountFC"] * line["VATPercentage"], 2)
    excl = sum(line["AmountFC"] for line in lines)
    vat = sum(line[vat_field] for line in lines)
    vat_dc = sum(round(line[vat_field] * rate, 2) for line in lines)
    assert abs(totals["AmountFCExclVat"] - excl) < 0.005
    assert abs(totals["AmountFC"] - (excl + vat)) < 0.005
    assert abs(totals["AmountDC"] - (sum(line["AmountDC"] for line in lines) + vat_dc)) < 0.005
    assert abs(totals["AmountDC"] - totals["AmountFC"] * rate) <= 0.005 * (2 * len(lines) + 1) + 1e-9
    listed = sum(line["UnitPrice"] * line["Quantity"] for line in lines)
    assert totals["AmountDiscountExclVat"] == round(round(listed - totals["AmountFCExclVat"], 2) * rate, 2)
    if invoice:
        assert abs(totals["VATAmountDC"] - vat_dc) < 0.005


@settings(max_examples=200, deadline=None)
@given(unit=st.decimals(min_value="0.01", max_value=5000, places=2).map(float), net_share=st.integers(0, 100))
def test_given_a_net_price_without_a_discount_when_priced_then_the_discount_is_the_one_that_price_implies(
    unit, net_share
):
    net = round(unit * net_share / 100, 2)
    line = {"UnitPrice": unit, "Quantity": 3.0, "NetPrice": net, "VATPercentage": 0.21}

    price_line(line, 0.1, 1.0, vat_field="VATAmount")

    assert line["NetPrice"] == net
    assert abs(line["Discount"] - (unit - net) / unit) < 1e-12
    assert line["AmountFC"] == round(3 * net, 2)
