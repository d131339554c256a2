"""Exact financial mutations (transaction lines) → balanced eAccounting vouchers."""

from __future__ import annotations

from pydantic import Field, model_validator

from ledgerbridge_mappings.shared.rules.base import RuleModel


class GLAccountMapping(RuleModel):
    exact_code: str = Field(
        title="Exact G/L account code", description="G/L account on the Exact line.", min_length=1, examples=["8000"]
    )
    eaccounting_account: int = Field(
        ge=1,
        le=9_999_999_999,
        title="eAccounting account",
        description="eAccounting account the voucher row is booked on.",
        examples=[3001],
    )


class FinancialMutationRules(RuleModel):
    gl_account_map: list[GLAccountMapping] = Field(
        default=[],
        title="G/L account map",
        description="Exact G/L account code → eAccounting account number.",
        examples=[[{"exact_code": "8000", "eaccounting_account": 3001}]],
    )
    same_number_when_unmapped: bool = Field(
        default=False,
        title="Keep numeric codes",
        description="Use a numeric Exact G/L code as the eAccounting account number when it is not in the map.",
    )
    transaction_types: list[int] = Field(
        default=[],
        title="Transaction types",
        description="Exact transaction Type values to transfer (20 sales entry, 21 sales credit note, 30 purchase "
        "entry, 40 cash flow, 90 other, …); empty means all except 10 opening balance.",
        examples=[[20, 21, 90]],
    )
    journals: list[str] = Field(
        default=[],
        title="Journals",
        description="Exact journal codes to transfer; empty means all.",
        examples=[["70", "90"]],
    )
    rounding_account: int | None = Field(
        default=None,
        ge=1,
        le=9_999_999_999,
        title="Rounding account",
        description="Account that takes a rounding difference up to the tolerance; without it any difference fails.",
        examples=[3740],
    )
    rounding_tolerance: float = Field(
        default=0.01,
        ge=0,
        le=1,
        title="Rounding tolerance",
        description="Largest difference between debit and credit (after rounding each row to cents) that is booked "
        "on the rounding account.",
        examples=[0.01],
    )

    @model_validator(mode="after")
    def _unique(self) -> FinancialMutationRules:
        codes = [m.exact_code.strip() for m in self.gl_account_map]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"gl_account_map lists {duplicates} more than once")
        return self
