"""VAT scenarios of a sale, seen from the seller's country: both flows classify a sale this one way."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ledgerbridge_mappings.shared.countries import is_eu


class VatScenario(StrEnum):
    MAPPED_CODE = "mapped_code"
    DOMESTIC = "domestic"
    EU_REVERSE_CHARGE = "eu_reverse_charge"
    EU_CONSUMER = "eu_consumer"
    EXPORT = "export"
    COUNTRY_DEFAULT = "country_default"
    FALLBACK = "fallback"


@dataclass(frozen=True, slots=True)
class VatParty:
    """What VAT depends on about the buyer: the country that decides VAT and whether it is a business with a valid
    VAT number (reverse charge needs both)."""

    country: str | None
    has_valid_vat_number: bool


def classify_sale(home_country: str, party: VatParty) -> VatScenario:
    """Domestic, EU reverse charge (a business with a valid VAT number in another member state), EU consumer or
    export, seen from the seller's country. Both flows decide VAT scenarios this one way."""
    if party.country == home_country:
        return VatScenario.DOMESTIC
    if is_eu(home_country) and party.country is not None and is_eu(party.country):
        return VatScenario.EU_REVERSE_CHARGE if party.has_valid_vat_number else VatScenario.EU_CONSUMER
    return VatScenario.EXPORT
