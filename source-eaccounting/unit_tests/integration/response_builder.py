from __future__ import annotations

import copy
import json
from typing import Any

from airbyte_cdk.test.mock_http import HttpResponse
from airbyte_cdk.test.mock_http.response_builder import find_template


def record(resource: str, **fields: Any) -> dict[str, Any]:
    """One record of `resource`, from the response template, with `fields` overriding the template's values."""
    template = find_template(resource, __file__)
    base = copy.deepcopy(template["Data"][0] if "Data" in template else template)
    base.update(fields)
    return base


def page(records: list[dict[str, Any]], current: int = 1, total: int = 1, page_size: int = 1000) -> HttpResponse:
    body = {
        "Meta": {
            "CurrentPage": current,
            "PageSize": page_size,
            "TotalNumberOfPages": total,
            "TotalNumberOfResults": len(records) if total == 1 else page_size * (total - 1) + len(records),
            "ServerTimeUtc": "2026-03-01T12:00:00Z",
        },
        "Data": records,
    }
    return HttpResponse(json.dumps(body), 200)


def single(body: dict[str, Any]) -> HttpResponse:
    return HttpResponse(json.dumps(body), 200)


def api_error(status: int, error_code: int, message: str, headers: dict[str, str] | None = None) -> HttpResponse:
    body = {
        "ErrorCode": error_code,
        "DeveloperErrorMessage": message,
        "ErrorId": "3fa7da17-eeb2-48f6-997d-0be158f4cba4",
    }
    return HttpResponse(json.dumps(body), status, headers or {})


def token_response(access_token: str, refresh_token: str, expires_in: int = 3600) -> HttpResponse:
    body = {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": expires_in,
        "refresh_token": refresh_token,
    }
    return HttpResponse(json.dumps(body), 200)


def oauth_error(error: str, status: int = 400) -> HttpResponse:
    return HttpResponse(json.dumps({"error": error}), status)
