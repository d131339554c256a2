"""How eAccounting articles become Exact items (by SKU) with a sales price, and which articles sync at all."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from ledgerbridge_mappings.eaccounting_to_exact.rules.accounts import field_names
from ledgerbridge_mappings.eaccounting_to_exact.rules.item_groups import ItemGroupRules
from ledgerbridge_mappings.shared.rules.base import LongText, RuleModel
from ledgerbridge_mappings.shared.rules.currency_codes import CurrencyCode, checked_rates


class ArticleFilter(RuleModel):
    """Articles that fail the filter are skipped with the reason logged; they are neither created nor updated."""

    only_active: bool = Field(
        default=True, title="Only active articles", description="Skip articles with IsActive false."
    )
    number_prefixes: list[str] = Field(
        default=[],
        title="Article number prefixes",
        description="Only articles whose Number starts with one of these; empty means any.",
        examples=[["WEB-", "B2B-"]],
    )
    only_stock_articles: bool = Field(
        default=False, title="Only stock articles", description="Skip articles with IsStock false."
    )
    include_service_articles: bool = Field(
        default=True, title="Include service articles", description="Sync articles whose IsServiceArticle is true."
    )


class CodingVatCode(RuleModel):
    eaccounting_coding: str = Field(
        title="eAccounting account coding",
        description="CodingName or CodingId of the article.",
        min_length=1,
        examples=["Varor 25%"],
    )
    exact_code: str = Field(
        title="Exact VAT code", description="Sales VAT code of items with this coding.", min_length=1, examples=["1"]
    )


class UnitMapping(RuleModel):
    eaccounting_unit: str = Field(
        title="eAccounting unit", description="UnitAbbreviation or UnitName.", min_length=1, examples=["st"]
    )
    exact_unit: str = Field(
        title="Exact unit code", description="Exact unit the article unit becomes.", min_length=1, examples=["pc"]
    )


class SourcePrice(StrEnum):
    NET_PRICE = "net_price"
    GROSS_PRICE = "gross_price"


class PriceBasis(StrEnum):
    EXCL_VAT = "excl_vat"
    INCL_VAT = "incl_vat"


class SalesPriceRules(RuleModel):
    enabled: bool = Field(
        default=True,
        title="Write sales prices",
        description="Write each item's general sales price through logistics/SalesItemPrices.",
    )
    source_price: SourcePrice = Field(
        default=SourcePrice.NET_PRICE,
        title="eAccounting price",
        description="net_price: the article's NetPrice (excl. VAT); gross_price: its GrossPrice (incl. VAT).",
        examples=["net_price"],
    )
    exact_basis: PriceBasis = Field(
        default=PriceBasis.EXCL_VAT,
        title="Exact prices are",
        description="Whether the Exact administration's sales prices include VAT. A price on the other basis is "
        "converted with the rate of the item's Exact sales VAT code.",
        examples=["excl_vat"],
    )
    currency: CurrencyCode | None = Field(
        default=None,
        title="eAccounting price currency",
        description="ISO 4217 code of eAccounting's article prices: the company currency (CurrencyCode in "
        "eAccounting's company settings). Required when sales prices are written; a price whose currency is unknown "
        "is refused, never written under another currency's code.",
        examples=["SEK"],
    )
    exact_currency: CurrencyCode | None = Field(
        default=None,
        title="Exact price list currency",
        description="ISO 4217 code of the sales prices written to Exact (the price's Currency). Empty means the "
        "Exact division's own currency, read from Exact.",
        examples=["EUR"],
    )
    rates: dict[CurrencyCode, float] = Field(
        default={},
        title="Exchange rates",
        description="Per eAccounting price currency, how much one unit of it is worth in the Exact price list "
        "currency: {SEK: 0.087} means 1 SEK = 0.087 EUR. Used only when the two currencies differ; a price in a "
        "currency without a rate here is refused naming the price field.",
        examples=[{"SEK": 0.087}],
    )
    decimals: int = Field(
        default=2,
        ge=0,
        le=6,
        title="Price decimals",
        description="Decimals the written price is rounded to, half away from zero, after any VAT and currency "
        "conversion.",
        examples=[2],
    )

    @field_validator("rates")
    @classmethod
    def _rates(cls, value: dict[str, float]) -> dict[str, float]:
        return checked_rates(value)


class ItemRules(RuleModel):
    filter: ArticleFilter = Field(default_factory=ArticleFilter, title="Which articles sync")
    create_missing: bool = Field(
        default=True, title="Create missing items", description="Create an Exact item for an article no item matches."
    )
    update_existing: bool = Field(
        default=True,
        title="Update existing items",
        description="Send the fields that changed to an existing item; fields in the create-only list never.",
    )
    create_only_fields: list[str] = Field(
        default=[],
        title="Item fields set only on create",
        description="Exact item fields written on create and never overwritten (the 'update checkbox' per "
        "field), for example 'ExtraDescription' or 'Notes' when Exact holds the richer text. 'Price' stands "
        "for the sales price.",
        examples=[["Notes", "ExtraDescription"]],
    )
    sales_item: bool = Field(default=True, title="Sales item", description="IsSalesItem of created items.")
    stock_item_from_article: bool = Field(
        default=True,
        title="Stock item from article",
        description="IsStockItem follows the article's IsStock; otherwise items are created as non-stock items.",
    )
    sales_vat_code: str | None = Field(
        default=None,
        title="Default sales VAT code",
        description="Exact VAT code (SalesVatCode) for items whose account coding is not in the map.",
        examples=["1"],
    )
    vat_by_coding: list[CodingVatCode] = Field(
        default=[],
        title="VAT code by account coding",
        description="Exact sales VAT code for the articles of each eAccounting account coding.",
        examples=[[{"eaccounting_coding": "Varor 25%", "exact_code": "1"}]],
    )
    unit_map: list[UnitMapping] = Field(
        default=[],
        title="Unit map",
        description="eAccounting unit → Exact unit code. An unmapped unit whose abbreviation is an Exact unit code "
        "is used as is; otherwise the default unit.",
        examples=[[{"eaccounting_unit": "st", "exact_unit": "pc"}]],
    )
    default_unit: str | None = Field(
        default=None,
        title="Default unit",
        description="Exact unit code for unmapped units; empty leaves Unit unset (Exact's main unit).",
        examples=["pc"],
    )
    prices: SalesPriceRules = Field(
        default_factory=SalesPriceRules,
        title="Sales price",
        description="The general sales price written per item: which eAccounting price, its VAT basis, and its "
        "conversion from the eAccounting company currency into the Exact price list currency.",
    )
    item_groups: ItemGroupRules = Field(
        default_factory=ItemGroupRules,
        title="Item groups",
        description="Which Exact item group (assortment) each item belongs to, by article number, account coding "
        "or unit, with a default. Without any entry and default, ItemGroup is left to Exact.",
    )
    long_text: LongText = Field(
        default=LongText.ERROR,
        title="Text longer than Exact allows",
        description="error: the article fails naming the field; truncate: cut to the allowed length "
        "(Description 60, ExtraDescription 255).",
        examples=["error"],
    )

    @field_validator("create_only_fields")
    @classmethod
    def _field_names(cls, value: list[str]) -> list[str]:
        return field_names(value)

    @model_validator(mode="after")
    def _unique(self) -> ItemRules:
        for name, keys in (
            ("vat_by_coding", [m.eaccounting_coding.strip().casefold() for m in self.vat_by_coding]),
            ("unit_map", [m.eaccounting_unit.strip().casefold() for m in self.unit_map]),
        ):
            duplicates = sorted({k for k in keys if keys.count(k) > 1})
            if duplicates:
                raise ValueError(f"{name} lists {duplicates} more than once")
        return self
