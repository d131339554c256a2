"""eAccounting stock balances → one processed Exact stock count per sync."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from ledgerbridge_mappings.shared.rules.base import RuleModel


class StockCalculation(StrEnum):
    """Which eAccounting ArticleApi quantity Exact's stock should equal."""

    BALANCE_MINUS_RESERVED = "balance_minus_reserved"
    AVAILABLE = "available"
    BALANCE = "balance"


class NegativeStock(StrEnum):
    ZERO = "zero"
    KEEP = "keep"
    ERROR = "error"


class StockRules(RuleModel):
    enabled: bool = Field(default=True, title="Sync stock", description="Write stock counts where a quantity changed.")
    calculation: StockCalculation = Field(
        default=StockCalculation.BALANCE_MINUS_RESERVED,
        title="Quantity",
        description="balance_minus_reserved: StockBalance - StockBalanceReserved (stock on hand minus what open "
        "orders reserve); available: StockBalanceAvailable as eAccounting reports it; balance: StockBalance.",
        examples=["balance_minus_reserved"],
    )
    warehouse: str | None = Field(
        default=None,
        title="Exact warehouse",
        description="Code of the Exact warehouse whose stock is counted; empty means the main warehouse.",
        examples=["1"],
    )
    negative: NegativeStock = Field(
        default=NegativeStock.ZERO,
        title="Negative quantities",
        description="zero: count 0 and warn; keep: count the negative quantity; error: the article fails.",
        examples=["zero"],
    )
    description: str = Field(
        default="eAccounting stock",
        min_length=1,
        max_length=60,
        title="Stock count description",
        description="Text in front of the date in each stock count's Description.",
    )
