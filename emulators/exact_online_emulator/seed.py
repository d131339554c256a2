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
from exact_online_emulator.models.backend import Backend, Division, User
from exact_online_emulator.models.rules import account_code, stock_position_fields

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
        accounts = [self.account(division, n) for n in range(max(1, count["accounts"]))]
        items = [self.item(division, n) for n in range(max(1, count["items"]))]
        for n in range(count["orders"]):
            self.order(division, n, self.rng.choice(accounts), items)
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
        rng = self.rng
        days_ago = rng.uniform(1, 90)
        order_id = self.guid()
        shipping = self.shipping[rng.randrange(len(self.shipping))]
        discount = account.get("DiscountSales") or 0.0
        vat_override = account["_vat_code"] if account["_vat_code"] in ("4", "5") else None
        chosen = rng.sample(items, k=min(len(items), rng.randint(1, 4)))
        lines = []
        for number, item in enumerate(chosen, start=1):
            quantity = float(rng.randint(1, 12))
            price = item["_price"]
            line_discount = discount or rng.choice((0.0, 0.0, 0.0, 0.1))
            net = round(price * (1 - line_discount), 4)
            amount = round(net * quantity, 2)
            vat_code = vat_override or item["SalesVatCode"]
            percentage = self.vat[vat_code]["Percentage"]
            lines.append(
                {
                    "ID": self.guid(),
                    "OrderID": order_id,
                    "OrderNumber": n + 1,
                    "LineNumber": number,
                    "Item": item["ID"],
                    "ItemCode": item["Code"],
                    "ItemDescription": item["Description"],
                    "Description": item["Description"],
                    "Quantity": quantity,
                    "UnitPrice": price,
                    "Discount": line_discount,
                    "NetPrice": net,
                    "AmountFC": amount,
                    "AmountDC": amount,
                    "VATCode": vat_code,
                    "VATCodeDescription": self.vat[vat_code]["Description"],
                    "VATPercentage": percentage,
                    "VATAmount": round(amount * percentage, 2),
                    "UnitCode": "pc",
                    "UnitDescription": "Piece",
                    "QuantityDelivered": 0.0,
                    "QuantityInvoiced": 0.0,
                    "DeliveryStatus": 12,
                    "InvoiceStatus": 12,
                    "OrderStatus": 12,
                    "DeliveryDate": self.date(days_ago - 3),
                }
            )
        excl = round(sum(line["AmountFC"] for line in lines), 2)
        vat_total = round(sum(line["VATAmount"] for line in lines), 2)
        gross = round(sum(line["UnitPrice"] * line["Quantity"] for line in lines), 2)
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
            "Currency": CURRENCY,
            "Discount": discount,
            "ApprovalStatus": 1,
            "ApprovalStatusDescription": "Automatically",
            "PaymentCondition": account["PaymentConditionSales"],
            "ShippingMethod": shipping["ID"],
            "ShippingMethodDescription": shipping["Description"],
            "YourRef": f"PO-{rng.randrange(100000, 999999)}",
            "Description": f"Order {n + 1}",
            "WarehouseID": self.warehouses[0]["ID"],
            "WarehouseCode": "1",
            "WarehouseDescription": self.warehouses[0]["Description"],
            "AmountFCExclVat": excl,
            "AmountFC": round(excl + vat_total, 2),
            "AmountDC": round(excl + vat_total, 2),
            "AmountDiscount": round(gross - excl, 2),
            "AmountDiscountExclVat": round(gross - excl, 2),
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
            self.add(division, "salesorder/SalesOrderLines", line, days_ago=days_ago)
        if delivered:
            self.delivery(division, header, lines, shipping, days_ago - 2)
        if invoiced:
            self.invoice(division, header, lines, days_ago - 3)

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

    def invoice(self, division: Division, order: dict, lines: list[dict], days_ago: float) -> None:
        number = division.next_number("invoice_number", 26000001)
        entry = division.next_number("entry_number", 1)
        excl = order["AmountFCExclVat"]
        vat_total = round(order["AmountFC"] - excl, 2)
        invoice_id = self.guid()
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
                "Currency": CURRENCY,
                "Journal": "70",
                "JournalDescription": "Sales journal",
                "Type": 8020,
                "TypeDescription": "Sales invoice",
                "Status": 50,
                "StatusDescription": "Processed",
                "PaymentCondition": order["PaymentCondition"],
                "ShippingMethod": order["ShippingMethod"],
                "ShippingMethodDescription": order["ShippingMethodDescription"],
                "YourRef": order["YourRef"],
                "OrderNumber": order["OrderNumber"],
                "Description": order["Description"],
                "AmountFCExclVat": excl,
                "AmountFC": order["AmountFC"],
                "AmountDC": order["AmountDC"],
                "VATAmountFC": vat_total,
                "VATAmountDC": vat_total,
                "Discount": order["Discount"],
                "Warehouse": order["WarehouseID"],
            },
            days_ago=days_ago,
        )
        receivable, revenue, vat_lines = self.sales_entry(header, order, lines, entry)
        self.add(division, "financialtransaction/TransactionLines", receivable, days_ago=days_ago)
        for line, booked in zip(lines, revenue, strict=True):
            gl = self.gl[REVENUE_GL[line["VATCode"]]]
            self.add(
                division,
                "salesinvoice/SalesInvoiceLines",
                {
                    "InvoiceID": invoice_id,
                    "LineNumber": line["LineNumber"],
                    "Item": line["Item"],
                    "ItemCode": line["ItemCode"],
                    "ItemDescription": line["ItemDescription"],
                    "Description": line["Description"],
                    "Quantity": line["Quantity"],
                    "UnitPrice": line["UnitPrice"],
                    "NetPrice": line["NetPrice"],
                    "Discount": line["Discount"],
                    "AmountFC": line["AmountFC"],
                    "AmountDC": line["AmountDC"],
                    "VATCode": line["VATCode"],
                    "VATCodeDescription": line["VATCodeDescription"],
                    "VATPercentage": line["VATPercentage"],
                    "VATAmountFC": line["VATAmount"],
                    "VATAmountDC": line["VATAmount"],
                    "GLAccount": gl["ID"],
                    "GLAccountDescription": gl["Description"],
                    "SalesOrder": order["OrderID"],
                    "SalesOrderLine": line["ID"],
                    "SalesOrderLineNumber": line["LineNumber"],
                    "SalesOrderNumber": order["OrderNumber"],
                    "UnitCode": "pc",
                },
                days_ago=days_ago,
            )
            self.add(division, "financialtransaction/TransactionLines", booked, days_ago=days_ago)
        for booked in vat_lines:
            self.add(division, "financialtransaction/TransactionLines", booked, days_ago=days_ago, keyed=True)

    def sales_entry(
        self, invoice: dict, order: dict, lines: list[dict], entry: int
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        """The financial entry an invoice books, balanced as every Exact entry is: the receivable on the header
        (LineNumber 0, debit incl. VAT), a revenue line per invoice line and a VAT line per VAT code (credits).
        Reverse charge and export lines carry their VAT code with no VAT amount, so they produce no VAT line."""
        entry_id = invoice["InvoiceID"]
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
            "Currency": CURRENCY,
            "ExchangeRate": 1.0,
            "Type": 20,
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
            "AmountDC": order["AmountFC"],
            "AmountFC": order["AmountFC"],
            "DueDate": invoice["DueDate"],
            "Description": f"Invoice {invoice['InvoiceNumber']}",
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
                    "AmountDC": -line["AmountFC"],
                    "AmountFC": -line["AmountFC"],
                    "AmountVATFC": -line["VATAmount"],
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
            base, vat = vat_per_code.setdefault(code, [0.0, 0.0])
            vat_per_code[code] = [base + line["AmountFC"], vat + line["VATAmount"]]
        vat_lines: list[dict[str, Any]] = []
        number = len(lines)
        for code, (base, vat) in vat_per_code.items():
            vat = round(vat, 2)
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
                    "AmountDC": -vat,
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
