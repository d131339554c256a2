from __future__ import annotations

from typing import Any

from airbyte_cdk.test.mock_http import HttpRequest
from airbyte_cdk.test.mock_http.request import ANY_QUERY_PARAMS

from unit_tests.integration.config import BASE_URL, CLIENT_ID, CLIENT_SECRET, DIVISION


class RequestBuilder:
    """Requests as Exact Online receives them: ``{base}/api/v1/{division}/{resource}`` plus OData options."""

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
        return HttpRequest(self._url, query_params=self._params)


def token_refresh_request(refresh_token: str) -> HttpRequest:
    return HttpRequest(
        f"{BASE_URL}/api/oauth2/token",
        body=f"grant_type=refresh_token&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&refresh_token={refresh_token}",
    )
