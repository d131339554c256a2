"""The assortment rule: which Exact item group (logistics/ItemGroups, by code) an eAccounting article's item joins."""

from __future__ import annotations

from pydantic import Field, model_validator

from ledgerbridge_mappings.shared.rules.base import RuleModel

_GROUP = Field(
    title="Exact item group code",
    description="Code of the group in Exact (logistics/ItemGroups); check fails when Exact has no such group.",
    min_length=1,
    examples=["100"],
)


class GroupByNumber(RuleModel):
    article_number: str = Field(
        title="eAccounting article number",
        description="The article's Number, exactly (case and surrounding spaces ignored).",
        min_length=1,
        examples=["BIKE-01"],
    )
    exact_item_group: str = _GROUP


class GroupByNumberPrefix(RuleModel):
    number_prefix: str = Field(
        title="Article number prefix",
        description="Articles whose Number starts with this; the longest matching prefix wins.",
        min_length=1,
        examples=["WEB-"],
    )
    exact_item_group: str = _GROUP


class GroupByCoding(RuleModel):
    eaccounting_coding: str = Field(
        title="eAccounting account coding",
        description="CodingName or CodingId of the article.",
        min_length=1,
        examples=["Varor 25%"],
    )
    exact_item_group: str = _GROUP


class GroupByUnit(RuleModel):
    eaccounting_unit: str = Field(
        title="eAccounting unit", description="UnitAbbreviation or UnitName.", min_length=1, examples=["kg"]
    )
    exact_item_group: str = _GROUP


class ItemGroupRules(RuleModel):
    """The first that matches wins: exact article number, longest number prefix, account coding, unit, default."""

    by_article_number: list[GroupByNumber] = Field(
        default=[],
        title="Item group by article number",
        description="Articles with exactly this number; checked first.",
        examples=[[{"article_number": "BIKE-01", "exact_item_group": "200"}]],
    )
    by_number_prefix: list[GroupByNumberPrefix] = Field(
        default=[],
        title="Item group by article number prefix",
        description="Articles whose number starts with the prefix; the longest matching prefix wins.",
        examples=[[{"number_prefix": "WEB-", "exact_item_group": "100"}]],
    )
    by_coding: list[GroupByCoding] = Field(
        default=[],
        title="Item group by account coding",
        description="Articles by account coding (CodingName or CodingId), when no number rule matched.",
        examples=[[{"eaccounting_coding": "Varor 25%", "exact_item_group": "100"}]],
    )
    by_unit: list[GroupByUnit] = Field(
        default=[],
        title="Item group by unit",
        description="Articles by unit (UnitAbbreviation or UnitName), when no number or coding rule matched.",
        examples=[[{"eaccounting_unit": "kg", "exact_item_group": "300"}]],
    )
    default: str | None = Field(
        default=None,
        min_length=1,
        title="Default item group",
        description="Exact item group code for articles no entry matches; empty leaves ItemGroup to Exact "
        "(its default group on create, unchanged on update).",
        examples=["000"],
    )

    def configured_codes(self) -> list[tuple[str, str]]:
        """(setting, Exact item group code) of every entry, for ``check``."""
        found: list[tuple[str, str]] = []
        for name in ("by_article_number", "by_number_prefix", "by_coding", "by_unit"):
            for index, entry in enumerate(getattr(self, name)):
                found.append((f"items.item_groups.{name}[{index}].exact_item_group", entry.exact_item_group))
        if self.default is not None:
            found.append(("items.item_groups.default", self.default))
        return found

    @property
    def configured(self) -> bool:
        return bool(self.configured_codes())

    @model_validator(mode="after")
    def _unique(self) -> ItemGroupRules:
        for name, keys in (
            ("by_article_number", [m.article_number.strip().casefold() for m in self.by_article_number]),
            ("by_number_prefix", [m.number_prefix.strip().casefold() for m in self.by_number_prefix]),
            ("by_coding", [m.eaccounting_coding.strip().casefold() for m in self.by_coding]),
            ("by_unit", [m.eaccounting_unit.strip().casefold() for m in self.by_unit]),
        ):
            duplicates = sorted({k for k in keys if keys.count(k) > 1})
            if duplicates:
                raise ValueError(f"item_groups.{name} lists {duplicates} more than once")
        return self
