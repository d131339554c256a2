"""Country codes in rule configs: validated and normalised to ISO 3166-1 alpha-2 when the config is read."""

from __future__ import annotations

from ledgerbridge_mappings.shared.countries import normalise_country


def country_code(value: str) -> str:
    country = normalise_country(value)
    if country is None:
        raise ValueError(f"{value!r} is not an ISO 3166 country code")
    return country
