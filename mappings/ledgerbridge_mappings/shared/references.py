"""The text that names an Exact document in eAccounting ("Exact SO 1042"): written by one destination, read back by
the other to find the originating Exact document."""

from __future__ import annotations

import re
from dataclasses import dataclass


def document_reference(prefix: str, kind: str, number: str) -> str:
    """The text that identifies an Exact document in eAccounting, e.g. ``Exact SO 1042``."""
    return f"{prefix} {kind} {number}"


@dataclass(frozen=True, slots=True)
class DocumentReference:
    kind: str  # "SO" sales order, "SI" sales invoice
    number: str

    def text(self, prefix: str) -> str:
        return document_reference(prefix, self.kind, self.number)


_KIND_NUMBER = re.compile(r"\s+(SO|SI)\s+(\d+)\b")


def parse_document_reference(prefix: str, text: object) -> DocumentReference | None:
    """``"Exact SO 1042"`` (anywhere in the field, any case of the prefix) → ``DocumentReference("SO", "1042")``.

    Users may type around the reference (``"Exact SO 1042 / Jan"``), so it is searched for, not matched whole.
    """
    if not isinstance(text, str) or not prefix:
        return None
    pattern = re.compile(rf"(?<![^\s(\[]){re.escape(prefix)}{_KIND_NUMBER.pattern}", re.IGNORECASE)
    match = pattern.search(text)
    if match is None:
        return None
    return DocumentReference(match.group(1).upper(), match.group(2))
