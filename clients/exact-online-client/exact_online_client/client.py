"""A small request/response API over the CDK HttpClient, for code that is not an HttpStream (check, destinations).

Every call carries the same authenticator, pacing and error mapping as the source's streams.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

import orjson
import requests
from airbyte_cdk.sources.streams.http.error_handlers import ErrorHandler, ErrorResolution, ResponseAction
from airbyte_cdk.sources.streams.http.http_client import HttpClient

from exact_online_client.auth import ExactOnlineAuthenticator
from exact_online_client.config import parse_config
from exact_online_client.errors import (
    ExactOnlineApiError,
    ExactOnlineBackoffStrategy,
    ExactOnlineErrorHandler,
    is_refusal_of_the_request,
)
from exact_online_client.paging import next_page_url, rows_of
from exact_online_client.rate_limits import Clock, ExactRateLimitPacer
from exact_online_client.values import odata_guid
from ledgerbridge_write_safety import NON_IDEMPOTENT_METHODS, WriteSafeErrorHandler, raise_if_ambiguous

JSON_HEADERS = {"Accept": "application/json"}


class _ReturnRefusals(ErrorHandler):
    """Hands a request Exact refused for reasons of its own back to the caller, who raises ``ExactOnlineApiError``
    (a write fails one record, not the sync); every other decision is the inner handler's."""

    def __init__(self, inner: ErrorHandler) -> None:
        self._inner = inner

    @property
    def max_retries(self) -> int | None:
        return self._inner.max_retries

    @property
    def max_time(self) -> int | None:
        return self._inner.max_time

    def interpret_response(self, response_or_exception: requests.Response | Exception | None = None) -> ErrorResolution:
        resolution = self._inner.interpret_response(response_or_exception)
        if (
            isinstance(response_or_exception, requests.Response)
            and resolution.response_action == ResponseAction.FAIL
            and is_refusal_of_the_request(response_or_exception.status_code)
        ):
            return ErrorResolution(ResponseAction.IGNORE, resolution.failure_type, resolution.error_message)
        return resolution


class ExactOnlineClient:
    """GET/POST/PUT/DELETE against ``{base_url}/api/v1/{division}/…`` with Exact's auth, pacing and error rules."""

    def __init__(
        self,
        config: MutableMapping[str, Any],
        *,
        authenticator: ExactOnlineAuthenticator | None = None,
        pacer: ExactRateLimitPacer | None = None,
        clock: Clock | None = None,
        logger: logging.Logger | None = None,
        name: str = "exact_online",
    ) -> None:
        self.connection = parse_config(config)
        self.authenticator = authenticator or ExactOnlineAuthenticator(config)
        self.pacer = pacer or ExactRateLimitPacer(clock=clock)
        self._name, self._logger = name, logger or logging.getLogger("airbyte")
        self._http = self._http_client(_ReturnRefusals(ExactOnlineErrorHandler()))
        # Creates go through their own client: one whose answer was lost is not repeated (ledgerbridge_write_safety).
        self.write_errors = WriteSafeErrorHandler(_ReturnRefusals(ExactOnlineErrorHandler()))
        self._http_creates = self._http_client(self.write_errors)

    def _http_client(self, error_handler: ErrorHandler) -> HttpClient:
        return HttpClient(
            name=self._name,
            logger=self._logger,
            error_handler=error_handler,
            backoff_strategy=ExactOnlineBackoffStrategy(self.pacer.clock),
            api_budget=self.pacer,  # type: ignore[arg-type]
            authenticator=self.authenticator,
        )

    def url(self, division: int | str, resource: str) -> str:
        return self.connection.division_url(division) + resource.lstrip("/")

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """One request with Exact's auth, pacing and error rules. A 4xx refusing this request raises
        ``ExactOnlineApiError``; a POST whose answer was lost raises ``AmbiguousWriteError`` instead of being sent
        again."""
        creates = method.upper() in NON_IDEMPOTENT_METHODS
        _, response = (self._http_creates if creates else self._http).send_request(
            method,
            url,
            request_kwargs={"timeout": 120},
            headers={**JSON_HEADERS, **(headers or {})},
            params=dict(params or {}),
            json=json,
        )
        if creates:
            raise_if_ambiguous(method, url, response, self.write_errors)
        if is_refusal_of_the_request(response.status_code):
            raise ExactOnlineApiError.from_response(response)
        return response

    def current_division(self) -> int:
        """The division the authorising user last worked in (``current/Me``; not counted against the daily limit)."""
        response = self.request("GET", self.connection.me_url, params={"$select": "CurrentDivision"})
        rows = rows_of(orjson.loads(response.content))
        return int(rows[0]["CurrentDivision"])

    # The verbs of both wire clients (``eaccounting_client.EAccountingClient`` has the same): ``list`` every row of a
    # collection, ``create`` one object, ``update`` or ``delete`` one by its key. Exact addresses every collection
    # within a division, which each verb takes as the keyword ``division``.

    def list(
        self, resource: str, params: Mapping[str, Any] | None = None, *, division: int | str
    ) -> Iterator[dict[str, Any]]:
        """All rows of a collection, following ``__next`` links page by page."""
        url: str | None = self.url(division, resource)
        query: Mapping[str, Any] | None = params
        while url:
            body = orjson.loads(self.request("GET", url, params=query).content)
            yield from rows_of(body)
            url, query = next_page_url(body), None

    def create(self, resource: str, body: Mapping[str, Any], *, division: int | str) -> dict[str, Any]:
        """The created object as Exact returns it (``Prefer: return=representation``)."""
        response = self.request(
            "POST", self.url(division, resource), json=dict(body), headers={"Prefer": "return=representation"}
        )
        return rows_of(orjson.loads(response.content))[0] if response.content else {}

    def update(self, resource: str, key: str, body: Mapping[str, Any], *, division: int | str) -> None:
        self.request("PUT", self.url(division, f"{resource}({odata_guid(key)})"), json=dict(body))

    def delete(self, resource: str, key: str, *, division: int | str) -> None:
        self.request("DELETE", self.url(division, f"{resource}({odata_guid(key)})"))
