"""How a document's Exact reference is kept in eAccounting: written by one flow, read back by the other."""

from __future__ import annotations

from pydantic import Field, field_validator

from ledgerbridge_mappings.shared.rules.base import RuleModel


class ReferenceRule(RuleModel):
    """Every document carries its Exact reference in a field the user sees; that is also how reruns find it."""

    order_field: str = Field(
        default="OurReference",
        title="Reference field on documents",
        description="eAccounting document field that receives the Exact reference (for example 'Exact SO 1042'). "
        "Vouchers always carry it at the start of VoucherText.",
        examples=["OurReference"],
    )
    prefix: str = Field(
        default="Exact",
        min_length=1,
        max_length=20,
        title="Reference prefix",
        description="Text in front of the Exact document kind and number in the reference.",
        examples=["Exact"],
    )

    @field_validator("order_field")
    @classmethod
    def _reference_field_is_writable(cls, value: str) -> str:
        allowed = {"OurReference", "YourReference", "BuyersOrderReference"}
        if value not in allowed:
            raise ValueError(f"must be one of {sorted(allowed)} (writable text fields on every document type)")
        return value
