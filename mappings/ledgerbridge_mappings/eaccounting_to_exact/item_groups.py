"""Resolves the Exact item group of an eAccounting article: the assortment rule applied to one ArticleApi record, and
the chosen group code turned into its Exact ID through the logistics/ItemGroups read once per sync."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ledgerbridge_mappings.eaccounting_to_exact.lookups import CodeIndex
from ledgerbridge_mappings.eaccounting_to_exact.rules.item_groups import ItemGroupRules
from ledgerbridge_mappings.plan import RecordRejected
from ledgerbridge_mappings.shared.text import clean

ITEM_GROUP_FIELD = "ItemGroup"


@dataclass(frozen=True, slots=True)
class GroupChoice:
    """The group code an article gets and the setting that chose it (named when the code does not exist)."""

    code: str
    setting: str


def _key(value: object) -> str | None:
    text = clean(value)
    return text.casefold() if text else None


class ItemGroupResolver:
    def __init__(self, rules: ItemGroupRules, groups: CodeIndex) -> None:
        self.rules = rules
        self.groups = groups
        self._by_number = {
            m.article_number.strip().casefold(): (m.exact_item_group, f"by_article_number[{i}]")
            for i, m in enumerate(rules.by_article_number)
        }
        # Longest prefix first, so 'WEB-B2B-' wins over 'WEB-'.
        self._prefixes = sorted(
            (
                (m.number_prefix.strip().casefold(), m.exact_item_group, f"by_number_prefix[{i}]")
                for i, m in enumerate(rules.by_number_prefix)
            ),
            key=lambda entry: -len(entry[0]),
        )
        self._by_coding = {
            m.eaccounting_coding.strip().casefold(): (m.exact_item_group, f"by_coding[{i}]")
            for i, m in enumerate(rules.by_coding)
        }
        self._by_unit = {
            m.eaccounting_unit.strip().casefold(): (m.exact_item_group, f"by_unit[{i}]")
            for i, m in enumerate(rules.by_unit)
        }

    def choose(self, record: Mapping[str, Any], number: str) -> GroupChoice | None:
        """The first match: exact article number, longest number prefix, account coding, unit, then the default."""
        wanted = number.strip().casefold()
        found = self._by_number.get(wanted)
        if found is None:
            found = next(((group, s) for prefix, group, s in self._prefixes if wanted.startswith(prefix)), None)
        for table, names in (
            (self._by_coding, ("CodingName", "CodingId")),
            (self._by_unit, ("UnitAbbreviation", "UnitName")),
        ):
            if found is not None:
                break
            for name in names:
                key = _key(record.get(name))
                if key is not None and key in table:
                    found = table[key]
                    break
        if found is not None:
            return GroupChoice(found[0], f"items.item_groups.{found[1]}")
        if self.rules.default is not None:
            return GroupChoice(self.rules.default, "items.item_groups.default")
        return None

    def item_group_id(self, record: Mapping[str, Any], number: str) -> str | None:
        """The Exact ItemGroup ID for the article, ``None`` when no rule applies; refuses an unknown group code."""
        choice = self.choose(record, number)
        if choice is None:
            return None
        group_id = self.groups.id_of(choice.code)
        if group_id is None:
            raise RecordRejected(
                ITEM_GROUP_FIELD, f"Exact item group {choice.code!r} (from {choice.setting}) does not exist in Exact"
            )
        return group_id
