"""Exact items on order lines → eAccounting articles (found by number; optionally created)."""

from __future__ import annotations

from pydantic import Field, model_validator

from ledgerbridge_mappings.shared.rules.base import RuleModel


class ArticleRules(RuleModel):
    create_missing: bool = Field(
        default=False,
        title="Create missing articles",
        description="Create an eAccounting article for an Exact item code that has none; otherwise the line fails.",
    )
    new_article_coding_id: str | None = Field(
        default=None,
        title="Account coding for new articles",
        description="CodingId (from /articleaccountcodings) given to created articles.",
        examples=["3f1b1d0c-6a0e-4f7a-9d53-1f0c2a3b4c5d"],
    )
    new_article_unit_id: str | None = Field(
        default=None,
        title="Unit for new articles",
        description="UnitId (from /units) given to created articles.",
        examples=["7c2a9e61-0b8d-4a55-8f3e-2d4c6b8a0e1f"],
    )

    @model_validator(mode="after")
    def _creation_needs_coding(self) -> ArticleRules:
        if self.create_missing and not (self.new_article_coding_id and self.new_article_unit_id):
            raise ValueError("new_article_coding_id and new_article_unit_id are required when create_missing is true")
        return self
