"""Exact cost centres and cost units → eAccounting cost-centre items (dimensions 1-3)."""

from __future__ import annotations

from pydantic import Field, model_validator

from ledgerbridge_mappings.shared.rules.base import RuleModel


class CostCentreRules(RuleModel):
    cost_center_dimension: int | None = Field(
        default=None,
        ge=1,
        le=3,
        title="Dimension for Exact cost centres",
        description="eAccounting cost centre (1-3) whose items carry Exact cost centre codes, matched on the item's "
        "short name or name. Empty: cost centres are not transferred.",
        examples=[1],
    )
    cost_unit_dimension: int | None = Field(
        default=None,
        ge=1,
        le=3,
        title="Dimension for Exact cost units",
        description="eAccounting cost centre (1-3) whose items carry Exact cost unit codes. Empty: not transferred.",
        examples=[2],
    )
    unknown_item: str = Field(
        default="error",
        pattern="^(error|ignore)$",
        title="Unknown cost-centre item",
        description="error: the record fails naming the code; ignore: the row goes without that dimension.",
        examples=["error"],
    )

    @model_validator(mode="after")
    def _distinct(self) -> CostCentreRules:
        if self.cost_center_dimension is not None and self.cost_center_dimension == self.cost_unit_dimension:
            raise ValueError("cost centres and cost units cannot share one eAccounting dimension")
        return self
