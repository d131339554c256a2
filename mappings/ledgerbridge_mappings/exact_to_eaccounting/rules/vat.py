"""VAT: Exact VAT codes or the customer's country → eAccounting VAT codes."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from ledgerbridge_mappings.shared.rules.base import RuleModel
from ledgerbridge_mappings.shared.rules.countries import country_code


class VatMode(StrEnum):
    BY_CODE = "by_code"
    BY_COUNTRY = "by_country"


class CountryBasis(StrEnum):
    INVOICE = "invoice"
    DELIVERY = "delivery"


class VatCodeMapping(RuleModel):
    exact_code: str = Field(
        title="Exact VAT code", description="VAT code on the Exact line.", min_length=1, examples=["2"]
    )
    eaccounting_code: str = Field(
        title="eAccounting VAT code", description="VAT code the eAccounting row gets.", min_length=1, examples=["MP1"]
    )


class CountryVatCode(RuleModel):
    country: str = Field(title="Country", description="ISO 3166-1 alpha-2 code.", examples=["DE"])
    eaccounting_code: str = Field(
        title="eAccounting VAT code", description="VAT code the eAccounting row gets.", min_length=1, examples=["MP1"]
    )

    @field_validator("country")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return country_code(value)


class VatRules(RuleModel):
    mode: VatMode = Field(
        default=VatMode.BY_CODE,
        title="VAT mapping",
        description="by_code: translate each Exact line's VAT code through the code map (unmapped codes fall back to "
        "the country default, then the fallback code); by_country: decide from the customer's country and VAT "
        "number (domestic, EU reverse charge, EU consumer, export).",
        examples=["by_code"],
    )
    home_country: str | None = Field(
        default=None,
        title="Company country",
        description="Country of the eAccounting company (ISO alpha-2). Needed to tell domestic, EU and export sales "
        "apart.",
        examples=["NL"],
    )
    country_basis: CountryBasis = Field(
        default=CountryBasis.DELIVERY,
        title="Country that decides VAT",
        description="Use the invoice country or the delivery country of the order.",
        examples=["delivery"],
    )
    code_map: list[VatCodeMapping] = Field(
        default=[],
        title="VAT code map",
        description="Exact VAT code → eAccounting VAT code.",
        examples=[[{"exact_code": "2", "eaccounting_code": "MP1"}]],
    )
    per_country: list[CountryVatCode] = Field(
        default=[],
        title="Default VAT code per country",
        description="eAccounting VAT code for sales to each country (domestic rate for the company country, OSS "
        "rates for EU consumers).",
        examples=[[{"country": "NL", "eaccounting_code": "MP1"}]],
    )
    eu_reverse_charge_code: str | None = Field(
        default=None,
        title="EU reverse-charge VAT code",
        description="Used in by_country mode for a business customer in another EU country with a valid VAT number.",
        examples=["MP0EU"],
    )
    export_code: str | None = Field(
        default=None,
        title="Export VAT code",
        description="Used in by_country mode for customers outside the EU (or any foreign customer of a non-EU "
        "company).",
        examples=["MP0EX"],
    )
    fallback_code: str | None = Field(
        default=None,
        title="Fallback VAT code",
        description="Used when nothing else applies; without it such a line fails naming its VAT code.",
        examples=["MP1"],
    )
    accept_rate_differences: bool = Field(
        default=False,
        title="Accept other VAT rates than Exact's",
        description="Off (default): a document whose VAT, as eAccounting will book it, differs from the VAT on the "
        "Exact document is refused, except where a 0 % rule (EU reverse charge, export) explains it. On: book VAT "
        "at eAccounting's rates and log each difference with both rates; only for companies whose two systems sit "
        "in different VAT jurisdictions. Net amounts and currencies are always checked to the cent.",
    )

    @field_validator("home_country")
    @classmethod
    def _home(cls, value: str | None) -> str | None:
        return country_code(value) if value is not None else None

    @model_validator(mode="after")
    def _consistent(self) -> VatRules:
        exact_codes = [m.exact_code.strip().upper() for m in self.code_map]
        duplicates = sorted({c for c in exact_codes if exact_codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"code_map lists Exact VAT code(s) {duplicates} more than once")
        countries = [c.country for c in self.per_country]
        duplicates = sorted({c for c in countries if countries.count(c) > 1})
        if duplicates:
            raise ValueError(f"per_country lists {duplicates} more than once")
        if self.mode is VatMode.BY_COUNTRY and self.home_country is None:
            raise ValueError("home_country is required in by_country mode")
        return self

    def configured_codes(self) -> list[tuple[str, str]]:
        """(setting path, eAccounting code) for every code the config names, for checking against the company."""
        named: list[tuple[str, str]] = [
            (f"vat.code_map[{i}].eaccounting_code", m.eaccounting_code) for i, m in enumerate(self.code_map)
        ]
        named += [
            (f"vat.per_country[{i}].eaccounting_code", c.eaccounting_code) for i, c in enumerate(self.per_country)
        ]
        for name in ("eu_reverse_charge_code", "export_code", "fallback_code"):
            value = getattr(self, name)
            if value:
                named.append((f"vat.{name}", value))
        return named
