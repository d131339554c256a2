"""How an eAccounting customer becomes (or updates) an Exact account, with its main contact for companies."""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from ledgerbridge_mappings.shared.rules.base import RuleModel
from ledgerbridge_mappings.shared.rules.countries import country_code
from ledgerbridge_mappings.shared.rules.match_keys import MatchKey

_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def field_names(value: list[str]) -> list[str]:
    bad = [name for name in value if not _FIELD_NAME.match(name)]
    if bad:
        raise ValueError(f"{bad} are not Exact field names")
    return sorted(set(value), key=value.index)


class CountrySalesVatCode(RuleModel):
    country: str = Field(title="Country", description="ISO 3166-1 alpha-2 code.", examples=["BE"])
    exact_code: str = Field(
        title="Exact VAT code",
        description="Sales VAT code given to accounts in this country.",
        min_length=1,
        examples=["1"],
    )

    @field_validator("country")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return country_code(value)


class AccountVatRules(RuleModel):
    """The account's default sales VAT code (``SalesVATCode``), which Exact proposes on its sales documents."""

    home_country: str | None = Field(
        default=None,
        title="Company country",
        description="Country of the Exact administration (ISO alpha-2); needed to tell domestic, EU and export "
        "customers apart for the reverse-charge and export codes.",
        examples=["NL"],
    )
    per_country: list[CountrySalesVatCode] = Field(
        default=[],
        title="Default sales VAT code per country",
        description="Exact VAT code for customers in each country (invoice country of the eAccounting customer).",
        examples=[[{"country": "NL", "exact_code": "1"}]],
    )
    eu_reverse_charge_code: str | None = Field(
        default=None,
        title="EU reverse-charge VAT code",
        description="For companies in another EU country with a valid VAT number (needs the company country).",
        examples=["4"],
    )
    export_code: str | None = Field(
        default=None,
        title="Export VAT code",
        description="For customers outside the EU (needs the company country).",
        examples=["5"],
    )
    default_code: str | None = Field(
        default=None,
        title="Default sales VAT code",
        description="When nothing else applies; empty leaves SalesVATCode unset so Exact uses its own default.",
        examples=["1"],
    )

    @field_validator("home_country")
    @classmethod
    def _home(cls, value: str | None) -> str | None:
        return country_code(value) if value is not None else None

    @model_validator(mode="after")
    def _consistent(self) -> AccountVatRules:
        countries = [c.country for c in self.per_country]
        duplicates = sorted({c for c in countries if countries.count(c) > 1})
        if duplicates:
            raise ValueError(f"per_country lists {duplicates} more than once")
        if (self.eu_reverse_charge_code or self.export_code) and self.home_country is None:
            raise ValueError("home_country is required for the reverse-charge and export codes")
        return self

    def configured_codes(self) -> list[tuple[str, str]]:
        named = [(f"customers.vat.per_country[{i}].exact_code", c.exact_code) for i, c in enumerate(self.per_country)]
        for name in ("eu_reverse_charge_code", "export_code", "default_code"):
            value = getattr(self, name)
            if value:
                named.append((f"customers.vat.{name}", value))
        return named


class CountryRevenue(RuleModel):
    country: str = Field(title="Country", description="ISO 3166-1 alpha-2 code.", examples=["DE"])
    gl_account: str = Field(
        title="Revenue G/L account", description="Code of the Exact G/L account.", min_length=1, examples=["8010"]
    )
    cost_center: str | None = Field(
        default=None,
        title="Cost centre",
        description="Exact cost centre code expected on this revenue; checked against the G/L account (see docs).",
        examples=["200"],
    )
    cost_unit: str | None = Field(
        default=None, title="Cost unit", description="Exact cost unit code; checked likewise.", examples=["WEB"]
    )

    @field_validator("country")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return country_code(value)


class RevenueRules(RuleModel):
    """The account's revenue G/L account (``GLAccountSales``) by the customer's country.

    Exact accounts have no writable cost centre or cost unit (``crm/Accounts.Costcenter`` is obsolete and read-only);
    Exact books revenue with the cost centre and unit linked to the G/L account, so those are checked there.
    """

    per_country: list[CountryRevenue] = Field(
        default=[],
        title="Revenue account per country",
        description="Revenue G/L account (and cost center) for accounts in each country.",
        examples=[[{"country": "DE", "gl_account": "8010", "cost_center": "200"}]],
    )
    default_gl_account: str | None = Field(
        default=None,
        title="Default revenue G/L account",
        description="For countries not listed; empty leaves GLAccountSales unset (Exact's default applies).",
        examples=["8000"],
    )

    @model_validator(mode="after")
    def _unique(self) -> RevenueRules:
        countries = [c.country for c in self.per_country]
        duplicates = sorted({c for c in countries if countries.count(c) > 1})
        if duplicates:
            raise ValueError(f"per_country lists {duplicates} more than once")
        return self

    def for_country(self, country: str | None) -> str | None:
        for entry in self.per_country:
            if entry.country == country:
                return entry.gl_account
        return self.default_gl_account


class AccountRules(RuleModel):
    match_key: MatchKey = Field(
        default=MatchKey.EMAIL,
        title="Match accounts on",
        description="Which field finds the Exact account of an eAccounting customer: e-mail address, customer "
        "number (= Exact account code) or VAT number.",
        examples=["email"],
    )
    create_missing: bool = Field(
        default=True, title="Create missing accounts", description="Create an Exact account when none matches."
    )
    update_existing: bool = Field(
        default=False,
        title="Update existing accounts",
        description="Send the fields that changed to a matched account (and its contact); otherwise a matched "
        "customer is skipped.",
    )
    create_only_fields: list[str] = Field(
        default=[],
        title="Account fields set only on create",
        description="Exact account fields (for example 'Phone', 'SalesVATCode') written when the account is created "
        "and never overwritten afterwards, so data enriched in Exact stays.",
        examples=[["Phone", "Website"]],
    )
    contact_create_only_fields: list[str] = Field(
        default=[],
        title="Contact fields set only on create",
        description="Exact contact fields written only when the contact is created.",
        examples=[["Phone"]],
    )
    use_customer_number_as_code: bool = Field(
        default=True,
        title="Use eAccounting customer number as account code",
        description="New accounts get the CustomerNumber as Exact Code; otherwise Exact numbers them.",
    )
    vat: AccountVatRules = Field(default_factory=AccountVatRules, title="Sales VAT code")
    revenue: RevenueRules = Field(default_factory=RevenueRules, title="Revenue account")

    @field_validator("create_only_fields", "contact_create_only_fields")
    @classmethod
    def _field_names(cls, value: list[str]) -> list[str]:
        return field_names(value)
