from __future__ import annotations

from urllib.parse import urlencode

from airbyte_cdk.test.mock_http import HttpRequest

from .config import API_URL, CLIENT_ID, CLIENT_SECRET, IDENTITY_URL, REFRESH_TOKEN

PAGE_SIZE = 1000


class EAccountingRequestBuilder:
    """A GET on an eAccounting collection, as the connector should send it."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._params: dict[str, str] = {"$page": "1", "$pagesize": str(PAGE_SIZE)}
        self._headers: dict[str, str] = {}

    @classmethod
    def list(cls, path: str) -> EAccountingRequestBuilder:
        return cls(path)

    @classmethod
    def single(cls, path: str) -> EAccountingRequestBuilder:
        builder = cls(path)
        builder._params = {}
        return builder

    def with_page(self, page: int) -> EAccountingRequestBuilder:
        self._params["$page"] = str(page)
        return self

    def changed_after(self, field: str, value: str, inclusive: bool = False) -> EAccountingRequestBuilder:
        self._params["$orderby"] = field
        self._params["$filter"] = f"{field} {'ge' if inclusive else 'gt'} {value}"
        return self

    def ordered_by(self, field: str) -> EAccountingRequestBuilder:
        self._params["$orderby"] = field
        return self

    def with_bearer(self, access_token: str) -> EAccountingRequestBuilder:
        self._headers["Authorization"] = f"Bearer {access_token}"
        return self

    def build(self) -> HttpRequest:
        return HttpRequest(f"{API_URL}/{self._path}", query_params=self._params or None, headers=self._headers or None)


def token_request(refresh_token: str = REFRESH_TOKEN) -> HttpRequest:
    body = urlencode(
        {
            "grant_type": "refresh_token",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": refresh_token,
        }
    )
    return HttpRequest(f"{IDENTITY_URL}/connect/token", body=body)
