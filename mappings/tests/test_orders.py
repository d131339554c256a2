import pytest

from ledgerbridge_mappings import EAccountingRules, SalesDocumentPlanner
from ledgerbridge_mappings.plan import Action

from .builders import (
    ea_customers,
    exact_account,
    guid,
    lookups,
    order_line,
    rules_dict,
    sales_invoice,
    sales_order,
)

KNOWN = ea_customers(("acme", "100", "billing@acme.example", None))
LEDGER = {
    "receivable_account": 1510,
    "default_revenue_account": 3001,
    "revenue_per_country": [{"country": "DE", "account_number": 3108}],
}


def planner(accounts=None, known=KNOWN, existing=None, article_rates=None, **sections):
    rules = EAccountingRules.model_validate(rules_dict(**sections))
    return SalesDocumentPlanner(
        rules,
        lookups(
            accounts=accounts or [exact_account("acme", "SE")],
            customers=known,
            existing=existing,
            article_rates=article_rates,
        ),
    )


def plan_order(order=None, **kwargs):
    return planner(**kwargs).plan_sales_order(order or sales_order(account=exact_account("acme", "SE")))


def only_write(plan, collection):
    assert plan.ok, plan.errors
    [write] = plan.writes_to(collection)
    return write


# ------------------------------------------------------------------------------------------------ targets


@pytest.mark.parametrize(
    ("target", "collection", "required"),
    [
        pytest.param(
            "order",
            "orders",
            {
                "CustomerId",
                "CurrencyCode",
                "EuThirdParty",
                "Status",
                "RotReducedInvoicingType",
                "ReverseChargeOnConstructionServices",
                "OrderDate",
                "Rows",
            },
            id="order",
        ),
        pytest.param(
            "invoice_draft",
            "customerinvoicedrafts",
            {
                "CustomerId",
                "RotReducedInvoicingType",
                "EuThirdParty",
                "InvoiceDate",
                "DueDate",
                "IsCreditInvoice",
                "Rows",
            },
            id="invoice-draft",
        ),
        pytest.param(
            "invoice",
            "customerinvoices",
            {"CustomerId", "Rows", "RotReducedInvoicingType", "EuThirdParty", "InvoiceDate"},
            id="invoice",
        ),
    ],
)
def test_given_a_target_when_a_sales_order_is_mapped_then_the_body_has_that_apis_required_fields(
    target, collection, required
):
    order = sales_order(account=exact_account("acme", "SE"), DueDate="2024-05-31T00:00:00Z")
    write = only_write(plan_order(order, documents={"target": target}), collection)
    assert write.action is Action.CREATE
    assert required <= set(write.body)
    assert write.body["OurReference"] == "Exact SO 1042"
    assert write.body["CustomerId"] == guid("ea-customer/acme")
    assert write.key == f"{collection}/Exact SO 1042"


@pytest.mark.parametrize(
    ("target", "row_keys", "absent"),
    [
        pytest.param(
            "order",
            {
                "LineNumber",
                "IsTextRow",
                "ArticleId",
                "ArticleNumber",
                "Quantity",
                "UnitPrice",
                "DiscountPercentage",
                "IsWorkCost",
                "EligibleForReverseChargeOnVat",
            },
            {"ReversedConstructionServicesVatFree"},
            id="order-rows",
        ),
        pytest.param(
            "invoice_draft",
            {
                "LineNumber",
                "IsTextRow",
                "ArticleId",
                "Quantity",
                "UnitPrice",
                "DiscountPercentage",
                "ReversedConstructionServicesVatFree",
            },
            {"EligibleForReverseChargeOnVat", "ArticleNumber"},
            id="draft-rows",
        ),
        pytest.param(
            "invoice",
            {"ArticleId", "Quantity", "UnitPrice", "DiscountPercentage"},
            {"LineNumber", "IsTextRow", "ArticleNumber"},
            id="invoice-rows-without-read-only-fields",
        ),
    ],
)
def test_given_a_target_when_rows_are_shaped_then_they_use_that_targets_row_fields_only(target, row_keys, absent):
    collection = {"order": "orders", "invoice_draft": "customerinvoicedrafts", "invoice": "customerinvoices"}[target]
    [row] = only_write(plan_order(documents={"target": target}), collection).body["Rows"]
    assert row_keys <= set(row)
    assert not (absent & set(row))


def test_given_voucher_target_when_a_sales_order_is_mapped_then_a_balanced_sales_entry_without_customer():
    order = sales_order(
        account=exact_account("acme", "SE"),
        lines=[order_line("BIKE-01", 2, 100.0, VATCode="2"), order_line("HELMET-02", 1, 50.0, VATCode="1")],
    )
    plan = plan_order(order, documents={"target": "voucher"}, ledger=LEDGER)
    voucher = only_write(plan, "vouchers").body
    assert plan.writes_to("customers") == []
    assert voucher["VoucherDate"] == "2024-05-01" and voucher["VoucherText"].startswith("Exact SO 1042")
    rows = voucher["Rows"]
    assert rows[0] == {"AccountNumber": 1510, "DebitAmount": 306.0, "CreditAmount": 0.0}
    credits = {(r["AccountNumber"], r.get("VatCodeId")): r["CreditAmount"] for r in rows[1:]}
    assert credits == {
        (3001, guid("vat/MP1")): 200.0,
        (3001, guid("vat/MP2")): 50.0,
        (2611, None): 50.0,
        (2621, None): 6.0,
    }
    assert sum(r["DebitAmount"] for r in rows) == sum(r["CreditAmount"] for r in rows)


def test_given_voucher_target_with_revenue_per_country_then_the_vat_country_picks_the_account():
    acme_de = exact_account("acme", "DE")
    order = sales_order(account=acme_de, lines=[order_line(VATCode="9", VATPercentage=0.19)])
    plan = plan_order(
        order,
        accounts=[acme_de],
        documents={"target": "voucher"},
        ledger=LEDGER,
        vat={"home_country": "SE", "per_country": [{"country": "DE", "eaccounting_code": "DE19"}]},
    )
    rows = only_write(plan, "vouchers").body["Rows"]
    assert rows[1]["AccountNumber"] == 3108 and rows[1]["VatCodeId"] == guid("vat/DE19")


def test_given_voucher_target_without_receivable_account_then_the_setting_is_named():
    plan = plan_order(documents={"target": "voucher"})
    assert [e.field for e in plan.errors] == ["ledger.receivable_account"]


def test_given_a_credit_note_as_invoice_when_mapped_then_it_is_a_credit_invoice_with_negative_quantities():
    acme = exact_account("acme", "SE")
    credit = sales_invoice(account=acme, Type=8021, lines=[order_line(quantity=-1)])
    plan = planner(documents={"target": "invoice"}).plan_sales_invoice(credit)
    body = only_write(plan, "customerinvoices").body
    assert body["IsCreditInvoice"] is True and body["Rows"][0]["Quantity"] == -1.0
    assert body["OurReference"] == "Exact SI 24001" and body["DueDate"] == "2024-07-10"


def test_given_a_credit_note_when_the_target_is_order_then_it_is_rejected():
    credit = sales_invoice(account=exact_account("acme", "SE"), Type=8024, lines=[order_line(quantity=-1)])
    plan = planner().plan_sales_invoice(credit)
    assert [e.field for e in plan.errors] == ["Type"]


# ------------------------------------------------------------------------------------------------ filters and reruns


@pytest.mark.parametrize(
    ("overrides", "status_filter", "skipped"),
    [
        pytest.param(
            {"Status": 45}, {}, "Status 45 not in order_statuses [12, 20, 21]", id="cancelled-excluded-by-default"
        ),
        pytest.param(
            {"Status": 21, "DeliveryStatus": 12},
            {"delivery_statuses": [21]},
            "DeliveryStatus 12 not in delivery_statuses [21]",
            id="only-delivered",
        ),
        pytest.param(
            {"InvoiceStatus": 21},
            {"invoice_statuses": [12]},
            "InvoiceStatus 21 not in invoice_statuses [12]",
            id="already-invoiced",
        ),
        pytest.param({"Status": 20}, {}, None, id="partial-included"),
    ],
)
def test_given_a_status_filter_when_an_order_does_not_qualify_then_it_is_skipped_with_the_reason(
    overrides, status_filter, skipped
):
    order = sales_order(account=exact_account("acme", "SE"), **overrides)
    plan = plan_order(order, documents={"status_filter": status_filter})
    [write] = plan.writes_to("orders")
    if skipped is None:
        assert write.action is Action.CREATE
    else:
        assert (write.action, write.reason) == (Action.SKIP, skipped)
        assert plan.writes_to("customers") == []


def test_given_a_draft_sales_invoice_when_only_open_and_processed_qualify_then_it_is_skipped():
    plan = planner().plan_sales_invoice(sales_invoice(account=exact_account("acme", "SE"), Status=10))
    [write] = plan.writes
    assert write.action is Action.SKIP and "sales_invoice_statuses" in write.reason


@pytest.mark.parametrize(
    ("target", "update", "action"),
    [
        pytest.param("order", False, Action.SKIP, id="order-skipped"),
        pytest.param("order", True, Action.UPDATE, id="order-updated-when-asked"),
        pytest.param("invoice_draft", True, Action.UPDATE, id="draft-updated-when-asked"),
        pytest.param("invoice", True, Action.SKIP, id="invoice-never-updated"),
    ],
)
def test_given_the_reference_is_already_in_eaccounting_when_rerun_then_skip_or_update(target, update, action):
    collection = {"order": "orders", "invoice_draft": "customerinvoicedrafts", "invoice": "customerinvoices"}[target]
    existing = {collection: {"Exact SO 1042": "ea-doc-1"}}
    acme = exact_account("acme", "SE")
    plan = plan_order(
        sales_order(account=acme),
        accounts=[acme],
        known=[],
        existing=existing,
        documents={"target": target, "update_existing": update},
    )
    write = only_write(plan, collection)
    assert (write.action, write.target_id) == (action, "ea-doc-1")
    if action is Action.SKIP:
        assert plan.writes_to("customers") == []  # nothing is created for a document that is not written


# ------------------------------------------------------------------------------------------------ rows


@pytest.mark.parametrize(
    ("line_discount", "amount", "unit", "expected"),
    [
        pytest.param(0.1, None, "fraction", 0.1, id="line-fraction-passes-through"),
        pytest.param(10, 90.0, "percent", 0.1, id="line-percent-becomes-fraction"),
        pytest.param(1.0, None, "fraction", 1.0, id="discount-100-percent"),
        pytest.param(0.33333, None, "fraction", 0.3333, id="rounded-to-four-decimals"),
    ],
)
def test_given_a_line_discount_when_mapped_then_the_row_carries_it_as_one_fraction(
    line_discount, amount, unit, expected
):
    line = order_line(Discount=line_discount, **({"AmountFC": amount} if amount is not None else {}))
    order = sales_order(account=exact_account("acme", "SE"), lines=[line])
    row = only_write(plan_order(order, discounts={"exact_unit": unit}), "orders").body["Rows"][0]
    assert row["DiscountPercentage"] == expected


def test_given_a_header_discount_exact_pushed_onto_the_lines_when_mapped_then_it_is_applied_once():
    # Exact's model: a 10 % header Discount is copied onto every line, and AmountFCExclVat is the lines' sum.
    order = sales_order(
        account=exact_account("acme", "SE"),
        Discount=0.1,
        AmountDiscount=30.0,
        lines=[order_line("BIKE-01", 2, 100.0, Discount=0.1), order_line("HELMET-02", 1, 100.0, Discount=0.1)],
    )
    assert order["AmountFCExclVat"] == 270.0
    write = only_write(plan_order(order), "orders")
    assert [r["DiscountPercentage"] for r in write.body["Rows"]] == [0.1, 0.1]
    assert "reconciled with Exact: net 270.00 EUR" in write.reason


def test_given_a_header_amount_discount_not_on_the_lines_when_spread_then_each_row_gets_its_share():
    order = sales_order(
        account=exact_account("acme", "SE"),
        AmountDiscount=30.0,
        AmountFCExclVat=270.0,
        AmountFC=337.50,  # VAT on the discounted base
        lines=[order_line("BIKE-01", 2, 100.0), order_line("HELMET-02", 1, 100.0)],
    )
    rows = only_write(plan_order(order), "orders").body["Rows"]
    assert [r["DiscountPercentage"] for r in rows] == [0.1, 0.1]


def test_given_a_header_remainder_as_row_then_one_negative_row_per_vat_code_on_the_discount_article():
    order = sales_order(
        account=exact_account("acme", "SE"),
        AmountFCExclVat=225.0,
        AmountFC=275.40,
        lines=[order_line("BIKE-01", 1, 200.0, VATCode="2"), order_line("HELMET-02", 1, 50.0, VATCode="1")],
    )
    rows = only_write(
        plan_order(order, discounts={"order_discount": "row", "discount_article_number": "RABATT"}), "orders"
    ).body["Rows"]
    discount_rows = [r for r in rows if r["ArticleNumber"] == "RABATT"]
    assert sorted(r["UnitPrice"] for r in discount_rows) == [-20.0, -5.0]
    assert [r["DiscountPercentage"] for r in rows[:2]] == [0.0, 0.0]


def test_given_a_header_remainder_and_discounts_ignored_then_the_totals_check_refuses_the_document():
    order = sales_order(
        account=exact_account("acme", "SE"), AmountFCExclVat=243.0, lines=[order_line("BIKE-01", 1, 270.0)]
    )
    plan = plan_order(order, discounts={"order_discount": "ignore"})
    assert plan.writes_to("orders") == []
    [error] = plan.errors
    assert error.field == "AmountFCExclVat"
    assert error.message.startswith("net 270.00 ≠ Exact 243.00 (+27.00)")


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        pytest.param(
            order_line(Discount=1.5), "SalesOrderLines[0].Discount", "outside 0-100 %", id="discount-over-100"
        ),
        pytest.param(
            order_line(quantity=-2), "SalesOrderLines[0].Quantity", "negative quantity", id="negative-quantity"
        ),
        pytest.param(order_line(quantity=0), "SalesOrderLines[0].Quantity", "zero quantity", id="zero-quantity"),
        pytest.param(
            order_line(unit_price=-5), "SalesOrderLines[0].UnitPrice", "negative unit price", id="negative-price"
        ),
        pytest.param(
            order_line("NOPE-99"),
            "SalesOrderLines[0].ItemCode",
            "no eAccounting article has number 'NOPE-99'",
            id="unknown-sku",
        ),
        pytest.param(order_line(ItemCode=None), "SalesOrderLines[0].ItemCode", "missing", id="no-sku"),
        pytest.param(
            order_line(VATCode="77"),
            "SalesOrderLines[0].VATCode",
            "'77' is not in vat.code_map",
            id="unknown-vat-code-without-default",
        ),
        pytest.param(
            order_line(Quantity="two"), "SalesOrderLines[0].Quantity", "expected a number", id="quantity-not-a-number"
        ),
        pytest.param(
            order_line(Description="x" * 2001),
            "SalesOrderLines[0].Description",
            "2001 characters",
            id="row-text-too-long",
        ),
    ],
)
def test_given_a_bad_line_when_mapped_then_the_order_fails_naming_the_line_field(line, field, message):
    order = sales_order(account=exact_account("acme", "SE"), lines=[line])
    plan = plan_order(order)
    assert [e.field for e in plan.errors] == [field]
    assert message in plan.errors[0].message
    assert plan.writes == []
    assert str(plan.errors[0]).startswith("sales_orders #1042 (")


def test_given_an_unknown_vat_code_with_a_fallback_when_mapped_then_the_order_maps():
    order = sales_order(account=exact_account("acme", "SE"), lines=[order_line(VATCode="77")])
    plan = plan_order(order, vat={"home_country": "SE", "fallback_code": "MP1"})
    assert plan.ok


def test_given_an_order_without_lines_then_the_lines_field_is_named():
    plan = plan_order(sales_order(account=exact_account("acme", "SE"), lines=[]))
    assert [(e.field, e.message) for e in plan.errors] == [("SalesOrderLines", "no lines")]


def test_given_a_bad_record_among_good_ones_when_planned_then_only_the_bad_one_fails():
    p = planner()
    acme = exact_account("acme", "SE")
    plans = [
        p.plan_sales_order(sales_order(n, account=acme, lines=[order_line("NOPE" if n == 2 else "BIKE-01")]))
        for n in (1, 2, 3)
    ]
    assert [pl.ok for pl in plans] == [True, False, True]


def test_given_an_article_whose_coding_books_another_rate_then_the_vat_mismatch_is_an_error():
    plan = plan_order(article_rates={"BIKE-01": 12.0})
    assert [e.field for e in plan.errors] == ["SalesOrderLines[0].VATCode"]
    assert "article BIKE-01 books 12 %" in plan.errors[0].message


def test_given_article_creation_is_on_when_a_sku_is_unknown_then_the_article_is_planned_once_and_linked():
    sections = {
        "articles": {
            "create_missing": True,
            "new_article_coding_id": guid("coding/25"),
            "new_article_unit_id": guid("unit/st"),
        }
    }
    p = planner(**sections)
    acme = exact_account("acme", "SE")
    first = p.plan_sales_order(sales_order(1, account=acme, lines=[order_line("NEW-1", unit_price=12.5)]))
    second = p.plan_sales_order(sales_order(2, account=acme, lines=[order_line("NEW-1")]))
    [article] = first.writes_to("articles")
    assert article.body == {
        "Number": "NEW-1",
        "Name": "Article NEW-1",
        "CodingId": guid("coding/25"),
        "UnitId": guid("unit/st"),
        "IsActive": True,
        "NetPrice": 12.5,
    }
    assert second.writes_to("articles") == []
    assert second.writes_to("orders")[0].links == {"Rows[0].ArticleId": "articles/NEW-1"}


def test_given_amounts_with_many_decimals_then_prices_round_to_two_for_domestic_and_four_for_foreign():
    order = sales_order(account=exact_account("acme", "SE"), lines=[order_line(unit_price=10.005, quantity=1.23456)])
    row = only_write(plan_order(order), "orders").body["Rows"][0]
    # 10.01 x 1.2346 would come to 12.36 against Exact's 12.35: the price moves by a cent to land on Exact's amount.
    assert (row["UnitPrice"], row["Quantity"]) == (10.0, 1.2346)
    assert round(row["UnitPrice"] * row["Quantity"], 2) == order["SalesOrderLines"][0]["AmountFC"] == 12.35
    acme_de = exact_account("acme", "DE")
    order = sales_order(account=acme_de, lines=[order_line(unit_price=10.00555, VATCode="9", VATPercentage=0.0)])
    row = only_write(
        plan_order(order, accounts=[acme_de], vat={"home_country": "SE", "fallback_code": "MP1"}), "orders"
    ).body["Rows"][0]
    assert row["UnitPrice"] == 10.0056


# ------------------------------------------------------------------------------------ terms, shipping, cost centres


@pytest.mark.parametrize(
    ("condition", "section", "expected"),
    [
        pytest.param(
            "30", {"map": [{"exact_code": "30", "eaccounting_terms": "30 dagar netto"}]}, "terms/30", id="mapped"
        ),
        pytest.param(
            "14",
            {"map": [{"exact_code": "14", "eaccounting_terms": "14 days net"}]},
            "terms/14",
            id="mapped-by-english-name",
        ),
        pytest.param("60", {"default_terms": "Kontant"}, "terms/cash", id="unmapped-uses-default"),
        pytest.param(
            "30",
            {
                "map": [{"exact_code": "30", "eaccounting_terms": "30 dagar netto"}],
                "default_terms": "Kontant",
                "force_default": True,
            },
            "terms/cash",
            id="force-default",
        ),
        pytest.param("60", {}, None, id="unmapped-without-default-leaves-customer-terms"),
    ],
)
def test_given_a_payment_condition_when_mapped_then_terms_of_payment(condition, section, expected):
    order = sales_order(account=exact_account("acme", "SE"), PaymentCondition=condition)
    body = only_write(plan_order(order, payment_terms=section), "orders").body
    assert body.get("TermsOfPaymentId") == (guid(expected) if expected else None)


def test_given_a_mapped_shipping_method_with_cost_then_delivery_method_and_a_shipping_row_on_the_article():
    order = sales_order(
        account=exact_account("acme", "SE"),
        ShippingMethod=guid("exact-sm/postnl"),
        ShippingMethodDescription="PostNL pakket",
    )
    shipping = {
        "map": [{"exact_method": "PostNL pakket", "eaccounting_method": "PN", "shipping_cost": 6.95}],
        "shipping_article_number": "FRAKT",
    }
    body = only_write(plan_order(order, shipping=shipping), "orders").body
    assert (body["DeliveryMethodName"], body["DeliveryMethodCode"]) == ("PostNord", "PN")
    assert body["Rows"][-1] == {
        "LineNumber": 1,
        "IsTextRow": False,
        "ArticleId": guid("article/FRAKT"),
        "ArticleNumber": "FRAKT",
        "Text": "PostNord",
        "Quantity": 1.0,
        "UnitPrice": 6.95,
        "DiscountPercentage": 0.0,
        "IsWorkCost": False,
        "EligibleForReverseChargeOnVat": False,
    }


def test_given_a_shipping_item_line_then_it_becomes_a_row_on_the_shipping_article():
    order = sales_order(account=exact_account("acme", "SE"), lines=[order_line(), order_line("VERZEND", 1, 4.95)])
    shipping = {"shipping_item_codes": ["verzend"], "shipping_article_number": "FRAKT"}
    rows = only_write(plan_order(order, shipping=shipping), "orders").body["Rows"]
    assert [(r["ArticleNumber"], r["UnitPrice"]) for r in rows] == [("BIKE-01", 100.0), ("FRAKT", 4.95)]


def test_given_invoice_target_then_delivery_method_is_not_sent_because_it_is_read_only_there():
    order = sales_order(account=exact_account("acme", "SE"), ShippingMethodDescription="DHL")
    body = only_write(
        plan_order(order, documents={"target": "invoice"}, shipping={"default_method": "DHL"}), "customerinvoices"
    ).body
    assert "DeliveryMethodName" not in body


@pytest.mark.parametrize(
    ("line", "section", "expected", "error"),
    [
        pytest.param(
            order_line(CostCenter="sales", CostUnit="P100"),
            {"cost_center_dimension": 1, "cost_unit_dimension": 2},
            {"CostCenterItemId1": guid("cci/1/SALES"), "CostCenterItemId2": guid("cci/2/P100")},
            None,
            id="both-dimensions",
        ),
        pytest.param(
            order_line(CostCenter="GONE"),
            {"cost_center_dimension": 1},
            None,
            "SalesOrderLines[0].CostCenter",
            id="unknown-item-error",
        ),
        pytest.param(
            order_line(CostCenter="OLD"),
            {"cost_center_dimension": 1},
            None,
            "SalesOrderLines[0].CostCenter",
            id="inactive-item-error",
        ),
        pytest.param(
            order_line(CostCenter="GONE"),
            {"cost_center_dimension": 1, "unknown_item": "ignore"},
            {},
            None,
            id="unknown-item-ignored",
        ),
        pytest.param(order_line(CostCenter="SALES"), {}, {}, None, id="not-configured"),
    ],
)
def test_given_cost_centres_and_units_when_mapped_then_cost_centre_items(line, section, expected, error):
    plan = plan_order(sales_order(account=exact_account("acme", "SE"), lines=[line]), cost_centres=section)
    if error:
        assert [e.field for e in plan.errors] == [error]
        return
    row = only_write(plan, "orders").body["Rows"][0]
    assert {k: v for k, v in row.items() if k.startswith("CostCenterItemId")} == expected


def test_given_a_separate_delivery_address_then_the_order_carries_it():
    acme = exact_account("acme", "SE")
    address = {
        "ID": guid("address/warehouse"),
        "AddressLine1": "Lagervägen 3",
        "Postcode": "41101",
        "City": "Göteborg",
        "Country": "se",
    }
    order = sales_order(account=acme, DeliveryAddress=address["ID"], DeliverTo=acme["ID"])
    rules = EAccountingRules.model_validate(rules_dict())
    p = SalesDocumentPlanner(rules, lookups(accounts=[acme], addresses=[address], customers=KNOWN))
    body = only_write(p.plan_sales_order(order), "orders").body
    assert (body["DeliveryAddress1"], body["DeliveryCity"], body["DeliveryCountryCode"]) == (
        "Lagervägen 3",
        "Göteborg",
        "SE",
    )


def test_given_a_document_field_map_then_it_overrides_built_in_values_per_row():
    order = sales_order(account=exact_account("acme", "SE"), Remarks="Ring twice", lines=[order_line(Notes="gift")])
    entries = [
        {"source": "Remarks", "target": "YourReference", "transforms": [{"name": "upper"}]},
        {"source": "SalesOrderLines[*].Notes", "target": "Rows[*].Text"},
    ]
    body = only_write(plan_order(order, field_map={"entries": entries}), "orders").body
    assert body["YourReference"] == "RING TWICE" and body["Rows"][0]["Text"] == "gift"


def test_given_the_first_order_needing_a_new_article_is_refused_when_the_next_one_is_planned_then_it_creates_it():
    sections = {
        "articles": {
            "create_missing": True,
            "new_article_coding_id": guid("coding/25"),
            "new_article_unit_id": guid("unit/st"),
        }
    }
    p = planner(**sections)
    acme = exact_account("acme", "SE")
    refused = p.plan_sales_order(sales_order(1, account=acme, lines=[order_line("NEW-1"), order_line("X" * 41)]))
    second = p.plan_sales_order(sales_order(2, account=acme, lines=[order_line("NEW-1")]))
    assert not refused.ok and refused.writes == []
    [article] = second.writes_to("articles")
    assert article.body["Number"] == "NEW-1"
    assert second.writes_to("orders")[0].links == {"Rows[0].ArticleId": "articles/NEW-1"}
