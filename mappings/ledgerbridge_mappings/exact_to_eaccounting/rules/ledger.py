"""Ledger accounts for sales booked as vouchers: receivable, revenue per country."""

from __future__ import annotations

from pydantic import Field, field_validator

from ledgerbridge_mappings.shared.rules.base import RuleModel
from ledgerbridge_mappings.shared.rules.countries import country_code


class CountryRevenueAccount(RuleModel):
    country: str = Field(title="Country", description="ISO 3166-1 alpha-2 code.", examples=["DE"])
    account_number: int = Field(
        ge=1, le=9_999_999_999, title="Revenue account", description="eAccounting revenue account.", examples=[3108]
    )

    @field_validator("country")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return country_code(value)


class LedgerRules(RuleModel):
    receivable_account: int | None = Field(
        default=None,
        ge=1,
        le=9_999_999_999,
        title="Accounts receivable",
        description="eAccounting account debited with the invoice total when orders are sent as vouchers.",
        examples=[1510],
    )
    default_revenue_account: int | None = Field(
        default=None,
        ge=1,
        le=9_999_999_999,
        title="Default revenue account",
        description="eAccounting account credited with the net amount of voucher sales.",
        examples=[3001],
    )
    revenue_per_country: list[CountryRevenueAccount] = Field(
        default=[],
        title="Revenue account per country",
        description="Revenue account by the country that decides VAT (vouchers only: on orders and invoices the "
        "article's account coding decides the account, which the API cannot override).",
        examples=[[{"country": "DE", "account_number": 3108}]],
    )

    def revenue_account_for(self, country: str | None) -> int | None:
        for entry in self.revenue_per_country:
            if entry.country == country:
                return entry.account_number
        return self.default_revenue_account
