"""Shared base for rule models: strict (a typo in a config key is an error, not an ignored setting), immutable."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict


class RuleModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class LongText(StrEnum):
    """What to do with text longer than the target field allows."""

    ERROR = "error"
    TRUNCATE = "truncate"


SectionT = TypeVar("SectionT", bound=RuleModel)


def section(rules: type[SectionT], title: str, description: str, group: str | None = None) -> SectionT:
    """One section of a flow's rules as the connector form shows it: its own defaults when left out, under ``group``
    (one of the flow's form groups) when the flow has groups."""
    extra: JsonDict | None = {"group": group} if group else None
    chosen: SectionT = Field(default_factory=rules, title=title, description=description, json_schema_extra=extra)
    return chosen
