"""One HttpStream class for every Exact Online resource: division slices, $select, cursor filters and checkpoints."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import orjson
import requests
from airbyte_cdk.models import SyncMode
from airbyte_cdk.sources.streams import CheckpointMixin
from airbyte_cdk.sources.streams.http import HttpStream

from exact_online_client import (
    REGULAR_PAGE_SIZE,
    SYNC_PAGE_SIZE,
    ExactOnlineBackoffStrategy,
    ExactOnlineConnection,
    ExactOnlineErrorHandler,
    ExactRateLimitPacer,
    RecordTyper,
    next_page_url,
    rows_of,
    to_exact_datetime_literal,
)
from exact_online_client.auth import ExactOnlineAuthenticator
from source_exact_online.divisions import DivisionResolver
from source_exact_online.endpoints import MODIFIED, Endpoint

# The first sync reads from the oldest row version; Exact's own examples start sync reads at "Timestamp gt 1".
FIRST_TIMESTAMP = 1
# Regular resources with a sync counterpart insist on a $filter ("mandatory filtering"); this one keeps every row.
EARLIEST_MODIFIED = "1980-01-01T00:00:00Z"
REQUEST_TIMEOUT_SECONDS = 300


def _cursor_key(value: Any) -> Any:
    """Timestamps compare as integers; Modified values as instants (their ISO text may or may not carry ms)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


class ExactOnlineStream(HttpStream, CheckpointMixin):
    """Reads one Exact resource for every division; state is kept per division as ``{"divisions": {div: {cursor}}}``."""

    def __init__(
        self,
        endpoint: Endpoint,
        connection: ExactOnlineConnection,
        divisions: DivisionResolver,
        authenticator: ExactOnlineAuthenticator,
        pacer: ExactRateLimitPacer,
        selected_fields: Iterable[str] | None = None,
    ) -> None:
        self._endpoint = endpoint
        self._connection = connection
        self._divisions = divisions
        self._pacer = pacer
        super().__init__(authenticator=authenticator, api_budget=pacer)  # type: ignore[arg-type]
        self._state: dict[str, Any] = {"divisions": {}}
        schema = self.get_json_schema()
        self._select = self._select_clause(schema, selected_fields)
        self._typer = RecordTyper(schema, trimmed=endpoint.trimmed, where=f"stream {endpoint.stream!r}")

    # --- identity -------------------------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._endpoint.stream

    @property
    def primary_key(self) -> list[list[str]]:
        return self._endpoint.primary_key

    @property
    def cursor_field(self) -> str:
        return self._endpoint.cursor

    @property
    def url_base(self) -> str:
        return f"{self._connection.base_url}/api/v1/"

    @property
    def state_checkpoint_interval(self) -> int:
        return SYNC_PAGE_SIZE if self._endpoint.is_sync else REGULAR_PAGE_SIZE

    def get_error_handler(self) -> ExactOnlineErrorHandler:
        return ExactOnlineErrorHandler()

    def get_backoff_strategy(self) -> ExactOnlineBackoffStrategy:
        return ExactOnlineBackoffStrategy(self._pacer.clock)

    # --- state ----------------------------------------------------------------------------------------------------
    @property
    def state(self) -> MutableMapping[str, Any]:
        return self._state

    @state.setter
    def state(self, value: MutableMapping[str, Any]) -> None:
        divisions = (value or {}).get("divisions") or {}
        self._state = {"divisions": {str(key): dict(cursor) for key, cursor in divisions.items()}}

    def _cursor_of(self, division: int) -> Any:
        return self._state["divisions"].get(str(division), {}).get(self.cursor_field)

    def _advance(self, division: int, value: Any) -> None:
        if value is None:
            return
        current = self._cursor_of(division)
        if current is None or _cursor_key(value) > _cursor_key(current):
            self._state["divisions"][str(division)] = {self.cursor_field: value}

    # --- slices and requests --------------------------------------------------------------------------------------
    def stream_slices(
        self,
        *,
        sync_mode: SyncMode,
        cursor_field: list[str] | None = None,
        stream_state: Mapping[str, Any] | None = None,
    ) -> Iterable[Mapping[str, Any] | None]:
        if stream_state:
            self.state = stream_state  # type: ignore[assignment]
        for division in self._divisions.divisions():
            since = self._cursor_of(division) if sync_mode == SyncMode.incremental else None
            # The lower bound is frozen here: the state advances record by record, the query of this slice must not.
            yield {"division": division, "since": since}

    def path(
        self,
        *,
        stream_state: Mapping[str, Any] | None = None,
        stream_slice: Mapping[str, Any] | None = None,
        next_page_token: Mapping[str, Any] | None = None,
    ) -> str:
        if next_page_token:
            return str(next_page_token["next_url"])
        return f"{_division_of(stream_slice)}/{self._endpoint.resource}"

    def request_headers(
        self,
        stream_state: Mapping[str, Any] | None = None,
        stream_slice: Mapping[str, Any] | None = None,
        next_page_token: Mapping[str, Any] | None = None,
    ) -> Mapping[str, Any]:
        return {"Accept": "application/json"}

    def request_params(
        self,
        stream_state: Mapping[str, Any] | None,
        stream_slice: Mapping[str, Any] | None = None,
        next_page_token: Mapping[str, Any] | None = None,
    ) -> MutableMapping[str, Any]:
        if next_page_token:
            return {}  # Exact's __next link repeats the whole query plus $skiptoken
        since = (stream_slice or {}).get("since")
        params: dict[str, Any] = {"$select": self._select}
        if self._endpoint.is_sync:
            params["$filter"] = f"Timestamp gt {int(since) if since is not None else FIRST_TIMESTAMP}L"
        else:
            params["$filter"] = f"Modified gt datetime'{to_exact_datetime_literal(since or EARLIEST_MODIFIED)}'"
            params["$orderby"] = MODIFIED
        if self._endpoint.lines:
            params["$expand"] = self._endpoint.lines
        return params

    def _select_clause(self, schema: Mapping[str, Any], selected: Iterable[str] | None) -> str:
        properties = schema["properties"]
        wanted = set(selected) if selected is not None else set(properties)
        wanted |= {"Division", self._endpoint.key, self.cursor_field}
        fields = [name for name in properties if name in wanted and name != self._endpoint.lines]
        if self._endpoint.lines and self._endpoint.lines in wanted:
            line_fields = properties[self._endpoint.lines]["items"]["properties"]
            fields += [f"{self._endpoint.lines}/{name}" for name in line_fields]
        return ",".join(fields)

    # --- responses ------------------------------------------------------------------------------------------------
    def next_page_token(self, response: requests.Response) -> Mapping[str, Any] | None:
        link = next_page_url(orjson.loads(response.content))
        return {"next_url": link} if link else None

    def parse_response(
        self, response: requests.Response, *, stream_slice: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> Iterable[Mapping[str, Any]]:
        return self._typed_rows(orjson.loads(response.content), stream_slice)

    def _typed_rows(self, body: Any, stream_slice: Mapping[str, Any] | None) -> Iterator[dict[str, Any]]:
        division = int(stream_slice["division"]) if stream_slice else None
        for row in rows_of(body):
            record = self._typer(row)
            if division is not None:
                record["Division"] = division
            yield record

    def _fetch_page(self, stream_slice: Mapping[str, Any], next_page_token: Mapping[str, Any] | None) -> Any:
        path = self.path(stream_slice=stream_slice, next_page_token=next_page_token)
        _, response = self._http_client.send_request(
            "GET",
            urljoin(self.url_base, path),
            request_kwargs={"timeout": REQUEST_TIMEOUT_SECONDS},
            headers=dict(self.request_headers()),
            params=self.request_params(None, stream_slice, next_page_token),
        )
        return orjson.loads(response.content)

    def read_records(
        self,
        sync_mode: SyncMode,
        cursor_field: list[str] | None = None,
        stream_slice: Mapping[str, Any] | None = None,
        stream_state: Mapping[str, Any] | None = None,
    ) -> Iterable[Mapping[str, Any]]:
        """Pages in order, with the next page requested while the current one is typed and emitted.

        Only one request is ever in flight (Exact discourages parallel calls); the prefetch just overlaps Exact's
        response time with our own work. Every request still goes through the CDK client: auth, pacing, retries.
        """
        division = _division_of(stream_slice)
        cursor = self.cursor_field
        assert stream_slice is not None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"exact-{self.name}") as prefetch:
            pending: Future[Any] | None = prefetch.submit(self._fetch_page, stream_slice, None)
            while pending is not None:
                body = pending.result()
                link = next_page_url(body)
                pending = prefetch.submit(self._fetch_page, stream_slice, {"next_url": link}) if link else None
                try:
                    for record in self._typed_rows(body, stream_slice):
                        self._advance(division, record.get(cursor))
                        yield record
                except BaseException:
                    if pending is not None:
                        pending.cancel()
                    raise


def _division_of(stream_slice: Mapping[str, Any] | None) -> int:
    """Every read of an Exact stream is sliced by division (``stream_slices``)."""
    if stream_slice is None or "division" not in stream_slice:
        raise ValueError("an Exact Online stream is read one division slice at a time")
    return int(stream_slice["division"])
