"""Exact's OData v2 JSON envelope: where the rows of a page are and where the next page is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SYNC_PAGE_SIZE = 1000
REGULAR_PAGE_SIZE = 60


class EnvelopeError(ValueError):
    """The response body is not an OData ``{"d": …}`` envelope."""


def rows_of(body: Any) -> list[dict[str, Any]]:
    """Rows of a collection response: ``d.results`` normally, a bare ``d`` list when ``$top`` was used."""
    if not isinstance(body, Mapping) or "d" not in body:
        raise EnvelopeError(f"expected an OData body with a 'd' member, got {type(body).__name__}")
    data = body["d"]
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping):
        results = data.get("results")
        if isinstance(results, list):
            return results
        return [dict(data)]
    raise EnvelopeError(f"unexpected 'd' member of type {type(data).__name__}")


def next_page_url(body: Any) -> str | None:
    """The ``__next`` link Exact adds while more pages exist (absent on the last page)."""
    data = body.get("d") if isinstance(body, Mapping) else None
    if isinstance(data, Mapping):
        link = data.get("__next")
        return link or None
    return None
