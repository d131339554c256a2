"""Exact payment conditions → eAccounting terms of payment."""

from __future__ import annotations

from pydantic import Field, model_validator

from ledgerbridge_mappings.shared.rules.base import RuleModel


class PaymentConditionMapping(RuleModel):
    exact_code: str = Field(
        title="Exact payment condition code",
        description="Payment condition code on the Exact document.",
        min_length=1,
        examples=["30"],
    )
    eaccounting_terms: str = Field(
        title="eAccounting terms of payment",
        description="Name or Id of the eAccounting terms of payment.",
        min_length=1,
        examples=["30 dagar netto"],
    )


class PaymentTermsRules(RuleModel):
    map: list[PaymentConditionMapping] = Field(
        default=[],
        title="Payment condition map",
        description="Exact payment condition code → eAccounting terms of payment (by name or Id).",
        examples=[[{"exact_code": "30", "eaccounting_terms": "30 days"}]],
    )
    default_terms: str | None = Field(
        default=None,
        title="Default terms of payment",
        description="Name or Id used when a payment condition is not in the map (and for new customers without one).",
        examples=["30 days"],
    )
    force_default: bool = Field(
        default=False,
        title="Always use the default terms",
        description="Ignore the Exact payment condition and always use the default terms of payment.",
    )

    @model_validator(mode="after")
    def _force_needs_default(self) -> PaymentTermsRules:
        if self.force_default and not self.default_terms:
            raise ValueError("default_terms is required when force_default is true")
        codes = [m.exact_code.strip().upper() for m in self.map]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"map lists Exact payment condition(s) {duplicates} more than once")
        return self
