"""The list envelope every collection GET returns, and the page size we ask for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The API answers 50 rows per page unless told otherwise; 1000 is the documented maximum of `$pagesize`
# (research §3). Asking for the maximum turns 20 calls per 1,000 rows into 1.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


class MalformedPageError(ValueError):
    pass


def page_records(body: Any, url: str = "") -> list[dict[str, Any]]:
    if not isinstance(body, Mapping) or not isinstance(body.get("Data"), list):
        raise MalformedPageError(f"expected a paginated response with a 'Data' list from {url or 'the API'}")
    records: list[dict[str, Any]] = body["Data"]
    return records


def has_next_page(body: Mapping[str, Any]) -> bool:
    meta = body.get("Meta") or {}
    current = meta.get("CurrentPage")
    total = meta.get("TotalNumberOfPages")
    if not isinstance(current, int) or not isinstance(total, int):
        return False
    return current < total


def paging_params(page: int, page_size: int = MAX_PAGE_SIZE) -> dict[str, str]:
    return {"$page": str(page), "$pagesize": str(page_size)}
