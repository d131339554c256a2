"""Builders for eAccounting source records (CustomerApi, ArticleApi, OrderApi) and Exact Online's current state."""

from __future__ import annotations

from typing import Any

from ledgerbridge_mappings import (
    Action,
    CodeIndex,
    ExactAccountIndex,
    ExactContactIndex,
    ExactItemIndex,
    ExactLookups,
    ExactRules,
    PlannedWrite,
    RecordPlan,
    SalesOrderIndex,
    SalesPriceIndex,
    ShippingMethodIndex,
    StockPositionIndex,
    WarehouseIndex,
)

from .builders import ADDRESSES, VAT_NUMBERS, guid

# ------------------------------------------------------------------------------------------ eAccounting records


def ea_customer(label: str = "acme", country: str = "NL", **overrides: Any) -> dict[str, Any]:
    street, postcode, city = ADDRESSES.get(country, ("Main Street 1", "12345", "Capital"))
    customer = {
        "Id": guid(f"ea-customer/{label}"),
        "CustomerNumber": str(1000 + sum(map(ord, label)) % 900),
        "Name": f"{label.title()} AB",
        "IsPrivatePerson": False,
        "IsActive": True,
        "EmailAddress": f"billing@{label}.example",
        "InvoiceAddress1": street,
        "InvoiceAddress2": None,
        "InvoicePostalCode": postcode,
        "InvoiceCity": city,
        "InvoiceCountryCode": country,
        "Telephone": "+46 8 123 456",
        "WwwAddress": f"https://{label}.example",
        "CurrencyCode": "EUR",
        "VatNumber": VAT_NUMBERS.get(country),
        "CorporateIdentityNumber": "556036-0793",
        "ContactPersonName": "Eva de Vries",
        "ContactPersonEmail": "eva@contact.example",
        "ContactPersonPhone": "+46 70 123 45 67",
        "ContactPersonMobile": None,
    }
    customer.update(overrides)
    return customer


def ea_private_customer(label: str = "jan", country: str = "NL", **overrides: Any) -> dict[str, Any]:
    fields = {
        "Name": f"{label.title()} Jansen",
        "IsPrivatePerson": True,
        "EmailAddress": f"{label}@mail.example",
        "VatNumber": None,
        "CorporateIdentityNumber": None,
        "ContactPersonName": None,
        "ContactPersonEmail": None,
        "ContactPersonPhone": None,
    }
    return ea_customer(label, country, **{**fields, **overrides})


def ea_article(number: str = "BIKE-01", **overrides: Any) -> dict[str, Any]:
    article = {
        "Id": guid(f"ea-article/{number}"),
        "Number": number,
        "Name": f"Bicycle {number}",
        "NameEnglish": None,
        "Note": None,
        "IsActive": True,
        "IsStock": True,
        "IsServiceArticle": False,
        "NetPrice": 100.0,
        "GrossPrice": 121.0,
        "CodingId": guid("coding/25"),
        "CodingName": "Varor 25%",
        "UnitName": "Styck",
        "UnitAbbreviation": "st",
        "Barcodes": [{"Barcode": "8712345678906", "BarcodeType": 0}],
        "StockBalance": 10.0,
        "StockBalanceReserved": 2.0,
        "StockBalanceAvailable": 8.0,
    }
    article.update(overrides)
    return article


def ea_row(article: str, quantity: float, delivered: float = 0.0, **overrides: Any) -> dict[str, Any]:
    row = {
        "LineNumber": 0,
        "ArticleNumber": article,
        "IsTextRow": False,
        "Quantity": quantity,
        "DeliveredQuantity": delivered,
        "Text": f"Article {article}",
    }
    row.update(overrides)
    return row


def ea_order(
    number: int = 5001, reference: str | None = "Exact SO 1042", rows: list | None = None, status: int = 3, **overrides
) -> dict[str, Any]:
    order = {
        "Id": guid(f"ea-order/{number}"),
        "Number": number,
        "Status": status,
        "OurReference": reference,
        "YourReference": None,
        "ShippedDateTime": "2024-06-03" if status >= 3 else None,
        "DeliveryMethodCode": None,
        "DeliveryMethodName": None,
        "Rows": rows if rows is not None else [ea_row("BIKE-01", 2), ea_row("HELMET-02", 1)],
    }
    for position, row in enumerate(order["Rows"], start=1):
        row["LineNumber"] = position
    order.update(overrides)
    return order


# ----------------------------------------------------------------------------------------------- Exact state


def exact_account(label: str = "acme", **fields: Any) -> dict[str, Any]:
    account = {"ID": guid(f"exact-account/{label}"), "Code": f"{'':>14}{1000 + sum(map(ord, label)) % 900}"}
    account.update(fields)
    return account


def exact_item(code: str = "BIKE-01", **fields: Any) -> dict[str, Any]:
    item = {"ID": guid(f"exact-item/{code}"), "Code": code, "Description": f"Bicycle {code}", "IsStockItem": True}
    item.update(fields)
    return item


def exact_price(code: str, price: float, currency: str = "EUR", **fields: Any) -> dict[str, Any]:
    record = {
        "ID": guid(f"exact-price/{code}/{currency}/{sorted(fields.items())}"),
        "Item": guid(f"exact-item/{code}"),
        "ItemCode": code,
        "Price": price,
        "Currency": currency,
        "Quantity": 0.0,
        "Account": None,
    }
    record.update(fields)
    return record


def stock_position(code: str, current: float, warehouse: str = "1") -> dict[str, Any]:
    return {"ItemCode": code, "Warehouse": guid(f"warehouse/{warehouse}"), "CurrentStock": current}


def exact_order(
    number: int = 1042, lines: list[tuple[str, float, float]] | None = None, approval: int = 1, status: int = 12
) -> dict[str, Any]:
    """``lines``: (item code, quantity, quantity delivered so far)."""
    lines = lines if lines is not None else [("BIKE-01", 2, 0), ("HELMET-02", 1, 0)]
    return {
        "OrderID": guid(f"exact-order/{number}"),
        "OrderNumber": number,
        "ApprovalStatus": approval,
        "Status": status,
        "SalesOrderLines": [
            {
                "ID": order_line_id(number, position),
                "LineNumber": position,
                "ItemCode": code,
                "Quantity": quantity,
                "QuantityDelivered": delivered,
                "DeliveryStatus": 21 if delivered >= quantity else (20 if delivered else 12),
            }
            for position, (code, quantity, delivered) in enumerate(lines, start=1)
        ],
    }


def order_line_id(number: int, line_number: int) -> str:
    return guid(f"exact-order/{number}/line/{line_number}")


VAT_CODES = [("1", 0.21), ("2", 0.09), ("4", 0.0), ("5", 0.0)]
GL_ACCOUNTS = [("8000", None, None), ("8010", "200", None), ("8020", None, "WEB")]


ITEM_GROUPS = ("000", "100", "200", "300")


def exact_lookups(
    *,
    accounts: list[dict[str, Any]] = (),
    contacts: list[dict[str, Any]] = (),
    items: list[dict[str, Any]] = (),
    prices: list[dict[str, Any]] = (),
    positions: list[dict[str, Any]] = (),
    orders: list[dict[str, Any]] = (),
    division_currency: str | None = "EUR",
) -> ExactLookups:
    return ExactLookups(
        accounts=ExactAccountIndex.from_records(accounts),
        contacts=ExactContactIndex.from_records(contacts),
        items=ExactItemIndex.from_records(items),
        sales_prices=SalesPriceIndex.from_records(prices),
        stock_positions=StockPositionIndex.from_records(positions),
        warehouses=WarehouseIndex.from_records(
            [
                {"ID": guid("warehouse/1"), "Code": "1", "Main": 1},
                {"ID": guid("warehouse/2"), "Code": "2", "Main": 0},
            ]
        ),
        vat_codes=CodeIndex.from_records([{"ID": guid(f"vat/{c}"), "Code": c, "Percentage": p} for c, p in VAT_CODES]),
        gl_accounts=CodeIndex.from_records(
            [{"ID": guid(f"gl/{c}"), "Code": c, "Costcenter": cc, "Costunit": cu} for c, cc, cu in GL_ACCOUNTS]
        ),
        cost_centers=CodeIndex.from_records([{"ID": guid(f"cc/{c}"), "Code": c} for c in ("100", "200")]),
        cost_units=CodeIndex.from_records([{"ID": guid("cu/WEB"), "Code": "WEB"}]),
        units=CodeIndex.from_records([{"ID": guid(f"unit/{c}"), "Code": c} for c in ("pc", "kg")]),
        shipping_methods=ShippingMethodIndex.from_records(
            [
                {"ID": guid("ship/POSTNL"), "Code": "POSTNL", "Description": "PostNL parcel"},
                {"ID": guid("ship/DHL"), "Code": "DHL", "Description": "DHL Express"},
            ]
        ),
        sales_orders=SalesOrderIndex.from_records(orders),
        item_groups=CodeIndex.from_records([{"ID": guid(f"item-group/{c}"), "Code": c} for c in ITEM_GROUPS]),
        division_currency=division_currency,
    )


def exact_rules(**sections: Any) -> ExactRules:
    return ExactRules.model_validate(sections)


def only_write(plan: RecordPlan, collection: str, action: Action) -> PlannedWrite:
    """The one write a plan makes to ``collection``, which must be ``action``."""
    [write] = plan.writes_to(collection)
    assert write.action is action, write
    return write
