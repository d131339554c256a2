"""Small builders for realistic Exact Online source records and eAccounting reference data (NL/BE/DE/SE/NO)."""

from __future__ import annotations

import uuid
import zlib
from typing import Any

from ledgerbridge_mappings import (
    ArticleIndex,
    CostCenterItemIndex,
    CustomerIndex,
    DeliveryMethodIndex,
    EAccountingLookups,
    ExactParties,
    ExistingReferences,
    TermsOfPaymentIndex,
    VatCodeIndex,
)
from ledgerbridge_mappings.shared.amounts import money


def guid(label: str) -> str:
    """Deterministic GUIDs so failures name the same ids every run."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ledgerbridge-test/{label}"))


# ------------------------------------------------------------------------------------------------ Exact records

ADDRESSES = {
    "NL": ("Keizersgracht 123", "1015 CJ", "Amsterdam"),
    "BE": ("Meir 45", "2000", "Antwerpen"),
    "DE": ("Friedrichstraße 10", "10117", "Berlin"),
    "SE": ("Drottninggatan 5", "111 51", "Stockholm"),
    "NO": ("Karl Johans gate 22", "0159", "Oslo"),
}
VAT_NUMBERS = {
    "NL": "NL004495445B01",
    "BE": "BE0403170701",
    "DE": "DE136695976",
    "SE": "SE556036079301",
    "NO": "NO974760673MVA",
}


def exact_account(label: str = "acme", country: str = "NL", **overrides: Any) -> dict[str, Any]:
    street, postcode, city = ADDRESSES.get(country, ("Main Street 1", "12345", "Capital"))
    account = {
        "ID": guid(f"account/{label}"),
        "Code": f"{zlib.crc32(label.encode()) % 90000 + 10000:>18}",
        "Name": f"{label.title()} B.V.",
        "Email": f"billing@{label}.example",
        "AddressLine1": street,
        "AddressLine2": None,
        "AddressLine3": None,
        "Postcode": postcode,
        "City": city,
        "Country": country,
        "Phone": "+31 20 123 4567",
        "VATNumber": VAT_NUMBERS.get(country),
        "ChamberOfCommerce": "34123456",
        "PaymentConditionSales": "30",
        "MainContact": guid(f"contact/{label}"),
        "Status": "C",
    }
    account.update(overrides)
    return account


def private_account(label: str = "jansen", country: str = "NL", **overrides: Any) -> dict[str, Any]:
    first, last = label.title(), "Jansen"
    return exact_account(
        label,
        country,
        Name=f"{first} {last}",
        VATNumber=None,
        ChamberOfCommerce=None,
        Email=f"{label}@mail.example",
        **overrides,
    )


def exact_contact(
    account: dict[str, Any], first: str = "Eva", last: str = "de Vries", **overrides: Any
) -> dict[str, Any]:
    contact = {
        "ID": account.get("MainContact") or guid(f"contact/{account['ID']}"),
        "Account": account["ID"],
        "FirstName": first,
        "LastName": last,
        "FullName": f"{first} {last}",
        "Email": f"{first.lower()}@contact.example",
        "Phone": "+31 6 1234 5678",
        "IsMainContact": True,
    }
    contact.update(overrides)
    return contact


def order_line(
    item_code: str = "BIKE-01", quantity: float = 1, unit_price: float = 100.0, **overrides: Any
) -> dict[str, Any]:
    line = {
        "ID": guid(f"line/{item_code}/{quantity}/{unit_price}/{sorted(overrides.items())}"),
        "ItemCode": item_code,
        "Description": f"Article {item_code}",
        "Quantity": quantity,
        "UnitPrice": unit_price,
        "Discount": 0.0,
        "VATCode": "2",
        "CostCenter": None,
        "CostUnit": None,
    }
    line.update(overrides)
    # The VAT Exact charges with the codes the base rules map: "2" → MP1 (25 %), "1" → MP2 (12 %).
    line.setdefault("VATPercentage", EXACT_VAT_RATES.get(str(line["VATCode"]), 0.25))
    return line


EXACT_VAT_RATES = {"2": 0.25, "1": 0.12}


def sales_order(
    number: int = 1042,
    account: dict[str, Any] | None = None,
    lines: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    order = {
        "OrderID": guid(f"order/{number}"),
        "OrderNumber": number,
        "OrderDate": "2024-05-01T00:00:00Z",
        "DeliveryDate": "2024-05-03T00:00:00Z",
        "OrderedBy": (account or {}).get("ID", guid("account/acme")),
        "InvoiceTo": None,
        "DeliverTo": None,
        "DeliveryAddress": None,
        "Currency": "EUR",
        "PaymentCondition": "30",
        "ShippingMethod": None,
        "ShippingMethodDescription": None,
        "Status": 12,
        "DeliveryStatus": 12,
        "InvoiceStatus": 12,
        "YourRef": f"PO-{number}",
        "Description": f"Webshop order {number}",
        "Discount": 0.0,
        "AmountDiscount": 0.0,
        "SalesOrderLines": lines if lines is not None else [order_line()],
    }
    for position, line in enumerate(order["SalesOrderLines"], start=1):
        line.setdefault("LineNumber", position)
    order.update(overrides)
    return with_exact_totals(order, "SalesOrderLines", "VATAmount")


def sales_invoice(
    number: int = 24001,
    account: dict[str, Any] | None = None,
    lines: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    invoice = {
        "InvoiceID": guid(f"invoice/{number}"),
        "InvoiceNumber": number,
        "InvoiceDate": "2024-06-10T00:00:00Z",
        "DueDate": "2024-07-10T00:00:00Z",
        "OrderedBy": (account or {}).get("ID", guid("account/acme")),
        "InvoiceTo": (account or {}).get("ID", guid("account/acme")),
        "Currency": "EUR",
        "PaymentCondition": "30",
        "Status": 50,
        "Type": 8020,
        "YourRef": f"INV-{number}",
        "Description": f"Invoice {number}",
        "SalesInvoiceLines": lines if lines is not None else [order_line()],
    }
    invoice.update(overrides)
    return with_exact_totals(invoice, "SalesInvoiceLines", "VATAmountFC")


def with_exact_totals(document: dict[str, Any], lines_field: str, vat_field: str) -> dict[str, Any]:
    """Fills the amounts Exact computes and a test did not set: each line's AmountFC (quantity x net price, 2
    decimals) and VAT, and the header's AmountFCExclVat (the sum of its lines: Exact pushes a header discount onto
    the lines), AmountFC and AmountDC (the division currency is EUR; other currencies at ``EXACT_RATES``)."""
    lines = document.get(lines_field)
    if not isinstance(lines, list):
        return document
    for line in lines:
        if not isinstance(line, dict):
            continue
        try:
            quantity, price = float(line.get("Quantity", 0)), float(line.get("UnitPrice") or 0)
            discount = float(line.get("Discount") or 0)
        except (TypeError, ValueError):
            continue  # a test about a malformed line: nothing to compute
        line.setdefault("AmountFC", money(quantity * price * (1 - discount)))
        line.setdefault(vat_field, money(line["AmountFC"] * float(line.get("VATPercentage") or 0)))
    numeric = [line for line in lines if isinstance(line, dict) and isinstance(line.get("AmountFC"), int | float)]
    net = money(sum(line["AmountFC"] for line in numeric))
    vat = money(sum(line[vat_field] for line in numeric if isinstance(line.get(vat_field), int | float)))
    document.setdefault("AmountFCExclVat", net)
    document.setdefault("AmountFC", money(document["AmountFCExclVat"] + vat))
    rate = EXACT_RATES.get(str(document.get("Currency")), 1.0)
    document.setdefault("AmountDC", money(document["AmountFC"] * rate))
    return document


# Units of EUR (the builders' Exact division currency) per unit of another currency.
EXACT_RATES = {"EUR": 1.0, "SEK": 0.0873, "USD": 0.92}


def transaction_line(entry: str, line_number: int, gl_code: str, amount_dc: float, **overrides: Any) -> dict[str, Any]:
    line = {
        "ID": guid(f"tl/{entry}/{line_number}"),
        "EntryID": guid(f"entry/{entry}"),
        "EntryNumber": int(entry) if entry.isdigit() else 24000001,
        "JournalCode": "70",
        "Date": "2024-05-31T00:00:00Z",
        "Description": "Sales invoice 24001",
        "GLAccountCode": gl_code,
        "AmountDC": amount_dc,
        "LineNumber": line_number,
        "Type": 20,
        "Status": 50,
        "VATCode": None,
        "CostCenter": None,
        "CostUnit": None,
    }
    line.update(overrides)
    return line


# ------------------------------------------------------------------------------------------ eAccounting reference


def ea_vat_codes() -> list[dict[str, Any]]:
    rows = [
        ("MP1", 25.0, 2611),  # SE standard
        ("MP2", 12.0, 2621),
        ("H21", 21.0, 1671),  # NL standard ("hoog")
        ("DE19", 19.0, 2611),  # OSS code for German consumers
        ("MP0EU", 0.0, None),  # EU reverse charge
        ("MP0EX", 0.0, None),  # export
    ]
    return [
        {"Id": guid(f"vat/{code}"), "Code": code, "VatRate": rate, "RelatedAccounts": {"AccountNumber1": account}}
        for code, rate, account in rows
    ]


def ea_customers(*entries: tuple[str, str | None, str | None, str | None]) -> list[dict[str, Any]]:
    """(label, customer number, e-mail, VAT number) → CustomerApi records."""
    return [
        {
            "Id": guid(f"ea-customer/{label}"),
            "CustomerNumber": number,
            "EmailAddress": email,
            "VatNumber": vat,
            "IsPrivatePerson": False,
            "IsActive": True,
        }
        for label, number, email, vat in entries
    ]


def ea_articles(
    *numbers: str, rate_by_number: dict[str, float] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    codings = [
        {"Id": guid("coding/25"), "VatRatePercent": 25.0},
        {"Id": guid("coding/21"), "VatRatePercent": 21.0},
        {"Id": guid("coding/12"), "VatRatePercent": 12.0},
    ]
    rates = rate_by_number or {}
    articles = [
        {
            "Id": guid(f"article/{n}"),
            "Number": n,
            "Name": f"Article {n}",
            "IsActive": True,
            "CodingId": guid(f"coding/{int(rates[n])}") if n in rates else None,
        }
        for n in numbers
    ]
    return articles, codings


def ea_terms() -> list[dict[str, Any]]:
    return [
        {
            "Id": guid("terms/30"),
            "Name": "30 dagar netto",
            "NameEnglish": "30 days net",
            "NumberOfDays": 30,
            "AvailableForSales": True,
        },
        {
            "Id": guid("terms/14"),
            "Name": "14 dagar netto",
            "NameEnglish": "14 days net",
            "NumberOfDays": 14,
            "AvailableForSales": True,
        },
        {
            "Id": guid("terms/cash"),
            "Name": "Kontant",
            "NameEnglish": "Cash",
            "NumberOfDays": 0,
            "AvailableForSales": True,
        },
    ]


def ea_delivery_methods() -> list[dict[str, Any]]:
    return [
        {"Id": guid("dm/postnord"), "Name": "PostNord", "Code": "PN"},
        {"Id": guid("dm/dhl"), "Name": "DHL Parcel", "Code": "DHL"},
    ]


def ea_cost_centers() -> list[dict[str, Any]]:
    return [
        {
            "Id": guid("cc/1"),
            "Number": 1,
            "Name": "Afdeling",
            "Items": [
                {"Id": guid("cci/1/SALES"), "ShortName": "SALES", "Name": "Sales", "IsActive": True},
                {"Id": guid("cci/1/OLD"), "ShortName": "OLD", "Name": "Closed", "IsActive": False},
            ],
        },
        {
            "Id": guid("cc/2"),
            "Number": 2,
            "Name": "Project",
            "Items": [{"Id": guid("cci/2/P100"), "ShortName": "P100", "Name": "Project 100", "IsActive": True}],
        },
    ]


DEFAULT_ARTICLES = ("BIKE-01", "HELMET-02", "LOCK-03", "FRAKT", "RABATT", "9999")


def lookups(
    *,
    accounts: list[dict[str, Any]] = (),
    contacts: list[dict[str, Any]] = (),
    addresses: list[dict[str, Any]] = (),
    customers: list[dict[str, Any]] = (),
    articles: tuple[str, ...] = DEFAULT_ARTICLES,
    article_rates: dict[str, float] | None = None,
    existing: dict[str, dict[str, str]] | None = None,
    company_currency: str = "EUR",
) -> EAccountingLookups:
    article_records, codings = ea_articles(*articles, rate_by_number=article_rates)
    return EAccountingLookups(
        customers=CustomerIndex.from_records(customers),
        articles=ArticleIndex.from_records(article_records, codings),
        vat_codes=VatCodeIndex.from_records(ea_vat_codes()),
        terms_of_payment=TermsOfPaymentIndex.from_records(ea_terms()),
        delivery_methods=DeliveryMethodIndex.from_records(ea_delivery_methods()),
        cost_center_items=CostCenterItemIndex.from_records(ea_cost_centers()),
        existing=existing_references(existing or {}),
        parties=ExactParties.from_records(accounts, contacts, addresses),
        company_currency=company_currency,
    )


def rules_dict(**sections: Any) -> dict[str, Any]:
    """A working SE-company config; tests override the sections they are about."""
    base: dict[str, Any] = {
        "vat": {
            "mode": "by_code",
            "home_country": "SE",
            "code_map": [
                {"exact_code": "2", "eaccounting_code": "MP1"},
                {"exact_code": "1", "eaccounting_code": "MP2"},
            ],
        },
        "payment_terms": {"map": [{"exact_code": "30", "eaccounting_terms": "30 dagar netto"}]},
    }
    for name, value in sections.items():
        base[name] = value
    return base


def existing_references(by_collection: dict[str, dict[str, str]]) -> ExistingReferences:
    existing = ExistingReferences()
    for collection, ids in by_collection.items():
        for reference, target_id in ids.items():
            existing.add(collection, reference, target_id)
    return existing
