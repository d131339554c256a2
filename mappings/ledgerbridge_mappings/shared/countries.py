"""Country codes: normalising what the sources send to ISO 3166-1 alpha-2, and EU membership for VAT scenarios."""

from __future__ import annotations

from functools import lru_cache

import pycountry

# EU member states for VAT purposes (ISO alpha-2). Greece is "GR" in ISO 3166 although its VAT prefix is "EL".
EU_MEMBER_STATES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)


@lru_cache(maxsize=512)
def normalise_country(value: str) -> str | None:
    """``" nl "`` → ``"NL"``, ``"NLD"`` → ``"NL"``, ``"Netherlands"`` → ``"NL"``; ``None`` when it is no country.

    Exact stores a code but users type into it; eAccounting accepts only alpha-2 codes.
    """
    text = value.strip()
    if not text:
        return None
    if len(text) == 2:
        country = pycountry.countries.get(alpha_2=text.upper())
    elif len(text) == 3:
        country = pycountry.countries.get(alpha_3=text.upper())
    else:
        try:
            country = pycountry.countries.lookup(text)
        except LookupError:
            country = None
    return country.alpha_2 if country is not None else None


def is_eu(country: str) -> bool:
    return country in EU_MEMBER_STATES
