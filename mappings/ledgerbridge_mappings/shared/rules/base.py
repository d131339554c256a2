"""Shared base for rule models: strict (a typo in a config key is an error, not an ignored setting), immutable."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class RuleModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class LongText(StrEnum):
    """What to do with text longer than the target field allows."""

    ERROR = "error"
    TRUNCATE = "truncate"
