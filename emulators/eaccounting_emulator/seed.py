"""Deterministic, realistic data for one Swedish company selling to companies and consumers in SE, NO, NL, BE and DE.

Reference data (VAT codes incl. reverse charge and export, account codings, chart of accounts, terms, delivery methods
and terms, units, countries, currencies, fiscal years, cost centres) is always present; business data (customers,
articles, orders in every status, invoice drafts, invoices, vouchers, projects) is skipped with ``--empty``.

Business records go through the same rules as API writes, with "now" pinned to a point in a ~13-month history, so
totals, VAT, stock reservations and ChangedUtc/ModifiedUtc are as consistent as if a user had typed them in.
Faker only fills small per-locale pools; combining pool entries keeps ``--scale 1000`` seeding in seconds.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from faker import Faker
from stdnum import ean, luhn
from stdnum.iso7064 import mod_11_10
from stdnum.nl import vat as nl_vat
from stdnum.no import orgnr as no_orgnr

from eaccounting_emulator.models.backend import Backend
from eaccounting_emulator.models.rules.sales import INVOICED, SHIPPED
from eaccounting_emulator.schemas import format_date, shaped

# Business volumes at --scale 1 (about 130 records; --scale 800 gives 100k+).
VOLUMES = {"customers": 40, "articles": 25, "orders": 30, "drafts": 5, "invoices": 10, "vouchers": 15, "projects": 3}
HISTORY_DAYS = 400
POOL_SIZE = 150

COUNTRIES = [
    ("SE", "Sverige", "Sweden", True),
    ("NO", "Norge", "Norway", False),
    ("DK", "Danmark", "Denmark", True),
    ("FI", "Finland", "Finland", True),
    ("NL", "Nederländerna", "Netherlands", True),
    ("BE", "Belgien", "Belgium", True),
    ("DE", "Tyskland", "Germany", True),
    ("FR", "Frankrike", "France", True),
    ("ES", "Spanien", "Spain", True),
    ("IT", "Italien", "Italy", True),
    ("PL", "Polen", "Poland", True),
    ("AT", "Österrike", "Austria", True),
    ("IE", "Irland", "Ireland", True),
    ("LU", "Luxemburg", "Luxembourg", True),
    ("EE", "Estland", "Estonia", True),
    ("GB", "Storbritannien", "United Kingdom", False),
    ("CH", "Schweiz", "Switzerland", False),
    ("IS", "Island", "Iceland", False),
    ("US", "USA", "United States", False),
    ("CN", "Kina", "China", False),
]
CURRENCIES = ["SEK", "EUR", "NOK", "DKK", "USD", "GBP"]
UNITS = [
    ("Styck", "STY", "st", "pcs"),
    ("Timme", "TIM", "h", "h"),
    ("Kilogram", "KGM", "kg", "kg"),
    ("Meter", "MTR", "m", "m"),
    ("Liter", "LTR", "l", "l"),
    ("Paket", "PKT", "pkt", "pkg"),
    ("Dag", "DAG", "dag", "day"),
]
# (Code, Description, rate in percent, related accounts)
VAT_CODES = [
    ("10", "Utgående moms 25 %", 25.0, (2611, 3001, None)),
    ("11", "Utgående moms 12 %", 12.0, (2621, 3002, None)),
    ("12", "Utgående moms 6 %", 6.0, (2631, 3003, None)),
    ("39", "Försäljning av varor till annat EU-land, omvänd skattskyldighet", 0.0, (3108, None, None)),
    ("40", "Försäljning av tjänster till annat EU-land, omvänd skattskyldighet", 0.0, (3308, None, None)),
    ("36", "Export av varor utanför EU", 0.0, (3105, None, None)),
    ("41", "Byggtjänster, omvänd skattskyldighet (köparen redovisar moms)", 0.0, (3231, None, None)),
    ("20", "Inköp av varor från annat EU-land, omvänd skattskyldighet 25 %", 25.0, (4515, 2614, 2645)),
    ("48", "Ingående moms", 25.0, (2641, None, None)),
    ("00", "Momsfri försäljning", 0.0, (3004, None, None)),
]
# (Name, NameEnglish, Type, VatRate code, fraction, domestic sales account)
CODINGS = [
    ("Varor 25 %", "Goods 25 %", "Goods", "25", 0.25, 3001),
    ("Varor 12 %", "Goods 12 %", "Goods", "12", 0.12, 3002),
    ("Varor 6 %", "Goods 6 %", "Goods", "6", 0.06, 3003),
    ("Tjänster 25 %", "Services 25 %", "Service", "25", 0.25, 3041),
    ("Varor momsfri", "Goods VAT exempt", "Goods", "0", 0.0, 3004),
]
# (Name, NameEnglish, days, type id, type text)
TERMS = [
    ("30 dagar netto", "30 days net", 30, 0, "Normal"),
    ("10 dagar netto", "10 days net", 10, 0, "Normal"),
    ("20 dagar netto", "20 days net", 20, 0, "Normal"),
    ("Löpande månad + 30", "Current month + 30", 30, 1, "CurrentMonth"),
    ("Kontant", "Cash", 0, 2, "Cash"),
    ("Kortbetalning", "Card payment", 0, 3, "CardPayment"),
]
DELIVERY_METHODS = [
    ("PostNord", "PostNord", "PN"),
    ("DHL Express", "DHL Express", "DHL"),
    ("DB Schenker", "DB Schenker", "DBS"),
    ("Bring", "Bring", "BRING"),
    ("Budbee", "Budbee", "BUDBEE"),
    ("Hämtas av kund", "Collected by customer", "PICKUP"),
]
DELIVERY_TERMS = [
    ("Fritt kund", "Delivered at place", "DAP"),
    ("Fritt vårt lager", "Free carrier", "FCA"),
    ("Ab fabrik", "Ex works", "EXW"),
    ("Levererat förtullat", "Delivered duty paid", "DDP"),
]
ACCOUNTS = [
    ("1210", "Maskiner och andra tekniska anläggningar", None),
    ("1460", "Lager av handelsvaror", None),
    ("1510", "Kundfordringar", None),
    ("1630", "Avräkning för skatter och avgifter (skattekonto)", None),
    ("1910", "Kassa", None),
    ("1930", "Företagskonto", None),
    ("2081", "Aktiekapital", None),
    ("2099", "Årets resultat", None),
    ("2440", "Leverantörsskulder", None),
    ("2611", "Utgående moms på försäljning inom Sverige, 25 %", "10"),
    ("2614", "Utgående moms omvänd skattskyldighet, 25 %", "20"),
    ("2621", "Utgående moms på försäljning inom Sverige, 12 %", "11"),
    ("2631", "Utgående moms på försäljning inom Sverige, 6 %", "12"),
    ("2641", "Debiterad ingående moms", "48"),
    ("2645", "Beräknad ingående moms på förvärv från utlandet", "20"),
    ("2650", "Redovisningskonto för moms", None),
    ("2710", "Personalskatt", None),
    ("2731", "Avräkning lagstadgade sociala avgifter", None),
    ("3001", "Försäljning inom Sverige, 25 % moms", "10"),
    ("3002", "Försäljning inom Sverige, 12 % moms", "11"),
    ("3003", "Försäljning inom Sverige, 6 % moms", "12"),
    ("3004", "Försäljning inom Sverige, momsfri", "00"),
    ("3041", "Försäljning tjänster inom Sverige, 25 % moms", "10"),
    ("3105", "Försäljning varor till land utanför EU", "36"),
    ("3108", "Försäljning varor till annat EU-land, momsfri", "39"),
    ("3231", "Försäljning inom byggsektorn, omvänd skattskyldighet", "41"),
    ("3308", "Försäljning tjänster till land inom EU", "40"),
    ("3740", "Öres- och kronutjämning", None),
    ("4010", "Inköp material och varor", "48"),
    ("4515", "Inköp av varor från annat EU-land, 25 %", "20"),
    ("5010", "Lokalhyra", "48"),
    ("5410", "Förbrukningsinventarier", "48"),
    ("5611", "Drivmedel för personbilar", "48"),
    ("6071", "Representation, avdragsgill", "48"),
    ("6212", "Mobiltelefon", "48"),
    ("6570", "Bankkostnader", None),
    ("7010", "Löner till kollektivanställda", None),
    ("7510", "Arbetsgivaravgifter", None),
    ("8310", "Ränteintäkter från omsättningstillgångar", None),
    ("8410", "Räntekostnader för skulder till kreditinstitut", None),
]
COST_CENTERS = [
    ("Avdelning", [("Försäljning", "SALJ"), ("Lager", "LAGER"), ("Administration", "ADM")]),
    ("Region", [("Norden", "NORDEN"), ("Benelux", "BENELUX"), ("DACH", "DACH")]),
    ("Kanal", [("Webbshop", "WEBB"), ("Återförsäljare", "ATERF"), ("Butik", "BUTIK")]),
]
# (catalogue noun, coding index, unit index, stock?, price range)
PRODUCTS = [
    ("Termos", 0, 0, True, (149, 449)),
    ("Ryggsäck", 0, 0, True, (399, 1899)),
    ("Pannlampa", 0, 0, True, (199, 899)),
    ("Sovsäck", 0, 0, True, (699, 3499)),
    ("Tält", 0, 0, True, (1499, 7999)),
    ("Regnjacka", 0, 0, True, (599, 2999)),
    ("Ullstrumpor", 0, 0, True, (99, 249)),
    ("Stormkök", 0, 0, True, (499, 1999)),
    ("Vandringsstavar", 0, 0, True, (299, 1299)),
    ("Kaffe", 1, 5, True, (59, 189)),
    ("Choklad", 1, 0, True, (29, 89)),
    ("Frystorkad måltid", 1, 5, True, (69, 129)),
    ("Guidebok", 2, 0, True, (149, 349)),
    ("Karta", 2, 0, True, (99, 199)),
    ("Montering", 3, 1, False, (450, 950)),
    ("Service av utrustning", 3, 1, False, (350, 750)),
]
ADJECTIVES = ["Fjäll", "Skog", "Kust", "Ultralätt", "Expedition", "Vinter", "Sommar", "Klassisk", "Pro", "Junior"]
LOCALES = {"SE": "sv_SE", "NO": "no_NO", "NL": "nl_NL", "BE": "nl_BE", "DE": "de_DE"}
COUNTRY_WEIGHTS = [("SE", 45), ("NO", 15), ("NL", 15), ("BE", 10), ("DE", 15)]
CURRENCY_OF = {"SE": "SEK", "NO": "NOK", "NL": "EUR", "BE": "EUR", "DE": "EUR"}
LANGUAGE_OF = {"SE": "sv", "NO": "nb", "NL": "nl", "BE": "nl", "DE": "de"}
DISCOUNTS = [0.0, 0.0, 0.0, 0.05, 0.1, 0.15, 0.2, 0.25]


def seed(backend: Backend, *, seed: int, scale: int = 1, empty: bool = False) -> None:
    rng = random.Random(seed)
    backend.ids = random.Random(seed)
    anchor = datetime.combine(backend.clock.now().date(), datetime.min.time(), tzinfo=UTC)
    with backend.lock:
        backend.pinned = anchor - timedelta(days=HISTORY_DAYS + 1)
        references = _reference_data(backend, anchor.date())
        if not empty:
            _business_data(backend, rng, scale, anchor, references)
        backend.pinned = None
        backend.rebuild_indexes()
        backend.sales.reindex()
        backend.accounting.reindex()


def _put(backend: Backend, path: str, record: dict[str, Any]) -> dict[str, Any]:
    backend.collection(path).records[backend.key_of(path, record)] = record
    return record


def _reference_data(backend: Backend, today: date) -> dict[str, list[dict[str, Any]]]:
    refs: dict[str, list[dict[str, Any]]] = {}
    for code, name, english, eu in COUNTRIES:
        _put(
            backend,
            "countries",
            shaped("CountryApi", {"Code": code, "Name": name, "NameEnglish": english, "IsEuMember": eu}),
        )
    for code in CURRENCIES:
        _put(backend, "currencies", {"Code": code})
    refs["units"] = [
        _put(
            backend,
            "units",
            shaped(
                "UnitApi", {"Id": backend.new_id(), "Name": n, "Code": c, "Abbreviation": a, "AbbreviationEnglish": e}
            ),
        )
        for n, c, a, e in UNITS
    ]
    refs["vatcodes"] = [
        _put(
            backend,
            "vatcodes",
            shaped(
                "VatCodeApi",
                {
                    "Id": backend.new_id(),
                    "Code": code,
                    "Description": description,
                    "VatRate": rate,
                    "OssCodeType": 0,
                    "RelatedAccounts": {"AccountNumber1": a1, "AccountNumber2": a2, "AccountNumber3": a3},
                },
            ),
        )
        for code, description, rate, (a1, a2, a3) in VAT_CODES
    ]
    stamp = backend.stamp()
    refs["codings"] = [
        _put(
            backend,
            "articleaccountcodings",
            shaped(
                "ArticleAccountCodingApi",
                {
                    "Id": backend.new_id(),
                    "Name": name,
                    "NameEnglish": english,
                    "Type": kind,
                    "VatRate": code,
                    "VatRatePercent": fraction,
                    "IsActive": True,
                    "DomesticSalesSubjectToVatAccountNumber": account,
                    "DomesticSalesSubjectToReversedConstructionVatAccountNumber": 3231,
                    "DomesticSalesVatExemptAccountNumber": 3004,
                    "ForeignSalesSubjectToThirdPartySalesAccountNumber": 3108,
                    "ForeignSalesSubjectToVatWithinEuAccountNumber": account,
                    "ForeignSalesVatExemptOutsideEuAccountNumber": 3105,
                    "ForeignSalesVatExemptWithinEuAccountNumber": 3308 if kind == "Service" else 3108,
                    "ChangedUtc": stamp,
                },
            ),
        )
        for name, english, kind, code, fraction, account in CODINGS
    ]
    refs["terms"] = [
        _put(
            backend,
            "termsofpayments",
            shaped(
                "TermsOfPaymentApi",
                {
                    "Id": backend.new_id(),
                    "Name": name,
                    "NameEnglish": english,
                    "NumberOfDays": days,
                    "TermsOfPaymentTypeId": type_id,
                    "TermsOfPaymentTypeText": type_text,
                    "AvailableForSales": True,
                    "AvailableForPurchase": type_id in (0, 1),
                },
            ),
        )
        for name, english, days, type_id, type_text in TERMS
    ]
    refs["deliverymethods"] = [
        _put(
            backend,
            "deliverymethods",
            shaped("DeliveryMethodApi", {"Id": backend.new_id(), "Name": n, "NameEnglish": e, "Code": c}),
        )
        for n, e, c in DELIVERY_METHODS
    ]
    refs["deliveryterms"] = [
        _put(
            backend,
            "deliveryterms",
            shaped(
                "DeliveryTermApi", {"Id": backend.new_id(), "Name": n, "NameEnglish": e, "Code": c, "Editable": True}
            ),
        )
        for n, e, c in DELIVERY_TERMS
    ]
    vat_ids = {record["Code"]: record for record in refs["vatcodes"]}
    refs["fiscalyears"] = []
    for year in range(today.year - 3, today.year + 2):
        fiscal_year = _put(
            backend,
            "fiscalyears",
            shaped(
                "FiscalYearApi",
                {
                    "Id": backend.new_id(),
                    "StartDate": format_date(date(year, 1, 1)),
                    "EndDate": format_date(date(year, 12, 31)),
                    "IsLockedForAccounting": year == today.year - 3,
                    "BookkeepingMethod": 0,
                },
            ),
        )
        refs["fiscalyears"].append(fiscal_year)
        for number, name, vat_code in ACCOUNTS:
            vat = vat_ids.get(vat_code) if vat_code else None
            _put(
                backend,
                "accounts",
                shaped(
                    "AccountApi",
                    {
                        "Name": name,
                        "Number": number,
                        "FiscalYearId": fiscal_year["Id"],
                        "VatCodeId": vat["Id"] if vat else None,
                        "VatCodeDescription": vat["Description"] if vat else None,
                        "IsActive": True,
                        "AllowTransactionText": True,
                        "IsProjectAllowed": number[0] in "3456",
                        "IsCostCenterAllowed": number[0] in "3456",
                        "CreatedUtc": stamp,
                        "ModifiedUtc": stamp,
                    },
                ),
            )
    refs["costcenteritems"] = []
    for number, (name, items) in enumerate(COST_CENTERS, start=1):
        center_id = backend.new_id()
        center_items = [
            shaped(
                "CostCenterItemApi",
                {
                    "CostCenterId": center_id,
                    "Id": backend.new_id(),
                    "Name": n,
                    "ShortName": s,
                    "IsActive": True,
                    "CreatedUtc": stamp,
                },
            )
            for n, s in items
        ]
        for item in center_items:
            _put(backend, "costcenteritems", item)
        refs["costcenteritems"].append(center_items)
        _put(
            backend,
            "costcenters",
            shaped(
                "CostCenterApi",
                {"Id": center_id, "Name": name, "Number": number, "IsActive": True, "Items": center_items},
            ),
        )
    company_orgnr = "5565871234"
    company_orgnr = company_orgnr[:9] + luhn.calc_check_digit(company_orgnr[:9])
    backend.company = shaped(
        "CompanySettingsApi",
        {
            "Name": "Nordljus Friluft AB",
            "Email": "ekonomi@nordljus.example",
            "Phone": "08-123 456 70",
            "Address1": "Sveavägen 44",
            "CountryCode": "SE",
            "PostalCode": "111 34",
            "City": "Stockholm",
            "Website": "https://nordljus.example",
            "OurReference": "Karin Lund",
            "CurrencyCode": "SEK",
            "TermsOfPaymentId": refs["terms"][0]["Id"],
            "CorporateIdentityNumber": f"{company_orgnr[:6]}-{company_orgnr[6:]}",
            "VatCode": f"SE{company_orgnr}01",
            "BankGiro": "5050-1055",
            "Iban": "SE4550000000058398257466",
            "AccountNumberDigits": 4,
            "AccountingLockInterval": 1,
            "ProductVariant": 1,
            "TypeOfBusiness": 1,
            "VatPeriod": 3,
            "ActivatedModules": ["api_standard", "sales_standard", "stock"],
            "NextCustomerNumber": 1001,
            "NextSupplierNumber": 1,
            "NextCustomerInvoiceNumber": 1,
            "NextQuoteNumber": 1,
            "NextOrderNumber": 1,
            "NextArticleNumber": 1,
            "UsesCostCenter": True,
            "UsesProject": True,
            "UsesPaymentReferenceNumber": True,
            "CompanyStatus": 1,
            "CompanyIdentifier": backend.new_id(),
            "DomesticCurrencyRounding": 1,
        },
    )
    return refs


class _People:
    """Per-country pools of names and addresses drawn once from Faker."""

    def __init__(self, seed: int) -> None:
        self.pools: dict[str, dict[str, list[Any]]] = {}
        for country, locale in LOCALES.items():
            fake = Faker(locale)
            fake.seed_instance(seed)
            self.pools[country] = {
                "companies": [fake.company()[:50] for _ in range(POOL_SIZE)],
                "first": [fake.first_name() for _ in range(POOL_SIZE)],
                "last": [fake.last_name() for _ in range(POOL_SIZE)],
                "streets": [fake.street_address()[:50] for _ in range(POOL_SIZE)],
                "places": [(fake.postcode()[:10], fake.city()[:50]) for _ in range(POOL_SIZE)],
                "phones": [fake.phone_number()[:50] for _ in range(POOL_SIZE)],
            }


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _with_check_digit(draw, suffix: str, is_valid) -> str:
    """Appends the check digit that ``is_valid`` accepts (python-stdnum has no calculator for every scheme)."""
    while True:
        base = draw()
        for digit in "0123456789":
            if is_valid(base + digit + suffix):
                return base + digit + suffix


def company_numbers(country: str, rng: random.Random) -> tuple[str, str]:
    """A (corporate identity number, VAT number) pair with valid check digits for ``country``."""
    if country == "SE":
        base = "55" + _digits(rng, 7)
        orgnr = base + luhn.calc_check_digit(base)
        return f"{orgnr[:6]}-{orgnr[6:]}", f"SE{orgnr}01"
    if country == "NO":
        orgnr = _with_check_digit(lambda: rng.choice("89") + _digits(rng, 7), "", no_orgnr.is_valid)
        return orgnr, f"NO{orgnr}MVA"
    if country == "NL":
        vat = _with_check_digit(lambda: "NL" + rng.choice("123456789") + _digits(rng, 7), "B01", nl_vat.is_valid)
        return _digits(rng, 8), vat
    if country == "BE":
        base = rng.choice("01") + rng.choice("123456789") + _digits(rng, 6)
        number = f"{base}{97 - int(base) % 97:02d}"
        return f"{number[:4]}.{number[4:7]}.{number[7:]}", f"BE{number}"
    base = rng.choice("123456789") + _digits(rng, 7)
    return f"HRB {_digits(rng, 5)}", f"DE{base}{mod_11_10.calc_check_digit(base)}"


def person_number(country: str, rng: random.Random, born: date) -> str | None:
    """A Swedish personal identity number (Luhn); other countries' private customers carry none."""
    if country != "SE":
        return None
    base = born.strftime("%y%m%d") + _digits(rng, 3)
    return f"{base[:6]}-{base[6:]}{luhn.calc_check_digit(base)}"


def ean13(rng: random.Random) -> str:
    base = "73" + _digits(rng, 10)
    return base + ean.calc_check_digit(base)


def _business_data(
    backend: Backend, rng: random.Random, scale: int, anchor: datetime, refs: dict[str, list[dict[str, Any]]]
) -> None:
    counts = {name: count * max(1, scale) for name, count in VOLUMES.items()}
    total = sum(counts.values())
    step = timedelta(days=HISTORY_DAYS) / (total + 1)
    moment = [anchor - timedelta(days=HISTORY_DAYS)]

    def tick() -> None:
        moment[0] += step
        backend.pinned = moment[0]

    people = _People(rng.randrange(1 << 30))
    countries = [code for code, weight in COUNTRY_WEIGHTS for _ in range(weight)]
    articles = _articles(backend, rng, counts["articles"], refs, tick)
    shipping = articles[0]
    stock_articles = [article for article in articles[1:] if article["IsStock"]]
    customers = []
    plan = (
        ["customers"] * counts["customers"]
        + ["orders"] * counts["orders"]
        + ["drafts"] * counts["drafts"]
        + ["invoices"] * counts["invoices"]
        + ["vouchers"] * counts["vouchers"]
        + ["projects"] * counts["projects"]
    )
    # Customers first (documents need some), then everything interleaved like a real company's history.
    first, rest = plan[: max(5, counts["customers"] // 4)], plan[max(5, counts["customers"] // 4) :]
    rng.shuffle(rest)
    for kind in first + rest:
        tick()
        if kind == "customers" or not customers:
            customers.append(_customer(backend, rng, people, rng.choice(countries), refs))
        elif kind == "orders":
            _order(backend, rng, rng.choice(customers), stock_articles, shipping, refs)
        elif kind == "drafts":
            _draft(backend, rng, rng.choice(customers), stock_articles)
        elif kind == "invoices":
            backend.create("customerinvoices", _document_rows(rng, rng.choice(customers), articles[1:], invoice=True))
        elif kind == "vouchers":
            _voucher(backend, rng)
        else:
            _project(backend, rng, customers)


def _articles(backend, rng, count, refs, tick) -> list[dict[str, Any]]:
    units = refs["units"]
    codings = refs["codings"]
    created = []
    freight = {
        "Number": "FRAKT",
        "Name": "Frakt",
        "NameEnglish": "Shipping",
        "CodingId": codings[3]["Id"],
        "UnitId": units[0]["Id"],
        "IsActive": True,
        "NetPrice": 79.0,
        "IsStock": False,
    }
    tick()
    created.append(backend.create("articles", freight))
    for index in range(1, count):
        tick()
        noun, coding, unit, stock, (low, high) = PRODUCTS[index % len(PRODUCTS)]
        adjective = ADJECTIVES[(index // len(PRODUCTS)) % len(ADJECTIVES)]
        net = float(rng.randrange(low, high))
        purchase = round(net * rng.uniform(0.35, 0.6), 2)
        values = {
            "Number": f"{10000 + index}",
            "Name": f"{adjective} {noun.lower()} {index // (len(PRODUCTS) * len(ADJECTIVES)) + 1}"[:50],
            "NameEnglish": None,
            "CodingId": codings[coding]["Id"],
            "UnitId": units[unit]["Id"],
            "IsActive": rng.random() > 0.05,
            "NetPrice": net,
            "PurchasePrice": purchase,
            "IsStock": stock,
            "StockBalance": float(rng.randrange(200, 2500)) if stock else 0.0,
            "StockLocationReference": f"{rng.choice('ABCDEF')}-{rng.randrange(1, 40):02d}-{rng.randrange(1, 6)}"
            if stock
            else None,
            "OrderingPoint": float(rng.randrange(10, 100)) if stock else None,
            "Barcodes": [{"Barcode": ean13(rng), "BarcodeType": 0}] if stock else [],
            "SendToWebshop": stock,
        }
        created.append(backend.create("articles", values))
    return created


def _customer(backend, rng, people, country, refs) -> dict[str, Any]:
    pool = people.pools[country]
    private = rng.random() < 0.3
    postcode, city = rng.choice(pool["places"])
    first, last = rng.choice(pool["first"]), rng.choice(pool["last"])
    if private:
        name = f"{first} {last}"[:50]
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 50 * 365))
        identity, vat = person_number(country, rng, born), None
        email = f"{first}.{last}@example.{country.lower()}".lower().replace(" ", "")
    else:
        name = rng.choice(pool["companies"])
        identity, vat = company_numbers(country, rng)
        email = f"faktura@{''.join(c for c in name.lower() if c.isalnum())[:20]}.example"
    values = {
        "Name": name,
        "IsPrivatePerson": private,
        "IsActive": rng.random() > 0.03,
        "InvoiceAddress1": rng.choice(pool["streets"]),
        "InvoicePostalCode": postcode,
        "InvoiceCity": city,
        "InvoiceCountryCode": country,
        "CurrencyCode": CURRENCY_OF[country],
        "TermsOfPaymentId": rng.choice(refs["terms"][:4] if not private else refs["terms"][4:])["Id"],
        "CorporateIdentityNumber": identity,
        "VatNumber": vat,
        "EmailAddress": email[:255],
        "Telephone": rng.choice(pool["phones"]),
        "ContactPersonName": None if private else f"{first} {last}"[:100],
        "SalesDocumentLanguage": LANGUAGE_OF[country],
        "DeliveryMethodId": rng.choice(refs["deliverymethods"])["Id"],
        "DiscountPercentage": rng.choice([0.0, 0.0, 0.0, 0.05, 0.1]) if not private else 0.0,
        "ReverseChargeOnConstructionServices": False,
    }
    return backend.create("customers", values)


def _document_rows(rng, customer, articles, *, invoice: bool = False) -> dict[str, Any]:
    rows = []
    for _ in range(rng.randrange(1, 5)):
        article = rng.choice(articles)
        row = {
            "ArticleId": article["Id"],
            "Quantity": float(rng.randrange(1, 12)),
            "DiscountPercentage": rng.choice(DISCOUNTS),
        }
        if not invoice:
            row.update(IsTextRow=False, ReversedConstructionServicesVatFree=False)
        rows.append(row)
    return {"CustomerId": customer["Id"], "EuThirdParty": False, "RotReducedInvoicingType": 0, "Rows": rows}


def _order(backend, rng, customer, articles, shipping, refs) -> None:
    method = rng.choice(refs["deliverymethods"])
    term = rng.choice(refs["deliveryterms"])
    rows = []
    for line in range(rng.randrange(1, 5)):
        article = rng.choice(articles)
        rows.append(
            {
                "LineNumber": line,
                "ArticleId": article["Id"],
                "Quantity": float(rng.randrange(1, 8)),
                "DiscountPercentage": rng.choice(DISCOUNTS),
                "IsTextRow": False,
                "IsWorkCost": False,
                "EligibleForReverseChargeOnVat": False,
                "CostCenterItemId1": rng.choice(refs["costcenteritems"][0])["Id"] if rng.random() < 0.3 else None,
            }
        )
    rows.append(
        {
            "LineNumber": len(rows),
            "ArticleId": shipping["Id"],
            "Quantity": 1.0,
            "UnitPrice": rng.choice([0.0, 49.0, 79.0, 129.0]),
            "IsTextRow": False,
            "IsWorkCost": False,
            "EligibleForReverseChargeOnVat": False,
        }
    )
    status = rng.choices([1, 2, 3, INVOICED], weights=[10, 35, 25, 30])[0]
    if status >= SHIPPED:
        rows.append(
            {
                "LineNumber": len(rows),
                "IsTextRow": True,
                "Text": f"Spårningsnummer: {method['Code']}{rng.randrange(10**11, 10**12)}SE",
                "IsWorkCost": False,
                "EligibleForReverseChargeOnVat": False,
            }
        )
    values = {
        "CustomerId": customer["Id"],
        "CurrencyCode": customer["CurrencyCode"],
        "Status": min(status, SHIPPED),
        "EuThirdParty": False,
        "RotReducedInvoicingType": 0,
        "ReverseChargeOnConstructionServices": False,
        "YourReference": f"Webbshop #{rng.randrange(100000, 999999)}",
        "OurReference": "Karin Lund",
        "DeliveryMethodName": method["Name"],
        "DeliveryMethodCode": method["Code"],
        "DeliveryTermName": term["Name"],
        "DeliveryTermCode": term["Code"],
        "Rows": rows,
    }
    order = backend.create("orders", values)
    if status == INVOICED:
        backend.sales.convert_order(order["Id"], {})


def _draft(backend, rng, customer, articles) -> None:
    backend.create("customerinvoicedrafts", _document_rows(rng, customer, articles))


MANUAL_VOUCHERS = [
    ("Lokalhyra", [("5010", "debit", 1.0), ("2641", "debit", 0.25), ("1930", "credit", 1.25)], (8000, 25000)),
    ("Inköp handelsvaror", [("4010", "debit", 1.0), ("2641", "debit", 0.25), ("2440", "credit", 1.25)], (5000, 90000)),
    ("Bankavgift", [("6570", "debit", 1.0), ("1930", "credit", 1.0)], (50, 400)),
    (
        "Inköp varor från EU",
        [("4515", "debit", 1.0), ("2645", "debit", 0.25), ("2614", "credit", 0.25), ("2440", "credit", 1.0)],
        (4000, 40000),
    ),
    (
        "Löner",
        [
            ("7010", "debit", 1.0),
            ("7510", "debit", 0.3142),
            ("2710", "credit", 0.3),
            ("2731", "credit", 0.3142),
            ("1930", "credit", 0.7),
        ],
        (30000, 120000),
    ),
]


def _voucher(backend, rng) -> None:
    text, legs, (low, high) = rng.choice(MANUAL_VOUCHERS)
    base = float(rng.randrange(low, high))
    rows = []
    for account, side, factor in legs:
        amount = round(base * factor, 2)
        rows.append({"AccountNumber": int(account), "DebitAmount" if side == "debit" else "CreditAmount": amount})
    debit = round(sum(r.get("DebitAmount", 0.0) for r in rows), 2)
    credit = round(sum(r.get("CreditAmount", 0.0) for r in rows), 2)
    last = rows[-1]
    last["CreditAmount"] = round(last["CreditAmount"] + debit - credit, 2)
    values = {"VoucherText": text, "VoucherDate": format_date(backend.today()), "Rows": rows}
    record = backend.accounting.build_voucher(values, None)
    backend.store("vouchers", record)


def _project(backend, rng, customers) -> None:
    number = str(len(backend.collection("projects")) + 1)
    customer = rng.choice(customers)
    backend.create(
        "projects",
        {
            "Number": number,
            "Name": f"Utrustning {customer['Name']}"[:200],
            "CustomerId": customer["Id"],
            "Status": rng.choice([1, 1, 2]),
            "StartDate": format_date(backend.today()),
        },
    )
