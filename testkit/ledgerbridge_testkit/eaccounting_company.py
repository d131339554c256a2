"""Mapping rules that fit the eAccounting emulator's seeded Swedish company: its VAT codes, payment terms and, when
articles may be created, the 25 % goods coding and a unit to create them with."""

from __future__ import annotations

from typing import Any

EU_COUNTRIES_SOLD_TO = ("SE", "NL", "BE", "DE")


# What a user of the seeded company would configure: SEK per unit of each currency its Exact orders use.
SEK_PER_UNIT = {"EUR": 11.45, "NOK": 0.98, "USD": 10.62, "GBP": 13.35}


def company_rules(article_coding_id: str | None = None, article_unit_id: str | None = None) -> dict[str, Any]:
    """Orders-flow rules; given a coding and a unit, an article an order names but eAccounting lacks is created."""
    rules: dict[str, Any] = {
        "vat": {
            "mode": "by_country",
            "home_country": "SE",
            "per_country": [{"country": c, "eaccounting_code": "10"} for c in EU_COUNTRIES_SOLD_TO],
            "eu_reverse_charge_code": "39",
            "export_code": "36",
            # The emulated Exact division is Dutch, the eAccounting company Swedish: their VAT rates differ.
            "accept_rate_differences": True,
        },
        "payment_terms": {"default_terms": "30 dagar netto"},
        "customers": {"use_exact_code_as_customer_number": False},
        # The Exact emulator's division books in EUR, the eAccounting company in SEK: vouchers need a rate.
        "currency": {"rates": dict(SEK_PER_UNIT)},
    }
    if article_coding_id and article_unit_id:
        rules["articles"] = {
            "create_missing": True,
            "new_article_coding_id": article_coding_id,
            "new_article_unit_id": article_unit_id,
        }
    return rules


def goods_coding_and_unit(dump: dict[str, Any]) -> tuple[str, str]:
    """The 25 % goods coding and the first unit of an emulator's dump, looked up rather than hard-coded."""
    coding = next(c["Id"] for c in dump["articleaccountcodings"] if c.get("VatRatePercent") in (0.25, 25))
    return coding, dump["units"][0]["Id"]
