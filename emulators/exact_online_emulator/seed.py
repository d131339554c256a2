"""Deterministic, realistic seed data: a Dutch trading company selling to companies and private persons in NL, BE,
DE, SE and NO (valid VAT numbers and EAN-13 barcodes by their official check digits), with VAT codes including reverse
charge and export, items with stock, sales orders with discounts and shipping methods, deliveries, invoices and the
financial transaction lines they produced.

Built as plain dicts loaded in one go per table, so ``--scale 300`` (about 110,000 records) seeds in seconds.
Names come from a small Faker pool per locale drawn once; at scale the pool is recombined instead of asking Faker again.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

import pycountry
from faker import Faker
from stdnum import ean, luhn
from stdnum.be import vat as be_vat
from stdnum.de import vat as de_vat
from stdnum.iso7064 import mod_11_10
from stdnum.nl import vat as nl_vat
from stdnum.no import mva as no_mva
from stdnum.se import vat as se_vat

from exact_online_emulator.edm import wire_date_from_epoch
from exact_online_emulator.entities import ENTITY_BY_PATH
from exact_online_emulator.models import money
from exact_online_emulator.models.backend import Backend, User
from exact_online_emulator.models.division import Division
from exact_online_emulator.models.rules.crm import account_code
from exact_online_emulator.models.rules.lookups import stock_position_fields

COUNTRIES = ("NL", "BE", "DE", "SE", "NO")
LOCALES = {"NL": "nl_NL", "BE": "nl_BE", "DE": "de_DE", "SE": "sv_SE", "NO": "no_NO"}
LANGUAGES = {"NL": "NL", "BE": "NL", "DE": "DE", "SE": "SV", "NO": "NO"}
PO_BOX = {"NL": "Postbus", "BE": "Postbus", "DE": "Postfach", "SE": "Box", "NO": "Postboks"}
VISIT, INVOICE, DELIVERY = 1, 3, 4
CURRENCY = "EUR"
ITEM_GROUPS = (("000", "Standard"), ("100", "Koffie"), ("200", "Thee"), ("300", "Accessoires"))
DAY = 86400.0

# (Code, Description, Percentage, Type, VATTransactionType) - reverse charge (intra-EU B2B) and export (outside EU)
VAT_CODES = (
    ("1", "VAT 21% (high rate)", 0.21, "E", "B"),
    ("2", "VAT 9% (low rate)", 0.09, "E", "B"),
    ("0", "VAT 0%", 0.0, "B", "B"),
    ("4", "Reverse charge EU (intra-community)", 0.0, "B", "S"),
    ("5", "Export outside EU 0%", 0.0, "B", "S"),
    ("6", "No VAT", 0.0, "N", "B"),
)
GL_ACCOUNTS = (  # (Code, Description, Type, BalanceSide, BalanceType)
    ("1100", "Bank", 12, "D", "B"),
    ("1300", "Accounts receivable", 20, "D", "B"),
    ("1500", "VAT payable high rate", 30, "C", "B"),
    ("1510", "VAT payable low rate", 30, "C", "B"),
    ("3000", "Stock", 32, "D", "B"),
    ("7000", "Cost of goods sold", 111, "D", "W"),
    ("8000", "Revenue NL high rate", 110, "C", "W"),
    ("8010", "Revenue NL low rate", 110, "C", "W"),
    ("8100", "Revenue EU reverse charge", 110, "C", "W"),
    ("8200", "Revenue export outside EU", 110, "C", "W"),
    ("8300", "Shipping revenue", 110, "C", "W"),
    ("4500", "General expenses", 100, "D", "W"),
)
# Sales VAT is booked to the VAT code's "VAT to pay" account; revenue to the item's revenue account per VAT regime.
VAT_TO_PAY_GL = {"1": "1500", "2": "1510"}
REVENUE_GL = {"1": "8000", "2": "8010", "4": "8100", "5": "8200"}
RECEIVABLE_GL = "1300"
# VATType on transaction lines (Exact's list): V = sales basis, A = sales VAT to pay.
SALES_BASIS, SALES_VAT_TO_PAY = "V", "A"
ENTRY_LINE_NAMESPACE = uuid.UUID("6f1c2a0e-3b7d-4c55-9a51-1d4e8b2f7c10")
PAYMENT_CONDITIONS = (("14", "14 days", 14), ("30", "30 days", 30), ("00", "Direct payment", 0), ("60", "60 days", 60))
SHIPPING_METHODS = (  # (Code, Description, Amount, TrackingURL)
    ("POSTNL", "PostNL parcel", 6.95, "https://postnl.nl/tracktrace/?B={0}"),
    ("DHL", "DHL Parcel", 7.5, "https://www.dhl.com/track?tracking-id={0}"),
    ("DPD", "DPD Classic", 8.25, "https://tracking.dpd.de/status/{0}"),
    ("PICKUP", "Pick-up at warehouse", 0.0, None),
)
SHIPPING_ITEM_CODE = "VERZEND"  # the service item shipping charges are invoiced with
SHIPPING_LINE_SHARE = 0.3  # of orders sent with a paid shipping method that charge it on a line of their own
CREDIT_NOTE = 8021
CREDIT_NOTE_SHARE = 0.15  # of processed invoices later (partly) credited
# Companies in these countries that buy in their own currency instead of EUR (about half of them).
FOREIGN_CURRENCY = {"SE": "SEK", "NO": "NOK"}
FOREIGN_CURRENCY_SHARE = 0.5
JOURNALS = (("70", "Sales journal", 20), ("90", "General journal", 90), ("10", "Bank", 12))
COST_CENTERS = (("100", "Sales"), ("200", "Warehouse"), ("300", "Administration"))
COST_UNITS = (("WEB", "Web shop"), ("B2B", "Wholesale"), ("RET", "Retail"))
PRODUCTS = (
    "Espresso beans 1 kg",
    "Filter coffee 500 g",
    "Green tea 100 g",
    "Earl Grey 250 g",
    "Oat drink 1 l",
    "Stroopwafels 8 pcs",
    "Dark chocolate 200 g",
    "Cane sugar 1 kg",
    "Ceramic mug",
    "Glass teapot 1 l",
    "Milk frother",
    "Hand grinder",
    "Paper filters 100 pcs",
    "Cold brew bottle",
    "Travel cup 350 ml",
    "Cocoa powder 250 g",
    "Chai spice mix",
    "Honey 450 g",
    "Almond biscuits",
    "Coffee scale",
)
LOW_RATE_WORDS = (
    "beans",
    "coffee",
    "tea",
    "drink",
    "wafels",
    "chocolate",
    "sugar",
    "Cocoa",
    "spice",
    "Honey",
    "biscuits",
    "Earl",
)

# Business volumes per unit of --scale (reference data does not scale)
ACCOUNTS_PER_SCALE = 60
ITEMS_PER_SCALE = 25
ORDERS_PER_SCALE = 40
PER_SCALE = {"accounts": ACCOUNTS_PER_SCALE, "items": ITEMS_PER_SCALE, "orders": ORDERS_PER_SCALE}


class Seeder:
    def __init__(
        self, backend: Backend, seed: int, scale: int, empty: bool, volumes: dict[str, int] | None = None
    ) -> None:
        self.backend = backend
        self.seed = seed
        self.rng = random.Random(seed)
        self.scale = max(1, scale)
        self.volumes = dict(volumes or {})  # counts that replace "per unit of scale" in the main division
        self.empty = empty
        self.now = backend.clock.time()
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.pool = _name_pool(seed)

    # ----------------------------------------------------------------- helpers
    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def date(self, days_ago: float) -> str:
        return wire_date_from_epoch(self.now - days_ago * DAY)

    def add(
        self, division: Division, path: str, row: dict[str, Any], days_ago: float = 30.0, *, keyed: bool = False
    ) -> dict[str, Any]:
        """``keyed`` rows bring their own key and draw nothing from the random stream; the others always draw one
        (even when they bring a key), which every seeded value after them depends on."""
        row = {k: v for k, v in row.items() if v is not None}
        user = self.backend.user
        entity = ENTITY_BY_PATH[path]
        if not keyed:
            row.setdefault(entity.key, self.guid())
        stamp = self.date(days_ago)
        row.setdefault("Created", stamp)
        row.setdefault("Modified", stamp)
        row.update(
            Creator=user.user_id, CreatorFullName=user.full_name, Modifier=user.user_id, ModifierFullName=user.full_name
        )
        row["Division"] = division.code
        row["Timestamp"] = division.next_timestamp()
        self.rows.setdefault(path, []).append(row)
        return row

    def commit(self, division: Division) -> None:
        for path, rows in self.rows.items():
            for row in rows:
                for private in [k for k in row if k.startswith("_")]:
                    del row[private]
            division.tables[path].load(rows)
        self.rows = {}

    # ----------------------------------------------------------------- world
    def run(self) -> None:
        rng = self.rng
        user_first, user_last = "Emma", "de Vries"
        codes = [rng.randrange(100000, 999999) for _ in range(3)]
        user = User(
            user_id=self.guid(),
            full_name=f"{user_first} {user_last}",
            first_name=user_first,
            last_name=user_last,
            email="emma.devries@koffiehuis.example",
            user_name="emma.devries@koffiehuis.example",
            current_division=codes[0],
            divisions=(codes[0], codes[1]),  # the third division exists but this user has no access to it
        )
        self.backend.user = user
        names = ("Koffiehuis De Boon B.V.", "Koffiehuis Belgium BV", "Koffiehuis Holding B.V.")
        for code, name, country in zip(codes, names, ("NL", "BE", "NL"), strict=True):
            division = Division(code, name, country)
            self.backend.divisions[code] = division
            self.reference_data(division)
            if not self.empty:
                volume = self.scale if code == codes[0] else 0
                volumes = self.volumes if code == codes[0] else {}
                self.business_data(division, volume if volume else 1 if code == codes[1] else 0, volumes)
            self.commit(division)
        for division in self.backend.divisions.values():
            self.divisions_table(division)
            self.commit(division)

    def divisions_table(self, division: Division) -> None:
        for other in self.backend.divisions.values():
            if other.code not in self.backend.user.divisions:
                continue
            row = {"Code": other.code, "Description": other.name, "Country": other.country, "Currency": CURRENCY}
            row["HID"] = other.code
            row["Current"] = other.code == self.backend.user.current_division
            for path in ("hrm/Divisions", "system/Divisions"):
                fields = ENTITY_BY_PATH[path].fields
                self.add(division, path, {k: v for k, v in row.items() if k in fields}, days_ago=400)

    def reference_data(self, division: Division) -> None:
        self.vat = {}
        for code, description, percentage, kind, transaction in VAT_CODES:
            self.vat[code] = self.add(
                division,
                "vat/VATCodes",
                {
                    "Code": code,
                    "Description": description,
                    "Percentage": percentage,
                    "Type": kind,
                    "VATTransactionType": transaction,
                    "Charged": False,
                    "IsBlocked": False,
                },
                days_ago=400,
            )
        self.gl = {}
        for code, description, kind, side, balance in GL_ACCOUNTS:
            self.gl[code] = self.add(
                division,
                "financial/GLAccounts",
                {
                    "Code": code,
                    "Description": description,
                    "Type": kind,
                    "BalanceSide": side,
                    "BalanceType": balance,
                    "IsBlocked": False,
                    "SearchCode": code,
                },
                days_ago=400,
            )
        for code, gl_code in VAT_TO_PAY_GL.items():
            gl = self.gl[gl_code]
            self.vat[code].update(GLToPay=gl["ID"], GLToPayCode=gl_code, GLToPayDescription=gl["Description"])
        for code, description, days in PAYMENT_CONDITIONS:
            self.add(
                division,
                "cashflow/PaymentConditions",
                {
                    "Code": code,
                    "Description": description,
                    "PaymentDays": days,
                    "PaymentMethod": "B",
                    "DiscountPaymentDays": 0,
                    "DiscountPercentage": 0.0,
                },
                days_ago=400,
            )
        self.shipping = []
        self.shipping_codes: dict[str, str] = {}
        for code, description, amount, url in SHIPPING_METHODS:
            self.shipping.append(
                self.add(
                    division,
                    "sales/ShippingMethods",
                    {
                        "Code": code,
                        "Description": description,
                        "Active": True,
                        "Amount": amount,
                        "TrackingURL": url,
                        "VATCode": "1",
                        "VATPercentage": 0.21,
                    },
                    days_ago=400,
                )
            )
            self.shipping_codes[self.shipping[-1]["ID"]] = code
        for code, description, kind in JOURNALS:
            self.add(
                division, "financial/Journals", {"Code": code, "Description": description, "Type": kind}, days_ago=400
            )
        for path, entries in (("hrm/Costcenters", COST_CENTERS), ("hrm/Costunits", COST_UNITS)):
            for code, description in entries:
                self.add(division, path, {"Code": code, "Description": description, "Active": True}, days_ago=400)
        for code, description, kind in (("pc", "Piece", "O"), ("kg", "Kilogram", "W"), ("l", "Litre", "V")):
            self.add(
                division,
                "logistics/Units",
                {
                    "Code": code,
                    "Description": description,
                    "Type": kind,
                    "Active": True,
                    "Main": 1 if code == "pc" else 0,
                },
                days_ago=400,
            )
        # Keyed (no draw from the random stream), so every seeded value after them stays as it was before they existed.
        for code, description in ITEM_GROUPS:
            key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"exact-online-emulator/{division.code}/item-group/{code}"))
            row = {"ID": key, "Code": code, "Description": description, "IsDefault": 1 if code == "000" else 0}
            self.add(division, "logistics/ItemGroups", row, days_ago=400, keyed=True)
        self.warehouses = [
            self.add(
                division,
                "inventory/Warehouses",
                {"Code": "1", "Description": "Main warehouse Utrecht", "Main": 1, "UseStorageLocations": 0},
                days_ago=400,
            ),
            self.add(
                division,
                "inventory/Warehouses",
                {"Code": "2", "Description": "Overflow warehouse Venlo", "Main": 0, "UseStorageLocations": 0},
                days_ago=400,
            ),
        ]

    def business_data(self, division: Division, scale: int, volumes: dict[str, int] | None = None) -> None:
        if scale <= 0:
            return
        count = {kind: (volumes or {}).get(kind, per_scale * scale) for kind, per_scale in PER_SCALE.items()}
        # Foreign currencies, shipping lines and credit notes draw from their own generator (and their rows bring
        # their own keys), so every value seeded before they existed stays as it was.
        self.money = random.Random(f"{self.seed}/{division.code}/money")
        self.invoiced: list[tuple[dict[str, Any], dict[str, Any], float, list[dict[str, Any]]]] = []
        accounts = [self.account(division, n) for n in range(max(1, count["accounts"]))]
        for account in accounts:
            foreign = FOREIGN_CURRENCY.get(account["Country"])
            if foreign and account["_is_company"] and self.money.random() < FOREIGN_CURRENCY_SHARE:
                account["SalesCurrency"] = foreign
        items = [self.item(division, n) for n in range(max(1, count["items"]))]
        self.shipping_item = self.shipping_charge_item(division)
        for n in range(count["orders"]):
            self.order(division, n, self.rng.choice(accounts), items)
        self.credit_notes(division)
        division.counters.update(
            account_code=1000 + len(accounts), order_number=len(self.rows.get("salesorder/SalesOrders", []))
        )
        # Addresses draw from their own generator so every other seeded record stays as it was before they existed.
        shared, self.rng = self.rng, random.Random(f"{self.seed}/{division.code}/addresses")
        try:
            self.addresses(division, accounts)
        finally:
            self.rng = shared

    def addresses(self, division: Division, accounts: list[dict[str, Any]]) -> None:
        """A visit address per account (its own address, main), and for companies often a P.O. box to invoice and
        one or two delivery addresses in the same country; the warehouses have their own delivery addresses."""
        rng = self.rng
        contact_names = {row["ID"]: row["FullName"] for row in self.rows.get("crm/Contacts", [])}
        for warehouse in self.warehouses:
            city, postcode, street = rng.choice(self.pool["NL"]["addresses"])
            self.add(
                division,
                "crm/Addresses",
                {
                    "Type": DELIVERY,
                    "Main": True,
                    "Warehouse": warehouse["ID"],
                    "WarehouseCode": warehouse["Code"],
                    "WarehouseDescription": warehouse["Description"],
                    "AddressLine1": street,
                    "Postcode": postcode,
                    "City": city,
                    "Country": "NL",
                    "CountryName": pycountry.countries.get(alpha_2="NL").name,
                },
                days_ago=400,
            )
        for account in accounts:
            country = account["Country"]
            is_company = account["_is_company"]
            owner = {
                "Account": account["ID"],
                "AccountName": account["Name"],
                "AccountIsSupplier": account["IsSupplier"],
                "Country": country,
                "CountryName": pycountry.countries.get(alpha_2=country).name,
            }
            created = rng.uniform(30, 300)
            visit = {
                **owner,
                "Type": VISIT,
                "Main": True,
                "AddressLine1": account["AddressLine1"],
                "Postcode": account["Postcode"],
                "City": account["City"],
                "Phone": account["Phone"],
                "Contact": account.get("MainContact"),
                "ContactName": contact_names.get(account.get("MainContact")),
            }
            self.add(division, "crm/Addresses", visit, days_ago=created)
            if is_company and rng.random() < 0.4:
                _city, postcode, _street = rng.choice(self.pool[country]["addresses"])
                invoice = {
                    **owner,
                    "Type": INVOICE,
                    "Main": True,
                    "AddressLine1": f"{PO_BOX[country]} {rng.randrange(10, 9999)}",
                    "Postcode": postcode,
                    "City": account["City"],
                }
                self.add(division, "crm/Addresses", invoice, days_ago=rng.uniform(1, created))
            deliveries = rng.choice((0, 0, 1, 1, 2)) if is_company else int(rng.random() < 0.15)
            for number in range(deliveries):
                city, postcode, street = rng.choice(self.pool[country]["addresses"])
                delivery = {
                    **owner,
                    "Type": DELIVERY,
                    "Main": number == 0,
                    "AddressLine1": street,
                    "AddressLine2": "Goods entrance" if is_company and rng.random() < 0.3 else None,
                    "Postcode": postcode,
                    "City": city,
                    "Notes": "Deliver on weekdays between 8:00 and 16:00" if rng.random() < 0.2 else None,
                }
                self.add(division, "crm/Addresses", delivery, days_ago=rng.uniform(1, created))

    def account(self, division: Division, n: int) -> dict[str, Any]:
        rng = self.rng
        country = COUNTRIES[n % len(COUNTRIES)]
        people = self.pool[country]
        is_company = n % 3 != 2
        city, postcode, street = rng.choice(people["addresses"])
        first, last = rng.choice(people["first"]), rng.choice(people["last"])
        if is_company:
            name = people["companies"][n // len(COUNTRIES) % len(people["companies"])]
            if n >= len(COUNTRIES) * len(people["companies"]):
                name = f"{name} {city}"
        else:
            name = f"{first} {last}"
        vat_code = (
            "1"
            if country == "NL"
            else ("4" if country in ("BE", "DE", "SE") and is_company else "5" if country == "NO" else "1")
        )
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
        row = {
            "Code": account_code(1000 + n),
            "Name": name,
            "AddressLine1": street,
            "City": city,
            "Postcode": postcode,
            "Country": country,
            "Language": LANGUAGES[country],
            "Email": f"info@{slug}.example" if is_company else f"{slug}@mail.example",
            "Phone": f"+{rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(1000000, 9999999)}",
            "Status": "C",
            "IsSales": True,
            "IsSupplier": False,
            "Blocked": False,
            "Type": "A",
            "VATNumber": _vat_number(rng, country) if is_company else None,
            "ChamberOfCommerce": str(rng.randrange(10000000, 99999999)) if is_company and country == "NL" else None,
            "Website": f"https://www.{slug}.example" if is_company else None,
            "PaymentConditionSales": rng.choice(("14", "30")) if is_company else "00",
            "SalesVATCode": vat_code,
            "SalesCurrency": CURRENCY,
            "ShippingMethod": rng.choice(self.shipping[:3])["ID"],
            "DiscountSales": rng.choice((0.0, 0.0, 0.05, 0.1)) if is_company else 0.0,
            "SearchCode": slug[:10].upper(),
        }
        account = self.add(division, "crm/Accounts", row, days_ago=rng.uniform(60, 365))
        if is_company:
            contact = self.add(
                division,
                "crm/Contacts",
                {
                    "Account": account["ID"],
                    "AccountName": name,
                    "Code": account["Code"],
                    "FirstName": first,
                    "LastName": last,
                    "FullName": f"{first} {last}",
                    "Email": f"{first.lower()}@{slug}.example",
                    "BusinessEmail": f"{first.lower()}@{slug}.example",
                    "Phone": row["Phone"],
                    "IsMainContact": True,
                    "Language": LANGUAGES[country],
                    "Country": country,
                    "City": city,
                    "HID": n + 1,
                },
                days_ago=rng.uniform(30, 300),
            )
            account["MainContact"] = contact["ID"]
        account["_vat_code"] = vat_code
        account["_is_company"] = is_company
        return account

    def item(self, division: Division, n: int) -> dict[str, Any]:
        rng = self.rng
        product = PRODUCTS[n % len(PRODUCTS)]
        edition = n // len(PRODUCTS)
        description = product if edition == 0 else f"{product} ({edition + 1})"
        low = any(word.lower() in product.lower() for word in LOW_RATE_WORDS)
        price = round(rng.uniform(2.5, 79.0), 2)
        barcode_base = f"87{rng.randrange(10**9, 10**10)}"
        barcode = barcode_base + ean.calc_check_digit(barcode_base)
        item = self.add(
            division,
            "logistics/Items",
            {
                "Code": f"SKU-{10000 + n}",
                "Description": description,
                "Barcode": barcode,
                "IsSalesItem": True,
                "IsStockItem": True,
                "IsPurchaseItem": True,
                "IsFractionAllowedItem": False,
                "Unit": "pc",
                "UnitDescription": "Piece",
                "UnitType": "O",
                "SalesVatCode": "2" if low else "1",
                "SalesVatCodeDescription": self.vat["2" if low else "1"]["Description"],
                "StandardSalesPrice": price,
                "CostPriceStandard": round(price * 0.55, 2),
                "CostPriceCurrency": CURRENCY,
                "GLRevenue": self.gl["8010" if low else "8000"]["ID"],
                "GLRevenueCode": "8010" if low else "8000",
                "GLCosts": self.gl["7000"]["ID"],
                "GLStock": self.gl["3000"]["ID"],
                "SearchCode": f"SKU{10000 + n}",
            },
            days_ago=rng.uniform(90, 400),
        )
        self.add(
            division,
            "logistics/SalesItemPrices",
            {
                "Item": item["ID"],
                "ItemCode": item["Code"],
                "ItemDescription": description,
                "Price": price,
                "Currency": CURRENCY,
                "Quantity": 0.0,
                "Unit": "pc",
                "DefaultItemUnit": "pc",
                "NumberOfItemsPerUnit": 1.0,
            },
            days_ago=rng.uniform(60, 300),
        )
        stock = float(rng.randrange(0, 400))
        position = {
            "Item": item["ID"],
            "Warehouse": self.warehouses[0]["ID"],
            "ItemCode": item["Code"],
            "ItemDescription": description,
            "ItemBarcode": barcode,
            "ItemUnit": "pc",
            "ItemUnitDescription": "Piece",
            "ItemIsStockItem": True,
            "WarehouseCode": "1",
            "WarehouseDescription": self.warehouses[0]["Description"],
            "CurrentStock": stock,
            "ReservedStock": 0.0,
            "PlannedStockIn": 0.0,
            "PlannedStockOut": 0.0,
            "ReorderPoint": 20.0,
            "SafetyStock": 10.0,
            "MaximumStock": 500.0,
        }
        stock_position_fields(position)
        self.add(division, "inventory/ItemWarehouses", position, days_ago=rng.uniform(1, 30))
        item["Stock"] = stock
        item["_price"] = price
        return item

    def order(self, division: Division, n: int, account: dict[str, Any], items: list[dict[str, Any]]) -> None:
        """An order as Exact computes it (``money``): the account's discount as the header default on every line (or,
        without one, now and then a line discount of its own), amounts in the account's sales currency with their
        default-currency (EUR) equivalents, and sometimes a shipping-charge line. Draws from the main random stream
        exactly as before foreign currencies and shipping lines existed; those draw from ``self.money``."""
        rng = self.rng
        days_ago = rng.uniform(1, 90)
        order_id = self.guid()
        shipping = self.shipping[rng.randrange(len(self.shipping))]
        discount = account.get("DiscountSales") or 0.0
        currency = account.get("SalesCurrency") or CURRENCY
        rate = money.rate_of(currency)
        vat_override = account["_vat_code"] if account["_vat_code"] in ("4", "5") else None
        chosen = rng.sample(items, k=min(len(items), rng.randint(1, 4)))
        lines = []
        for number, item in enumerate(chosen, start=1):
            quantity = float(rng.randint(1, 12))
            line_discount = discount or rng.choice((0.0, 0.0, 0.0, 0.1))
            line = self.order_line(order_id, n, number, item, quantity, line_discount, vat_override, currency)
            lines.append(line | {"ID": self.guid(), "DeliveryDate": self.date(days_ago - 3)})
        if shipping["Amount"] and self.money.random() < SHIPPING_LINE_SHARE:
            line = self.order_line(
                order_id, n, len(lines) + 1, self.shipping_item, 1.0, discount, vat_override, currency, shipping
            )
            lines.append(line | {"ID": self.money_guid(), "DeliveryDate": self.date(days_ago - 3), "_keyed": True})
        totals = money.document_totals(lines, rate, vat_field="VATAmount")
        progress = rng.random()
        delivered = progress < 0.55
        invoiced = delivered and progress < 0.35
        status = 21 if delivered else 12
        header = {
            "OrderID": order_id,
            "ID": order_id,
            "OrderNumber": n + 1,
            "OrderDate": self.date(days_ago),
            "DeliveryDate": self.date(days_ago - 3),
            "OrderedBy": account["ID"],
            "OrderedByName": account["Name"],
            "DeliverTo": account["ID"],
            "DeliverToName": account["Name"],
            "InvoiceTo": account["ID"],
            "InvoiceToName": account["Name"],
            "Currency": currency,
            "Discount": discount,
            "ApprovalStatus": 1,
            "ApprovalStatusDescription": "Automatically",
            "PaymentCondition": account["PaymentConditionSales"],
            # salesorder/SalesOrders documents ShippingMethod (Guid) and its Description only: no method code.
            "ShippingMethod": shipping["ID"],
            "ShippingMethodDescription": shipping["Description"],
            "YourRef": f"PO-{rng.randrange(100000, 999999)}",
            "Description": f"Order {n + 1}",
            "WarehouseID": self.warehouses[0]["ID"],
            "WarehouseCode": "1",
            "WarehouseDescription": self.warehouses[0]["Description"],
            **totals,
            "Status": status,
            "StatusDescription": "Complete" if delivered else "Open",
            "DeliveryStatus": status,
            "DeliveryStatusDescription": "Complete" if delivered else "Open",
            "InvoiceStatus": 21 if invoiced else 12,
            "InvoiceStatusDescription": "Complete" if invoiced else "Open",
        }
        if delivered:
            for line in lines:
                line.update(QuantityDelivered=line["Quantity"], DeliveryStatus=21, OrderStatus=21)
        if invoiced:
            for line in lines:
                line.update(QuantityInvoiced=line["Quantity"], InvoiceStatus=21)
        self.add(division, "salesorder/SalesOrders", header, days_ago=days_ago)
        for line in lines:
            self.add(division, "salesorder/SalesOrderLines", line, days_ago=days_ago, keyed=line.get("_keyed", False))
        if delivered:
            # Only stock items are shipped; a shipping-charge line is complete with the delivery but not on it.
            self.delivery(division, header, [line for line in lines if not line.get("_keyed")], shipping, days_ago - 2)
        if invoiced:
            invoice = self.invoice(division, header, lines, days_ago - 3)
            self.invoiced.append((header, invoice, days_ago - 3, lines))

    def order_line(
        self,
        order_id: str,
        n: int,
        number: int,
        item: dict[str, Any],
        quantity: float,
        discount: float,
        vat_override: str | None,
        currency: str,
        shipping: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        rate = money.rate_of(currency)
        # Prices are kept in EUR; other currencies get the EUR price at the emulator's rate (their price list).
        price = shipping["Amount"] if shipping else item["_price"]
        vat_code = vat_override or item["SalesVatCode"]
        line = {
            "OrderID": order_id,
            "OrderNumber": n + 1,
            "LineNumber": number,
            "Item": item["ID"],
            "ItemCode": item["Code"],
            "ItemDescription": item["Description"],
            "Description": f"{item['Description']}: {shipping['Description']}" if shipping else item["Description"],
            "Quantity": quantity,
            "UnitPrice": price if rate == 1.0 else money.cents(price / rate),
            "Discount": discount,
            "VATCode": vat_code,
            "VATCodeDescription": self.vat[vat_code]["Description"],
            "VATPercentage": self.vat[vat_code]["Percentage"],
            "UnitCode": "pc",
            "UnitDescription": "Piece",
            "QuantityDelivered": 0.0,
            "QuantityInvoiced": 0.0,
            "DeliveryStatus": 12,
            "InvoiceStatus": 12,
            "OrderStatus": 12,
        }
        money.price_line(line, discount, rate, vat_field="VATAmount")
        return line

    def money_guid(self) -> str:
        return str(uuid.UUID(int=self.money.getrandbits(128), version=4))

    def shipping_charge_item(self, division: Division) -> dict[str, Any]:
        """The service item a shipping charge is invoiced with: not a stock item, so nothing is delivered or counted."""
        item = self.add(
            division,
            "logistics/Items",
            {
                "ID": str(uuid.uuid5(ENTRY_LINE_NAMESPACE, f"{division.code}/item/{SHIPPING_ITEM_CODE}")),
                "Code": SHIPPING_ITEM_CODE,
                "Description": "Verzendkosten",
                "IsSalesItem": True,
                "IsStockItem": False,
                "IsPurchaseItem": False,
                "IsFractionAllowedItem": False,
                "Unit": "pc",
                "UnitDescription": "Piece",
                "UnitType": "O",
                "SalesVatCode": "1",
                "SalesVatCodeDescription": self.vat["1"]["Description"],
                "StandardSalesPrice": SHIPPING_METHODS[0][2],
                "GLRevenue": self.gl["8300"]["ID"],
                "GLRevenueCode": "8300",
                "SearchCode": SHIPPING_ITEM_CODE,
                "Stock": 0.0,
            },
            days_ago=400,
            keyed=True,
        )
        item["_price"] = SHIPPING_METHODS[0][2]
        return item

    def delivery(self, division: Division, order: dict, lines: list[dict], shipping: dict, days_ago: float) -> None:
        number = division.next_number("delivery_number", 1)
        entry = division.next_number("entry_number", 1)
        tracking = f"3S{self.rng.randrange(10**11, 10**12)}" if shipping["Code"] != "PICKUP" else None
        header = self.add(
            division,
            "salesorder/GoodsDeliveries",
            {
                "DeliveryNumber": number,
                "EntryNumber": entry,
                "DeliveryDate": self.date(days_ago),
                "DeliveryAccount": order["DeliverTo"],
                "DeliveryAccountName": order["DeliverToName"],
                "ShippingMethod": shipping["ID"],
                "ShippingMethodCode": shipping["Code"],
                "ShippingMethodDescription": shipping["Description"],
                "TrackingNumber": tracking,
                "Warehouse": order["WarehouseID"],
                "WarehouseCode": "1",
                "Description": f"Delivery of order {order['OrderNumber']}",
            },
            days_ago=days_ago,
        )
        for line in lines:
            self.add(
                division,
                "salesorder/GoodsDeliveryLines",
                {
                    "EntryID": header["EntryID"],
                    "LineNumber": line["LineNumber"],
                    "SalesOrderLineID": line["ID"],
                    "SalesOrderLineNumber": line["LineNumber"],
                    "SalesOrderNumber": order["OrderNumber"],
                    "Item": line["Item"],
                    "ItemCode": line["ItemCode"],
                    "ItemDescription": line["ItemDescription"],
                    "QuantityDelivered": line["Quantity"],
                    "QuantityOrdered": line["Quantity"],
                    "Unitcode": "pc",
                    "DeliveryDate": header["DeliveryDate"],
                    "TrackingNumber": tracking,
                },
                days_ago=days_ago,
            )

    def invoice(self, division: Division, order: dict, lines: list[dict], days_ago: float) -> dict[str, Any]:
        """The processed invoice of a delivered order: its lines as ordered, totals in both currencies."""
        number = division.next_number("invoice_number", 26000001)
        entry = division.next_number("entry_number", 1)
        invoice_id = self.guid()
        invoice_lines = [self.invoice_line(invoice_id, order, line) for line in lines]
        totals = money.document_totals(invoice_lines, money.rate_of(order["Currency"]), vat_field="VATAmountFC")
        header = self.add(
            division,
            "salesinvoice/SalesInvoices",
            {
                "InvoiceID": invoice_id,
                "ID": invoice_id,
                "LineNumber": 0,
                "InvoiceNumber": number,
                "InvoiceDate": self.date(days_ago),
                "OrderDate": order["OrderDate"],
                "DueDate": self.date(days_ago - 30),
                "OrderedBy": order["OrderedBy"],
                "OrderedByName": order["OrderedByName"],
                "InvoiceTo": order["InvoiceTo"],
                "InvoiceToName": order["InvoiceToName"],
                "DeliverTo": order["DeliverTo"],
                "DeliverToName": order["DeliverToName"],
                "Currency": order["Currency"],
                "Journal": "70",
                "JournalDescription": "Sales journal",
                "Type": 8020,
                "TypeDescription": "Sales invoice",
                "Status": 50,
                "StatusDescription": "Processed",
                "PaymentCondition": order["PaymentCondition"],
                "ShippingMethod": order["ShippingMethod"],
                "ShippingMethodCode": self.shipping_codes[order["ShippingMethod"]],
                "ShippingMethodDescription": order["ShippingMethodDescription"],
                "YourRef": order["YourRef"],
                "OrderNumber": order["OrderNumber"],
                "Description": order["Description"],
                **totals,
                "Discount": order["Discount"],
                "Warehouse": order["WarehouseID"],
            },
            days_ago=days_ago,
        )
        self.book(division, header, order, invoice_lines, entry, days_ago)
        return header

    def invoice_line(self, invoice_id: str, order: dict, line: dict, quantity: float | None = None) -> dict[str, Any]:
        """An invoice line for an order line (a credit note passes its negative ``quantity``), priced by ``money``."""
        gl = self.gl[REVENUE_GL[line["VATCode"]]]
        row = {
            "InvoiceID": invoice_id,
            "LineNumber": line["LineNumber"],
            "Item": line["Item"],
            "ItemCode": line["ItemCode"],
            "ItemDescription": line["ItemDescription"],
            "Description": line["Description"],
            "Quantity": line["Quantity"] if quantity is None else quantity,
            "UnitPrice": line["UnitPrice"],
            "Discount": line["Discount"],
            "VATCode": line["VATCode"],
            "VATCodeDescription": line["VATCodeDescription"],
            "VATPercentage": line["VATPercentage"],
            "GLAccount": gl["ID"],
            "GLAccountDescription": gl["Description"],
            "SalesOrder": order["OrderID"],
            "SalesOrderLine": line["ID"],
            "SalesOrderLineNumber": line["LineNumber"],
            "SalesOrderNumber": order["OrderNumber"],
            "UnitCode": "pc",
            "_keyed": line.get("_keyed", False),
        }
        money.price_line(row, line["Discount"], money.rate_of(order["Currency"]), vat_field="VATAmountFC")
        return row

    def book(
        self, division: Division, header: dict, order: dict, lines: list[dict], entry: int, days_ago: float
    ) -> None:
        """Store an invoice's (or credit note's) lines and the financial entry it booked. Rows new since foreign
        currencies, shipping lines and credit notes bring their own key, so the others keep their random values."""
        keyed_document = header["Type"] == CREDIT_NOTE
        receivable, revenue, vat_lines = self.sales_entry(header, order, lines, entry)
        if keyed_document:
            receivable["ID"] = self.money_guid()
        self.add(division, "financialtransaction/TransactionLines", receivable, days_ago=days_ago, keyed=keyed_document)
        for line, booked in zip(lines, revenue, strict=True):
            keyed = keyed_document or line["_keyed"]
            if keyed:
                line["ID"] = self.money_guid()
                booked["ID"] = self.money_guid()
            self.add(division, "salesinvoice/SalesInvoiceLines", line, days_ago=days_ago, keyed=keyed)
            self.add(division, "financialtransaction/TransactionLines", booked, days_ago=days_ago, keyed=keyed)
        for booked in vat_lines:
            self.add(division, "financialtransaction/TransactionLines", booked, days_ago=days_ago, keyed=True)

    def credit_notes(self, division: Division) -> None:
        """A few processed invoices get a credit note (Type 8021) for goods sent back: negative quantities, so
        every amount is negative, and an entry of type 21 that reverses the invoice's bookings for those lines."""
        if not self.invoiced:
            return
        count = max(1, round(len(self.invoiced) * CREDIT_NOTE_SHARE))
        chosen = self.money.sample(self.invoiced, k=min(count, len(self.invoiced)))
        for order, invoice, invoiced_days_ago, order_lines in chosen:
            days_ago = max(0.5, invoiced_days_ago - self.money.uniform(1, 10))
            number = division.next_number("invoice_number", 26000001)
            entry = division.next_number("entry_number", 1)
            credit_id = self.money_guid()
            ordered = [line for line in order_lines if not line.get("_keyed")]
            returned = self.money.sample(ordered, k=self.money.randint(1, len(ordered)))
            lines = [
                self.invoice_line(credit_id, order, line, -float(self.money.randint(1, int(line["Quantity"]))))
                for line in sorted(returned, key=lambda line: line["LineNumber"])
            ]
            for number_in_note, line in enumerate(lines, start=1):
                line["LineNumber"] = number_in_note
            totals = money.document_totals(lines, money.rate_of(order["Currency"]), vat_field="VATAmountFC")
            header = {
                **{k: v for k, v in invoice.items() if not k.startswith(("Amount", "VATAmount", "_"))},
                "InvoiceID": credit_id,
                "ID": credit_id,
                "InvoiceNumber": number,
                "InvoiceDate": self.date(days_ago),
                "DueDate": self.date(days_ago),
                "Type": CREDIT_NOTE,
                "TypeDescription": "Sales credit note",
                "Description": f"Credit note for invoice {invoice['InvoiceNumber']}",
                **totals,
            }
            for stamp in ("Created", "Modified", "Timestamp", "Creator", "CreatorFullName", "Modifier"):
                header.pop(stamp, None)
            header = self.add(division, "salesinvoice/SalesInvoices", header, days_ago=days_ago, keyed=True)
            self.book(division, header, order, lines, entry, days_ago)

    def sales_entry(
        self, invoice: dict, order: dict, lines: list[dict], entry: int
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        """The financial entry an invoice books, balanced in the default currency as every Exact entry is: the
        receivable on the header (LineNumber 0, the invoice's AmountDC/FC incl. VAT), a revenue line per invoice line
        and a VAT line per VAT code (each line's AmountDC, the VAT in EUR summed per code). An invoice debits the
        receivable and credits revenue and VAT; a credit note (negative amounts) does the reverse. Reverse charge and
        export lines carry their VAT code with no VAT amount, so they produce no VAT line."""
        entry_id = invoice["InvoiceID"]
        credit = invoice["Type"] == CREDIT_NOTE
        common = {
            "EntryID": entry_id,
            "EntryNumber": entry,
            "InvoiceNumber": invoice["InvoiceNumber"],
            "OrderNumber": order["OrderNumber"],
            "Date": invoice["InvoiceDate"],
            "FinancialYear": 2025,
            "FinancialPeriod": 1,
            "JournalCode": "70",
            "JournalDescription": "Sales journal",
            "Currency": invoice["Currency"],
            "ExchangeRate": money.rate_of(invoice["Currency"]),
            "Type": 21 if credit else 20,
            "Status": 50,
            "YourRef": order["YourRef"],
            "DocumentNumber": invoice["InvoiceNumber"],
            "Account": order["OrderedBy"],
            "AccountName": order["OrderedByName"],
        }
        debtor = self.gl[RECEIVABLE_GL]
        receivable = {
            **common,
            "LineNumber": 0,
            "LineType": 0,
            "GLAccount": debtor["ID"],
            "GLAccountCode": RECEIVABLE_GL,
            "GLAccountDescription": debtor["Description"],
            "AmountDC": invoice["AmountDC"],
            "AmountFC": invoice["AmountFC"],
            "DueDate": invoice["DueDate"],
            "Description": f"{'Credit note' if credit else 'Invoice'} {invoice['InvoiceNumber']}",
        }
        revenue: list[dict[str, Any]] = []
        vat_per_code: dict[str, list[float]] = {}
        for line in lines:
            code = line["VATCode"]
            gl_code = REVENUE_GL[code]
            revenue.append(
                {
                    **common,
                    "LineNumber": line["LineNumber"],
                    "LineType": 0,
                    "GLAccount": self.gl[gl_code]["ID"],
                    "GLAccountCode": gl_code,
                    "GLAccountDescription": self.gl[gl_code]["Description"],
                    "AmountDC": -line["AmountDC"],
                    "AmountFC": -line["AmountFC"],
                    "AmountVATFC": -line["VATAmountFC"],
                    "AmountVATBaseFC": -line["AmountFC"],
                    "VATCode": code,
                    "VATCodeDescription": line["VATCodeDescription"],
                    "VATPercentage": line["VATPercentage"],
                    "VATType": SALES_BASIS,
                    "Item": line["Item"],
                    "ItemCode": line["ItemCode"],
                    "ItemDescription": line["ItemDescription"],
                    "Quantity": -line["Quantity"],
                    "Description": line["Description"],
                }
            )
            base, vat, vat_dc = vat_per_code.setdefault(code, [0.0, 0.0, 0.0])
            vat_per_code[code] = [base + line["AmountFC"], vat + line["VATAmountFC"], vat_dc + line["VATAmountDC"]]
        vat_lines: list[dict[str, Any]] = []
        number = len(lines)
        for code, (base, vat, vat_dc) in vat_per_code.items():
            vat, vat_dc = round(vat, 2), round(vat_dc, 2)
            if not vat:
                continue
            number += 1
            vat_code = self.vat[code]
            vat_lines.append(
                {
                    **common,
                    # Named from the entry, so VAT lines draw nothing from the random stream the other records use.
                    "ID": str(uuid.uuid5(ENTRY_LINE_NAMESPACE, f"{entry_id}/{number}")),
                    "LineNumber": number,
                    "LineType": 0,
                    "GLAccount": vat_code["GLToPay"],
                    "GLAccountCode": vat_code["GLToPayCode"],
                    "GLAccountDescription": vat_code["GLToPayDescription"],
                    "AmountDC": -vat_dc,
                    "AmountFC": -vat,
                    "AmountVATFC": -vat,
                    "AmountVATBaseFC": -round(base, 2),
                    "VATCode": code,
                    "VATCodeDescription": vat_code["Description"],
                    "VATPercentage": vat_code["Percentage"],
                    "VATType": SALES_VAT_TO_PAY,
                    "Description": vat_code["Description"],
                }
            )
        return receivable, revenue, vat_lines


def _vat_number(rng: random.Random, country: str) -> str:
    """A VAT number whose check digits are valid under the country's official algorithm (verified by python-stdnum)."""
    while True:
        if country == "NL":
            digits = [rng.randrange(10) for _ in range(8)]
            check = sum(d * (9 - i) for i, d in enumerate(digits)) % 11
            if check == 10:
                continue
            number = "NL" + "".join(map(str, digits)) + str(check) + "B01"
            valid = nl_vat.is_valid(number)
        elif country == "BE":
            body = rng.randrange(2000000, 19999999)
            number = f"BE{body:08d}{97 - body % 97:02d}"
            valid = be_vat.is_valid(number)
        elif country == "DE":
            base = str(rng.randrange(10**7, 10**8))
            number = "DE" + base + mod_11_10.calc_check_digit(base)
            valid = de_vat.is_valid(number)
        elif country == "SE":
            base = f"55{rng.randrange(10**6, 10**7)}"
            number = "SE" + base + luhn.calc_check_digit(base) + "01"
            valid = se_vat.is_valid(number)
        else:
            base = f"9{rng.randrange(10**6, 10**7)}"
            weights = (3, 2, 7, 6, 5, 4, 3, 2)
            check = (11 - sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11) % 11
            if check == 10:
                continue
            number = f"NO{base}{check}MVA"
            valid = no_mva.is_valid(number)
        if valid:
            return number


def _name_pool(seed: int) -> dict[str, dict[str, list]]:
    pool: dict[str, dict[str, list]] = {}
    for country, locale in LOCALES.items():
        fake = Faker(locale)
        fake.seed_instance(seed)
        pool[country] = {
            "companies": list(dict.fromkeys(fake.company() for _ in range(40))),
            "first": [fake.first_name() for _ in range(30)],
            "last": [fake.last_name() for _ in range(30)],
            "addresses": [(fake.city(), fake.postcode(), fake.street_address()) for _ in range(30)],
        }
    return pool


def seed_backend(
    backend: Backend, seed: int, scale: int = 1, empty: bool = False, volumes: dict[str, int] | None = None
) -> None:
    with backend.lock:
        Seeder(backend, seed, scale, empty, volumes).run()
