"""A small request API over the CDK's HttpClient, for code that is not an HttpStream (the destination, `check`).

Same authenticator, pacing, retries and error mapping as the source streams use.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

import orjson
import requests
from airbyte_cdk.sources.streams.http import HttpClient
from airbyte_cdk.sources.streams.http.error_handlers import ErrorHandler
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction

from ledgerbridge_write_safety import NON_IDEMPOTENT_METHODS, WriteSafeErrorHandler, raise_if_ambiguous

from .auth import EAccountingAuthenticator
from .backoff import EAccountingBackoffStrategy
from .config import EAccountingConfig, parse_config
from .errors import ApiError, EAccountingApiError, EAccountingErrorHandler
from .pacing import EndpointCallBudget
from .paging import MAX_PAGE_SIZE, has_next_page, page_records, paging_params
from .urls import resource_url

JSON_HEADERS = {"Accept": "application/json"}


class _ReturnClientErrors(ErrorHandler):
    """For writes: validation/conflict answers go back to the caller as EAccountingApiError, not as a crash."""

    def __init__(self, inner: EAccountingErrorHandler) -> None:
        self._inner = inner

    @property
    def max_retries(self) -> int | None:
        return self._inner.max_retries

    @property
    def max_time(self) -> int | None:
        return self._inner.max_time

    def interpret_response(self, response_or_exception: Any = None) -> ErrorResolution:
        resolution = self._inner.interpret_response(response_or_exception)
        if (
            isinstance(response_or_exception, requests.Response)
            and resolution.response_action == ResponseAction.FAIL
            and response_or_exception.status_code in (400, 404, 409)
        ):
            return ErrorResolution(ResponseAction.IGNORE, resolution.failure_type, resolution.error_message)
        return resolution


class EAccountingClient:
    def __init__(
        self,
        config: MutableMapping[str, Any],
        logger: logging.Logger | None = None,
        calls_per_minute: int | None = None,
        budget: EndpointCallBudget | None = None,
    ) -> None:
        self.settings: EAccountingConfig = parse_config(config)
        self.logger = logger or logging.getLogger("airbyte")
        # The authenticator keeps and mutates *this* mapping, so rotations reach the caller's config too.
        # The authenticator reads its token endpoint from the mapping: give it the host the environment resolved to.
        if not config.get("identity_url"):
            config["identity_url"] = self.settings.identity_url
        self.authenticator = EAccountingAuthenticator(config)
        self.budget = budget or EndpointCallBudget(calls_per_minute or self.settings.calls_per_minute)
        self.backoff_strategy = EAccountingBackoffStrategy()
        self.error_handler = EAccountingErrorHandler(self.logger)
        self._http = self._http_client(_ReturnClientErrors(self.error_handler))
        # Creates go through their own client: one whose answer was lost is not repeated (ledgerbridge_write_safety).
        self.write_errors = WriteSafeErrorHandler(_ReturnClientErrors(self.error_handler))
        self._http_creates = self._http_client(self.write_errors)

    def _http_client(self, error_handler: ErrorHandler) -> HttpClient:
        return HttpClient(
            name="eaccounting",
            logger=self.logger,
            error_handler=error_handler,
            api_budget=self.budget,
            authenticator=self.authenticator,
            backoff_strategy=self.backoff_strategy,
            request_timeout=(10, 120),
        )

    def url(self, path: str) -> str:
        return resource_url(self.settings.api_url, path)

    def request(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """Send one request; return the decoded JSON body (None when empty). 4xx answers raise EAccountingApiError;
        a POST whose answer was lost raises AmbiguousWriteError instead of being sent again."""
        url = self.url(path)
        creates = method.upper() in NON_IDEMPOTENT_METHODS
        _, response = (self._http_creates if creates else self._http).send_request(
            http_method=method,
            url=url,
            request_kwargs={},
            headers=JSON_HEADERS,
            params={k: str(v) for k, v in (params or {}).items()},
            json=json,
        )
        if creates:
            raise_if_ambiguous(method, url, response, self.write_errors)
        if not response.ok:
            raise EAccountingApiError(method, url, ApiError.from_response(response))
        return orjson.loads(response.content) if response.content else None

    # The verbs of both wire clients (``exact_online_client.ExactOnlineClient`` has the same): ``list`` every record
    # of a collection, ``create`` one object, ``update`` or ``delete`` one by its key; ``get`` reads one resource.

    def get(self, resource: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", resource, params=params)

    def list(
        self, resource: str, params: Mapping[str, Any] | None = None, page_size: int = MAX_PAGE_SIZE
    ) -> Iterator[dict[str, Any]]:
        """Every record of a collection, page by page (for bulk lookups such as customers by e-mail)."""
        page = 1
        while True:
            body = self.get(resource, {**(params or {}), **paging_params(page, page_size)})
            yield from page_records(body, self.url(resource))
            if not has_next_page(body):
                return
            page += 1

    def create(self, resource: str, body: Mapping[str, Any]) -> Any:
        """The created object as eAccounting returns it."""
        return self.request("POST", resource, json=dict(body))

    def update(self, resource: str, key: str, body: Mapping[str, Any]) -> Any:
        return self.request("PUT", f"{resource}/{key}", json=dict(body))

    def delete(self, resource: str, key: str) -> Any:
        return self.request("DELETE", f"{resource}/{key}")
