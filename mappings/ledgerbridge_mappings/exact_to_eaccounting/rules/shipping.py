"""Exact shipping methods → eAccounting delivery methods, and shipping cost as an article row."""

from __future__ import annotations

from pydantic import Field

from ledgerbridge_mappings.shared.rules.base import RuleModel


class ShippingMethodMapping(RuleModel):
    exact_method: str = Field(
        title="Exact shipping method",
        description="Code, description or ID (Guid) of the Exact shipping method. Exact sales orders carry only the "
        "ID and description; a code is resolved through Exact's shipping methods, so sync the source's "
        "shipping_methods stream in the same connection when the map names codes.",
        min_length=1,
        examples=["POSTNL"],
    )
    eaccounting_method: str = Field(
        title="eAccounting delivery method",
        description="Name, code or Id of the eAccounting delivery method.",
        min_length=1,
        examples=["PostNord"],
    )
    shipping_cost: float | None = Field(
        default=None,
        ge=0,
        title="Shipping cost",
        description="Amount (excl. VAT) charged as a shipping row for orders with this method.",
        examples=[6.95],
    )


class ShippingRules(RuleModel):
    map: list[ShippingMethodMapping] = Field(
        default=[],
        title="Shipping method map",
        description="eAccounting delivery method (and shipping cost row) for each Exact shipping method.",
        examples=[[{"exact_method": "POSTNL", "eaccounting_method": "PostNord", "shipping_cost": 6.95}]],
    )
    default_method: str | None = Field(
        default=None,
        title="Default delivery method",
        description="eAccounting delivery method (name, code or Id) for orders whose shipping method is not mapped.",
        examples=["PostNord"],
    )
    shipping_article_number: str | None = Field(
        default=None,
        title="Shipping cost article",
        description="Number of the eAccounting article (a service article such as 'Frakt') that carries shipping "
        "cost rows. eAccounting documents have no shipping-cost field.",
        examples=["FRAKT"],
    )
    shipping_item_codes: list[str] = Field(
        default=[],
        title="Exact shipping items",
        description="Exact item codes of order lines that are shipping charges; they become rows on the shipping "
        "article.",
        examples=[["VERZEND"]],
    )
