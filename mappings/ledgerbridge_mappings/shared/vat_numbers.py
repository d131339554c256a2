"""VAT identification numbers: compact form, country prefix and validity, through python-stdnum."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError

# VAT prefixes that differ from the ISO country code.
_PREFIX_TO_COUNTRY = {"EL": "GR", "XI": "GB"}


@dataclass(frozen=True, slots=True)
class VatNumber:
    compact: str
    country: str | None
    valid: bool


@lru_cache(maxsize=4096)
def parse_vat_number(value: str, country_hint: str | None = None) -> VatNumber | None:
    """Compact a VAT number (``"NL 8530.06.347.B01"`` → ``"NL853006347B01"``) and check it for its country.

    A number typed without its prefix gets the customer's country prefix, as eAccounting expects
    "2 character country code followed by 8-12 numbers and letters". Non-EU numbers (Norway's MVA) are checked
    through stdnum's country module where one exists.
    """
    text = value.strip()
    if not text:
        return None
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if not compact[:2].isalpha() and country_hint:
        prefix = "EL" if country_hint == "GR" else country_hint
        compact = prefix + compact
    prefix = compact[:2]
    country = _PREFIX_TO_COUNTRY.get(prefix, prefix) if prefix.isalpha() else None
    valid = False
    try:
        compact = eu_vat.validate(compact)
        valid = True
    except ValidationError:
        valid = _valid_outside_eu(compact)
    return VatNumber(compact=compact, country=country, valid=valid)


def _valid_outside_eu(compact: str) -> bool:
    if compact.startswith("NO"):
        from stdnum.no import mva

        return mva.is_valid(compact)
    if compact.startswith("CH"):
        from stdnum.ch import vat as ch_vat

        return ch_vat.is_valid(compact)
    if compact.startswith("GB"):
        from stdnum.gb import vat as gb_vat

        return gb_vat.is_valid(compact[2:])
    return False
