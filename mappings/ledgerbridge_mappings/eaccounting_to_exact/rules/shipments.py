"""Shipped eAccounting orders that came from Exact → goods deliveries on the originating Exact sales order."""

from __future__ import annotations

from pydantic import Field, model_validator

from ledgerbridge_mappings.shared.paths import parse_path
from ledgerbridge_mappings.shared.rules.base import RuleModel
from ledgerbridge_mappings.shared.rules.references import ReferenceRule


class ShippingMethodMapping(RuleModel):
    eaccounting_method: str = Field(
        title="eAccounting delivery method",
        description="DeliveryMethodCode or DeliveryMethodName of the order.",
        min_length=1,
        examples=["PN"],
    )
    exact_method: str = Field(
        title="Exact shipping method", description="Code, description or ID.", min_length=1, examples=["POSTNL"]
    )


class ShipmentRules(RuleModel):
    enabled: bool = Field(
        default=True, title="Sync shipments", description="Write goods deliveries for shipped eAccounting orders."
    )
    reference: ReferenceRule = Field(
        default_factory=ReferenceRule,
        title="Exact reference",
        description="Where destination-eaccounting wrote the Exact reference ('Exact SO 1042'); keep it equal to "
        "that connector's setting.",
    )
    shipping_method_map: list[ShippingMethodMapping] = Field(
        default=[],
        title="Delivery method map",
        description="Exact shipping method for each eAccounting delivery method.",
        examples=[[{"eaccounting_method": "PN", "exact_method": "POSTNL"}]],
    )
    default_shipping_method: str | None = Field(
        default=None,
        title="Default shipping method",
        description="Exact shipping method for unmapped delivery methods; empty leaves it unset.",
        examples=["POSTNL"],
    )
    tracking_number_field: str | None = Field(
        default=None,
        title="Tracking number field",
        description="Path in the eAccounting order holding the tracking number (eAccounting has no tracking field; "
        "for example 'YourReference').",
        examples=["YourReference"],
    )
    tracking_text_prefix: str | None = Field(
        default="Tracking:",
        title="Tracking text row prefix",
        description="A text row starting with this carries the tracking number after it ('Tracking: 00370…').",
        examples=["Tracking:"],
    )
    ignored_article_numbers: list[str] = Field(
        default=[],
        title="Articles not on Exact orders",
        description="Article numbers of rows eAccounting adds (shipping cost, discount) that have no Exact line.",
        examples=[["FRAKT", "RABATT"]],
    )

    @model_validator(mode="after")
    def _valid(self) -> ShipmentRules:
        if self.tracking_number_field is not None:
            path = parse_path(self.tracking_number_field)
            if path.wildcards:
                raise ValueError("tracking_number_field may not contain [*]")
        keys = [m.eaccounting_method.strip().casefold() for m in self.shipping_method_map]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"shipping_method_map lists {duplicates} more than once")
        return self
