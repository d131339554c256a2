"""Incremental reads on the API's change timestamps (ChangedUtc / ModifiedUtc).

Why keyset paging and not `$page` alone: with offset paging, a record changed *during* the sync moves to the end of
the ordering and shifts every later record one place forward, so one record per change silently falls between two
pages. Here every page is requested from the last timestamp seen (`ge`), and the records already emitted with that
exact timestamp are dropped at the page boundary. The first page of a sync filters `gt` the saved state, whose
value is read once when the slices start ("frozen"), never from the state being advanced while reading.

A full refresh reads plain `$page` pages with neither filter nor ordering (the cheapest query for the server);
the cursor is then only known complete at the end, so STATE carries the highest value seen once the last page is in.

Each page is one slice, so the CDK emits a STATE message after every page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import requests
from airbyte_cdk.models import FailureType, SyncMode
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from eaccounting_client import filter_datetime_literal, has_next_page, page_records, paging_params, parse_api_datetime

from .base import EAccountingStream, response_body

logger = logging.getLogger("airbyte")
_PENDING = object()


@dataclass(frozen=True)
class PageRequest:
    after: str | None  # cursor value (as the API wrote it) the page starts from; None = from the beginning
    inclusive: bool  # `ge` when continuing at a page boundary, `gt` when starting from saved state
    page: int  # >1 only while more than a page of records share one timestamp
    seen: tuple[str, ...]  # keys already emitted whose cursor equals `after`
    keyset: bool = True  # False: a full refresh, plain `$page` paging

    def as_slice(self) -> dict[str, Any]:
        if not self.keyset:
            return {"page": self.page, "keyset": False}
        return {"after": self.after, "inclusive": self.inclusive, "page": self.page, "seen": list(self.seen)}

    @classmethod
    def from_slice(cls, stream_slice: Mapping[str, Any] | None) -> PageRequest:
        s = stream_slice or {}
        return cls(
            s.get("after"),
            bool(s.get("inclusive")),
            int(s.get("page") or 1),
            tuple(s.get("seen") or ()),
            bool(s.get("keyset", True)),
        )


def _later(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a or b
    return b if parse_api_datetime(b) > parse_api_datetime(a) else a


class ChangeTrackedStream(EAccountingStream):
    cursor_field: ClassVar[str]
    state_checkpoint_interval = None  # one STATE per page comes from one slice per page

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cursor_value: str | None = None  # every record with cursor <= this has been emitted
        self._next_request: Any = None
        self._page_highest: str | None = None  # full refresh: highest cursor so far, committed after the last page

    @property
    def state(self) -> MutableMapping[str, Any]:
        return {self.cursor_field: self._cursor_value} if self._cursor_value else {}

    @state.setter
    def state(self, value: Mapping[str, Any]) -> None:
        raw = (value or {}).get(self.cursor_field)
        if raw in (None, ""):
            self._cursor_value = None
            return
        try:
            parse_api_datetime(str(raw))
        except (TypeError, ValueError):
            raise AirbyteTracedException(
                message=f"Saved state of stream '{self.name}' has {self.cursor_field}={raw!r}, which is not a "
                "timestamp. Reset the stream's state.",
                failure_type=FailureType.config_error,
            ) from None
        self._cursor_value = str(raw)

    def _key(self, record: Mapping[str, Any]) -> str:
        return str(record.get(self.primary_key)) if isinstance(self.primary_key, str) else repr(record)

    def stream_slices(
        self, *, sync_mode: SyncMode, cursor_field: list[str] | None = None, stream_state: Any = None
    ) -> Iterator[dict[str, Any]]:
        incremental = sync_mode == SyncMode.incremental
        start = self._cursor_value if incremental else None
        request: PageRequest | None = PageRequest(start, inclusive=False, page=1, seen=(), keyset=incremental)
        while request is not None:
            self._next_request = _PENDING
            yield request.as_slice()
            if self._next_request is _PENDING:
                # The slice was not read to its end (a record limit in a test read): there is no next page to ask for.
                logger.warning(f"Stream {self.name}: stopped before the end of a page; later pages not requested.")
                return
            request = self._next_request

    def request_params(
        self,
        stream_state: Mapping[str, Any] | None,
        stream_slice: Mapping[str, Any] | None = None,
        next_page_token: Mapping[str, Any] | None = None,
    ) -> MutableMapping[str, Any]:
        request = PageRequest.from_slice(stream_slice)
        params = paging_params(request.page, self.page_size)
        if not request.keyset:
            return params
        params["$orderby"] = self.cursor_field
        if request.after is not None:
            operator = "ge" if request.inclusive else "gt"
            params["$filter"] = f"{self.cursor_field} {operator} {filter_datetime_literal(request.after)}"
        return params

    def next_page_token(self, response: requests.Response) -> Mapping[str, Any] | None:
        return None  # pages are slices, see stream_slices

    def parse_response(
        self, response: requests.Response, *, stream_slice: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> Iterable[Mapping[str, Any]]:
        request = PageRequest.from_slice(stream_slice)
        body = response_body(response)
        if not request.keyset:
            yield from self._parse_full_refresh_page(request, body, response.url)
            return
        start: datetime | None = parse_api_datetime(request.after) if request.after else None
        boundary, boundary_raw = start, request.after
        boundary_keys = list(request.seen)
        completed: str | None = None  # latest timestamp known to be fully emitted on this page
        last_raw: str | None = None

        for record in page_records(body, response.url):
            raw = record.get(self.cursor_field)
            if raw is None:
                yield record
                continue
            moment = self._parse_cursor(raw, record)
            if boundary is not None and moment < boundary:
                raise AirbyteTracedException(
                    message=f"eAccounting returned {self.name} out of {self.cursor_field} order; cannot page safely.",
                    internal_message=f"{self.cursor_field}={raw} after {boundary_raw} on {response.url}",
                    failure_type=FailureType.system_error,
                )
            if boundary is not None and moment == boundary:
                if self._key(record) in boundary_keys:
                    continue  # already emitted on the previous page
                boundary_keys.append(self._key(record))
            else:
                # Ascending order: the previous timestamp cannot appear again, so it is complete.
                completed = boundary_raw if boundary is not None else completed
                boundary, boundary_raw, boundary_keys = moment, raw, [self._key(record)]
            last_raw = raw
            yield record

        if not has_next_page(body):
            self._cursor_value = _later(self._cursor_value, boundary_raw)
            self._next_request = None
        elif last_raw is None or boundary == start:
            # The whole page sat on one timestamp (or had none): step through it by page number.
            self._cursor_value = _later(self._cursor_value, completed)
            self._next_request = PageRequest(request.after, request.inclusive, request.page + 1, tuple(boundary_keys))
        else:
            self._cursor_value = _later(self._cursor_value, completed)
            self._next_request = PageRequest(boundary_raw, True, 1, tuple(boundary_keys))

    def _parse_full_refresh_page(
        self, request: PageRequest, body: Mapping[str, Any], url: str
    ) -> Iterable[Mapping[str, Any]]:
        highest: datetime | None = None
        highest_raw: str | None = None
        for record in page_records(body, url):
            raw = record.get(self.cursor_field)
            if raw is not None:
                moment = self._parse_cursor(raw, record)
                if highest is None or moment > highest:
                    highest, highest_raw = moment, raw
            yield record
        self._page_highest = _later(self._page_highest, highest_raw)
        if has_next_page(body):
            self._next_request = PageRequest(None, False, request.page + 1, (), keyset=False)
        else:
            self._cursor_value = _later(self._cursor_value, self._page_highest)
            self._page_highest = None
            self._next_request = None

    def _parse_cursor(self, raw: Any, record: Mapping[str, Any]) -> datetime:
        try:
            return parse_api_datetime(str(raw))
        except ValueError:
            raise AirbyteTracedException(
                message=f"Record {self._key(record)} of stream '{self.name}' has {self.cursor_field}={raw!r}, "
                "which is not a timestamp.",
                failure_type=FailureType.system_error,
            ) from None
