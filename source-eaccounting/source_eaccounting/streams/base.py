"""What every eAccounting stream shares: the client's auth, pacing and error mapping, and the list envelope."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any, ClassVar

import orjson
import requests
from airbyte_cdk.sources.streams.http import HttpStream
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy, ErrorHandler

from eaccounting_client import MAX_PAGE_SIZE, EAccountingClient, has_next_page, page_records, paging_params

_BODY = "_eaccounting_body"


def response_body(response: requests.Response) -> Any:
    """Decode once per response: the CDK asks for the page token and the records separately."""
    body = getattr(response, _BODY, None)
    if body is None:
        body = orjson.loads(response.content)
        setattr(response, _BODY, body)
    return body


class EAccountingStream(HttpStream):
    """A collection read with `$page`/`$pagesize` at the largest page size the API accepts."""

    primary_key: str | list[str] | None = "Id"
    resource: ClassVar[str]
    page_size: int = MAX_PAGE_SIZE

    def __init__(self, client: EAccountingClient) -> None:
        self._client = client  # before super(): the CDK asks for the error handler while constructing
        super().__init__(authenticator=client.authenticator, api_budget=client.budget)

    @property
    def url_base(self) -> str:
        return self._client.settings.api_url + "/"

    def path(self, *, stream_state: Any = None, stream_slice: Any = None, next_page_token: Any = None) -> str:
        return self.resource

    def get_error_handler(self) -> ErrorHandler:
        return self._client.error_handler

    def get_backoff_strategy(self) -> BackoffStrategy:
        return self._client.backoff_strategy

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
        return paging_params((next_page_token or {}).get("page", 1), self.page_size)

    def next_page_token(self, response: requests.Response) -> Mapping[str, Any] | None:
        body = response_body(response)
        if has_next_page(body):
            return {"page": body["Meta"]["CurrentPage"] + 1}
        return None

    def parse_response(self, response: requests.Response, **kwargs: Any) -> Iterable[Mapping[str, Any]]:
        yield from page_records(response_body(response), response.url)


class SingleObjectStream(EAccountingStream):
    """An endpoint that returns one bare object instead of a list envelope (e.g. /companysettings)."""

    def request_params(self, *args: Any, **kwargs: Any) -> MutableMapping[str, Any]:
        return {}

    def next_page_token(self, response: requests.Response) -> Mapping[str, Any] | None:
        return None

    def parse_response(self, response: requests.Response, **kwargs: Any) -> Iterable[Mapping[str, Any]]:
        body = response_body(response)
        if isinstance(body, dict):
            yield body
