from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from airbyte_cdk.test.mock_http import HttpResponse

from unit_tests.integration.config import BASE_URL, DIVISION

RESOURCES = Path(__file__).resolve().parents[1] / "resource" / "http" / "response"


def template(name: str) -> Any:
    return json.loads((RESOURCES / f"{name}.json").read_text())


def rate_limit_headers(
    minutely_remaining: int = 59, minutely_reset_ms: int = 1_700_000_060_000, daily_remaining: int = 4990
) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": "5000",
        "X-RateLimit-Remaining": str(daily_remaining),
        "X-RateLimit-Reset": "1700092800000",
        "X-RateLimit-Minutely-Limit": "60",
        "X-RateLimit-Minutely-Remaining": str(minutely_remaining),
        "X-RateLimit-Minutely-Reset": str(minutely_reset_ms),
    }


class ODataResponseBuilder:
    """An Exact collection page: ``{"d": {"results": [...], "__next": ...}}`` with rate-limit headers."""

    def __init__(self, record_template: str) -> None:
        self._template = template(record_template)
        self._rows: list[dict[str, Any]] = []
        self._next: str | None = None
        self._headers = rate_limit_headers()
        self._status = 200

    def with_record(self, **overrides: Any) -> ODataResponseBuilder:
        self._rows.append({**json.loads(json.dumps(self._template)), **overrides})
        return self

    def with_records(self, count: int, **overrides: Any) -> ODataResponseBuilder:
        for _ in range(count):
            self.with_record(**overrides)
        return self

    def with_next_page(self, resource: str, skiptoken: str, division: int = DIVISION) -> ODataResponseBuilder:
        self._next = f"{BASE_URL}/api/v1/{division}/{resource}?$skiptoken={skiptoken}"
        return self

    def with_headers(self, headers: dict[str, str]) -> ODataResponseBuilder:
        self._headers = headers
        return self

    def build(self) -> HttpResponse:
        data: dict[str, Any] = {"results": self._rows}
        if self._next:
            data["__next"] = self._next
        return HttpResponse(json.dumps({"d": data}), self._status, self._headers)


def odata_error(status: int, message: str, headers: dict[str, str] | None = None) -> HttpResponse:
    body = {"error": {"code": "", "message": {"lang": "", "value": message}}}
    return HttpResponse(json.dumps(body), status, headers or {})


def token_response(access_token: str, refresh_token: str) -> HttpResponse:
    body = {"access_token": access_token, "token_type": "bearer", "expires_in": "600", "refresh_token": refresh_token}
    return HttpResponse(json.dumps(body), 200)


def oauth_error(error: str, description: str) -> HttpResponse:
    return HttpResponse(json.dumps({"error": error, "error_description": description}), 400)
