"""Declarative field map: source path → target path through named transforms. Configs name transforms; never code."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from ledgerbridge_mappings.shared.paths import parse_path
from ledgerbridge_mappings.shared.rules.base import RuleModel


class TrimTransform(RuleModel):
    """Trim: strips leading and trailing whitespace."""

    name: Literal["trim"] = Field(title="Transform", description="Strip leading and trailing whitespace.")


class UpperTransform(RuleModel):
    """Upper: upper-cases the text."""

    name: Literal["upper"] = Field(title="Transform", description="Upper-case the text.")


class LowerTransform(RuleModel):
    """Lower: lower-cases the text."""

    name: Literal["lower"] = Field(title="Transform", description="Lower-case the text.")


class TruncateTransform(RuleModel):
    """Truncate: cuts the text to a maximum length."""

    name: Literal["truncate"] = Field(title="Transform", description="Cut the text to a maximum length.")
    length: int = Field(
        ge=1,
        le=100_000,
        title="Maximum length",
        description="Longer texts are cut to this many characters.",
        examples=[50],
    )


class DefaultTransform(RuleModel):
    """Default: supplies a value when the source is empty."""

    name: Literal["default"] = Field(title="Transform", description="Use this value when the source is empty.")
    value: str | float | bool = Field(
        title="Default value", description="Used when the source value is missing or empty.", examples=["n/a"]
    )


class MapEntry(RuleModel):
    source_value: str = Field(title="From", description="A value as the source sends it.", examples=["B"])
    target_value: str = Field(
        title="To", description="What that value becomes in the target.", examples=["Bank transfer"]
    )


class Unmapped(StrEnum):
    KEEP = "keep"
    EMPTY = "empty"
    ERROR = "error"


class MapTransform(RuleModel):
    """Map: translates values through a table."""

    name: Literal["map"] = Field(title="Transform", description="Translate values through a table.")
    table: list[MapEntry] = Field(
        min_length=1,
        title="Table",
        description="One row per source value to translate.",
        examples=[[{"source_value": "B", "target_value": "X"}]],
    )
    unmapped: Unmapped = Field(
        default=Unmapped.KEEP,
        title="Values not in the table",
        description="keep the value, make it empty, or fail the record.",
        examples=["keep"],
    )

    @model_validator(mode="after")
    def _unique_keys(self) -> MapTransform:
        keys = [e.source_value for e in self.table]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"table lists {duplicates} more than once")
        return self


class ConcatTransform(RuleModel):
    """Concat: joins the value with the values of other source paths."""

    name: Literal["concat"] = Field(
        title="Transform", description="Join the value with the values of other source paths, skipping empty ones."
    )
    paths: list[str] = Field(
        min_length=1,
        title="Other source paths",
        description="Source paths whose values are appended, in this order.",
        examples=[["AddressLine2", "AddressLine3"]],
    )
    separator: str = Field(
        default=" ",
        max_length=10,
        title="Separator",
        description="Text put between the joined values.",
        examples=[", "],
    )

    @field_validator("paths")
    @classmethod
    def _paths_parse(cls, value: list[str]) -> list[str]:
        for text in value:
            if parse_path(text).wildcards:
                raise ValueError(f"concat path {text!r} may not contain [*]")
        return value


# strftime directives that format a date or time and cannot reach anything else.
_DATE_DIRECTIVES = set("aAbBdHIjmMpSUWyYzZ%")
_DIRECTIVE = re.compile(r"%(.)")


class DateFormatTransform(RuleModel):
    """Date format: rewrites an ISO 8601 date or date-time with strftime directives."""

    name: Literal["date_format"] = Field(
        title="Transform", description="Reformat an ISO 8601 date or date-time with strftime directives."
    )
    format: str = Field(
        min_length=1,
        max_length=64,
        title="Format",
        description="strftime pattern with date and time directives only, such as %d-%m-%Y.",
        examples=["%d-%m-%Y"],
    )

    @field_validator("format")
    @classmethod
    def _only_date_directives(cls, value: str) -> str:
        directives = _DIRECTIVE.findall(value)
        if not directives:
            raise ValueError(f"format {value!r} has no % directive")
        unknown = sorted({d for d in directives if d not in _DATE_DIRECTIVES})
        if unknown or (value.endswith("%") and not value.endswith("%%")):
            raise ValueError(f"format {value!r} uses unsupported directive(s) {['%' + d for d in unknown] or ['%']}")
        return value


class NumberFormatTransform(RuleModel):
    """Number format: rounds a number, optionally written as text."""

    name: Literal["number_format"] = Field(title="Transform", description="Round a number, optionally as text.")
    decimals: int = Field(
        default=2, ge=0, le=6, title="Decimals", description="Digits kept after the decimal point.", examples=[2]
    )
    as_text: bool = Field(default=False, title="As text", description="Produce a string instead of a number.")
    decimal_separator: str = Field(
        default=".",
        pattern=r"^[.,]$",
        title="Decimal separator",
        description="Character between the whole and the fractional part when written as text.",
        examples=[","],
    )


Transform = Annotated[
    TrimTransform
    | UpperTransform
    | LowerTransform
    | TruncateTransform
    | DefaultTransform
    | MapTransform
    | ConcatTransform
    | DateFormatTransform
    | NumberFormatTransform,
    Field(discriminator="name"),
]


class FieldMapScope(StrEnum):
    """Which request body an entry writes into."""

    DOCUMENT = "document"
    CUSTOMER = "customer"
    VOUCHER = "voucher"
    ACCOUNT = "account"
    CONTACT = "contact"
    ITEM = "item"


class FieldMapEntry(RuleModel):
    applies_to: FieldMapScope = Field(
        default=FieldMapScope.DOCUMENT,
        title="Applies to",
        description="Body the entry writes into: document (order / invoice draft / invoice), customer, voucher "
        "(eAccounting); account, contact, item (Exact).",
        examples=["document"],
    )
    source: str = Field(
        title="Source path",
        description="Path in the source record, e.g. 'YourRef', 'SalesOrderLines[*].Notes'.",
        examples=["Remarks"],
    )
    target: str = Field(
        title="Target path",
        description="Path in the request body, e.g. 'OurReference', 'Rows[*].Text'. Set after the built-in rules, "
        "so it overrides them.",
        examples=["YourReference"],
    )
    transforms: list[Transform] = Field(default=[], title="Transforms", description="Applied in order.")

    @model_validator(mode="after")
    def _paths_agree(self) -> FieldMapEntry:
        source, target = parse_path(self.source), parse_path(self.target)
        if source.wildcards > 1 or target.wildcards > 1:
            raise ValueError("a path may contain at most one [*]")
        if source.wildcards != target.wildcards:
            raise ValueError(f"source {self.source!r} and target {self.target!r} must both or neither contain [*]")
        if target.steps[-1] == "*" or isinstance(target.steps[-1], int):
            raise ValueError(f"target {self.target!r} must end in a field name")
        return self

    @field_validator("source", "target")
    @classmethod
    def _parses(cls, value: str) -> str:
        parse_path(value)
        return value


class FieldMapRules(RuleModel):
    entries: list[FieldMapEntry] = Field(
        default=[],
        title="Field map",
        description="Custom fields: each entry copies a source value to a target field through named transforms.",
        examples=[
            [{"source": "Remarks", "target": "YourReference", "transforms": [{"name": "truncate", "length": 100}]}]
        ],
    )

    def for_scope(self, scope: FieldMapScope) -> tuple[FieldMapEntry, ...]:
        return tuple(e for e in self.entries if e.applies_to is scope)
