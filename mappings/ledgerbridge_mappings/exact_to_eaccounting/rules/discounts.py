"""Line and order-level discounts."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from ledgerbridge_mappings.shared.rules.base import RuleModel


class DiscountUnit(StrEnum):
    """How the Exact record expresses a discount: 0.1 (fraction) or 10 (percent) for ten percent."""

    FRACTION = "fraction"
    PERCENT = "percent"


class OrderDiscountMode(StrEnum):
    SPREAD = "spread"
    ROW = "row"
    IGNORE = "ignore"


class DiscountRules(RuleModel):
    exact_unit: DiscountUnit = Field(
        default=DiscountUnit.FRACTION,
        title="Exact discount unit",
        description="Exact documents line Discount as a fraction ((default price - price) / default price, so 0.1 "
        "is 10 %); choose percent if your administration's order discounts arrive as 10 for 10 %. eAccounting "
        "always stores a fraction 0-1.",
        examples=["fraction"],
    )
    order_discount: OrderDiscountMode = Field(
        default=OrderDiscountMode.SPREAD,
        title="Order-level discount not on the lines",
        description="Exact pushes a header Discount onto every line, so the lines' amounts already include it and "
        "it is never applied twice. This setting only decides how a remainder is carried when the header's "
        "AmountFCExclVat is lower than the sum of its lines: spread: into every row's discount; row: one negative "
        "row per VAT rate on the discount article; ignore: not carried (such documents then fail the totals check "
        "and are not written).",
        examples=["spread"],
    )
    discount_article_number: str | None = Field(
        default=None,
        title="Discount article",
        description="Number of the eAccounting article that carries the negative discount row (mode 'row').",
        examples=["RABATT"],
    )

    @model_validator(mode="after")
    def _row_needs_article(self) -> DiscountRules:
        if self.order_discount is OrderDiscountMode.ROW and not self.discount_article_number:
            raise ValueError("discount_article_number is required when order_discount is 'row'")
        return self
