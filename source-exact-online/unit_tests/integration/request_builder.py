from __future__ import annotations

import json
from importlib import resources
from typing import Any

from airbyte_cdk.test.mock_http import HttpRequest
from airbyte_cdk.test.mock_http.request import ANY_QUERY_PARAMS

from unit_tests.integration.config import BASE_URL, CLIENT_ID, CLIENT_SECRET, DIVISION

# What a catalog selecting only Name asks for: the column plus the cursor, the division and the key, in schema order.
NAME_ONLY = ("Timestamp", "Division", "ID", "Name")


def line_fields(stream: str, lines: str) -> list[str]:
    """The ``{lines}/{field}`` $select entries for every line field the stream's published schema declares."""
    schema = json.loads(resources.files("source_exact_online").joinpath("schemas", f"{stream}.json").read_text())
    return [f"{lines}/{name}" for name in schema["properties"][lines]["items"]["properties"]]


class RequestBuilder:
    """Requests as Exact Online receives them: ``{base}/api/v1/{division}/{resource}`` plus OData options.

    A builder given OData options (``with_select``, ``with_filter``, …) expects exactly those in the query, so the mock
    answers only that request; without any it answers whatever query is sent."""

    @classmethod
    def resource(cls, resource: str, division: int = DIVISION) -> RequestBuilder:
        return cls(f"{BASE_URL}/api/v1/{division}/{resource}")

    @classmethod
    def accounts(cls, division: int = DIVISION) -> RequestBuilder:
        return cls.resource("sync/CRM/Accounts", division)

    @classmethod
    def sales_orders(cls, division: int = DIVISION) -> RequestBuilder:
        return cls.resource("salesorder/SalesOrders", division)

    @classmethod
    def current_me(cls) -> RequestBuilder:
        return cls(f"{BASE_URL}/api/v1/current/Me")

    def __init__(self, url: str) -> None:
        self._url = url
        self._params: dict[str, Any] | str = ANY_QUERY_PARAMS
        self._options: dict[str, str] = {}
        self._headers: dict[str, str] = {}

    def with_select(self, *fields: str) -> RequestBuilder:
        self._options["$select"] = ",".join(fields)
        return self

    def with_filter(self, expression: str) -> RequestBuilder:
        self._options["$filter"] = expression
        return self

    def with_orderby(self, field: str) -> RequestBuilder:
        self._options["$orderby"] = field
        return self

    def with_expand(self, navigation: str) -> RequestBuilder:
        self._options["$expand"] = navigation
        return self

    def with_skiptoken(self, token: str) -> RequestBuilder:
        self._options["$skiptoken"] = token
        return self

    def with_authorization(self, value: str) -> RequestBuilder:
        self._headers["Authorization"] = value
        return self

    def with_params(self, **params: Any) -> RequestBuilder:
        self._params = {key if not key.startswith("_") else f"${key[1:]}": value for key, value in params.items()}
        return self

    def with_any_query_params(self) -> RequestBuilder:
        self._params = ANY_QUERY_PARAMS
        return self

    def with_exact_query(self, query: dict[str, str]) -> RequestBuilder:
        self._params = query
        return self

    def build(self) -> HttpRequest:
        params = dict(self._options) if self._options else self._params
        return HttpRequest(self._url, query_params=params, headers=self._headers or None)


def token_refresh_request(refresh_token: str) -> HttpRequest:
    return HttpRequest(
        f"{BASE_URL}/api/oauth2/token",
        body=f"grant_type=refresh_token&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&refresh_token={refresh_token}",
    )
