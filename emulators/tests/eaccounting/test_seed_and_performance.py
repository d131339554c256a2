"""Seed data is realistic (valid VAT and organisation numbers, EANs, VAT codes for reverse charge and export, orders in
every status) and deterministic; serving a maximum-size page stays within 3x a bare json.dumps of its rows."""

from __future__ import annotations

import json
import time

import pytest
from stdnum import ean
from stdnum.be import vat as be_vat
from stdnum.de import vat as de_vat
from stdnum.nl import vat as nl_vat
from stdnum.no import mva as no_mva
from stdnum.se import orgnr as se_orgnr
from stdnum.se import personalid as se_personalid
from stdnum.se import vat as se_vat
from werkzeug.test import Client

from eaccounting_emulator.auth import IdentityServer
from eaccounting_emulator.models.backend import Backend
from eaccounting_emulator.rate_limits import RateLimiter
from eaccounting_emulator.responses import EAccountingApi
from eaccounting_emulator.seed import seed
from emulator_kit.clock import Clock
from tests.eaccounting.conftest import Emulator, wire_time

VAT_VALIDATORS = {"SE": se_vat, "NO": no_mva, "NL": nl_vat, "BE": be_vat, "DE": de_vat}


@pytest.fixture(scope="module")
def dump(emulator: Emulator) -> dict:
    return emulator.admin("GET", "dump")


def test_seeded_companies_carry_valid_vat_and_organisation_numbers(dump: dict) -> None:
    companies = [c for c in dump["customers"] if not c["IsPrivatePerson"]]
    assert {c["InvoiceCountryCode"] for c in companies} == set(VAT_VALIDATORS)
    for customer in companies:
        assert VAT_VALIDATORS[customer["InvoiceCountryCode"]].is_valid(customer["VatNumber"]), customer["VatNumber"]
        if customer["InvoiceCountryCode"] == "SE":
            assert se_orgnr.is_valid(customer["CorporateIdentityNumber"])


def test_seeded_private_persons_exist_and_swedish_ones_have_valid_personal_numbers(dump: dict) -> None:
    persons = [c for c in dump["customers"] if c["IsPrivatePerson"]]
    assert persons and all(c["VatNumber"] is None for c in persons)
    for person in persons:
        if person["InvoiceCountryCode"] == "SE":
            assert se_personalid.is_valid(person["CorporateIdentityNumber"])


def test_seeded_articles_have_valid_eans_and_some_reserved_stock(dump: dict) -> None:
    stocked = [a for a in dump["articles"] if a["IsStock"]]
    assert stocked and all(ean.is_valid(a["Barcodes"][0]["Barcode"]) for a in stocked)
    assert any(a["StockBalanceReserved"] > 0 for a in stocked)
    assert all(
        a["StockBalanceAvailable"] == pytest.approx(a["StockBalance"] - a["StockBalanceReserved"]) for a in stocked
    )


def test_seeded_orders_cover_every_status_with_discounts_and_shipping(dump: dict) -> None:
    orders = dump["orders"]
    assert {o["Status"] for o in orders} == {1, 2, 3, 4}
    assert any(row["DiscountPercentage"] > 0 for o in orders for row in o["Rows"])
    assert all(o["DeliveryMethodName"] and o["DeliveryMethodId"] for o in orders)
    assert all(any(row["ArticleNumber"] == "FRAKT" for row in o["Rows"]) for o in orders)
    invoiced = {o["Id"] for o in orders if o["Status"] == 4}
    assert invoiced <= {i["CreatedFromOrderId"] for i in dump["customerinvoices"]}


def test_seeded_vat_codes_include_reverse_charge_and_export(dump: dict) -> None:
    descriptions = " ".join(code["Description"] for code in dump["vatcodes"]).lower()
    assert "omvänd skattskyldighet" in descriptions and "export" in descriptions


def test_seeded_vouchers_all_balance(dump: dict) -> None:
    for voucher in dump["vouchers"]:
        debit = sum(row["DebitAmount"] for row in voucher["Rows"])
        credit = sum(row["CreditAmount"] for row in voucher["Rows"])
        assert round(debit, 2) == round(credit, 2), voucher["NumberAndNumberSeries"]


def test_given_same_seed_when_seeded_twice_then_same_business_data() -> None:
    def business(seed_value: int) -> list:
        backend = Backend(Clock())
        seed(backend, seed=seed_value)
        return [(c["Id"], c["Name"], c["VatNumber"]) for c in backend.collection("customers").values()]

    assert business(5) == business(5)
    assert business(5) != business(6)


def test_given_max_page_when_served_then_within_three_times_json_dumps() -> None:
    clock = Clock()
    backend = Backend(clock)
    seed(backend, seed=3, scale=30)
    identity = IdentityServer.create(clock, "perf", "secret")
    token = identity.refresh("perf", identity.state.primary_refresh_token)["access_token"]
    client = Client(EAccountingApi(backend, identity, RateLimiter(clock, 0), lambda: None))
    headers = {"Authorization": f"Bearer {token}"}
    rows = backend.collection("customers").values()[:1000]

    def best(action) -> float:
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            action()
            timings.append(time.perf_counter() - started)
        return min(timings)

    served = best(lambda: client.get("/v2/customers?$pagesize=1000", headers=headers).get_data())
    bare = best(lambda: json.dumps(rows))
    assert len(client.get("/v2/customers?$pagesize=1000", headers=headers).get_json()["Data"]) == 1000
    assert served <= 3 * bare, f"serving took {served * 1000:.1f} ms vs json.dumps {bare * 1000:.1f} ms"


def test_given_changedutc_cursor_when_filtering_large_collection_then_index_answers_quickly() -> None:
    clock = Clock()
    backend = Backend(clock)
    seed(backend, seed=3, scale=30)
    customers = backend.collection("customers")
    cursor = sorted(c["ChangedUtc"] for c in customers.values())[-10]
    from eaccounting_emulator.query import Since

    started = time.perf_counter()
    newest = list(customers.changed_since(Since("ChangedUtc", False, cursor)))
    assert time.perf_counter() - started < 0.01
    assert len(newest) == 9 and all(wire_time(c["ChangedUtc"]) > wire_time(cursor) for c in newest)
