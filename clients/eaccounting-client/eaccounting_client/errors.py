"""The API's error body and what each kind of failure means for a sync.

Body shape (CommonExtendedBadRequest): {"ErrorCode": int, "DeveloperErrorMessage": str, "ErrorId": uuid,
"Errors": [{"Field", "ErrorCode", "Message", "Key"}]}. Codes from the official error-code catalogue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import orjson
import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.error_handlers import HttpStatusErrorHandler
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction

from .scopes import resource_of, scopes_for

NO_ACCESS_TO_MODULE = 4002
STARTUP_GUIDE_NOT_COMPLETED = 4003
COMPANY_NOT_ACTIVE = 4004
NOT_AUTHORIZED = 4005
NO_ACCESS_TO_SCOPES = 4006
PERMISSION_DENIED = 4007
NO_ACCESS_DUE_TO_PRODUCT_VARIANT = 4009
TOO_MANY_REQUESTS = 4010
NO_ACCESS_FOR_AUTHENTICATED_USER = 4011
LICENCE_AGREEMENT_NOT_ACCEPTED = 4012
NO_PERMISSION_FOR_READONLY_USER = 4019
NOT_ALLOWED_WITH_SANDBOX_CLIENT = 4034

# Failures the user fixes in eAccounting or in the connector settings; retrying cannot help.
_FIXES: dict[int, str] = {
    NO_ACCESS_TO_MODULE: (
        "the company has no access to the API module (api_standard) or to the module this endpoint needs; "
        "activate the integration/API add-on for the company in eAccounting"
    ),
    STARTUP_GUIDE_NOT_COMPLETED: "finish the start-up guide of the company in eAccounting",
    COMPANY_NOT_ACTIVE: "the eAccounting company is not active",
    PERMISSION_DENIED: "the authorising user lacks permission for this resource; re-authorise with a user who has it",
    NO_ACCESS_DUE_TO_PRODUCT_VARIANT: "the product variant of the company lacks this endpoint; deselect the stream",
    NO_ACCESS_FOR_AUTHENTICATED_USER: "the authorising user has no access to this company; re-authorise",
    LICENCE_AGREEMENT_NOT_ACCEPTED: "accept the licence agreement in eAccounting",
    NO_PERMISSION_FOR_READONLY_USER: "the authorising user is read-only for this resource",
    NOT_ALLOWED_WITH_SANDBOX_CLIENT: (
        "a sandbox client_id cannot call production; use the sandbox api_url/identity_url or a production app"
    ),
}


@dataclass(frozen=True)
class ApiError:
    status: int
    error_code: int | None = None
    developer_message: str | None = None
    error_id: str | None = None
    field_errors: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_response(cls, response: requests.Response) -> ApiError:
        try:
            body = orjson.loads(response.content or b"{}")
        except orjson.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            return cls(status=response.status_code, developer_message=(response.text or "")[:300] or None)
        code = body.get("ErrorCode")
        return cls(
            status=response.status_code,
            error_code=code if isinstance(code, int) else None,
            developer_message=body.get("DeveloperErrorMessage"),
            error_id=body.get("ErrorId"),
            field_errors=[e for e in body.get("Errors") or [] if isinstance(e, dict)],
        )

    def describe(self) -> str:
        parts = [self.developer_message or f"HTTP {self.status}"]
        details = [f"ErrorCode {self.error_code}"] if self.error_code is not None else []
        details += [f"HTTP {self.status}"] if self.developer_message else []
        details += [f"ErrorId {self.error_id}"] if self.error_id else []
        for error in self.field_errors[:5]:
            parts.append(f"{error.get('Field') or '?'}: {error.get('Message') or error.get('ErrorCode')}")
        return "; ".join(parts) + (f" ({', '.join(details)})" if details else "")


class EAccountingApiError(Exception):
    """Raised by the writer API for a response the caller must handle (validation, conflict, not found)."""

    def __init__(self, method: str, url: str, error: ApiError) -> None:
        self.method, self.url, self.error = method, url, error
        super().__init__(f"{method} {url} failed: {error.describe()}")


def _missing_scope_message(url: str, error: ApiError) -> str:
    wanted = " or ".join(scopes_for(url)) or "a scope covering this endpoint"
    return (
        f"The access token lacks the scope for /{resource_of(url)}: it needs {wanted}. Re-authorise the app with "
        f"that scope (plus ea:api offline_access) and save the new refresh token. API said: {error.describe()}"
    )


class EAccountingErrorHandler(HttpStatusErrorHandler):
    """Reads ErrorCode from the body; falls back to the CDK's status mapping for transport errors."""

    def __init__(self, logger: logging.Logger, max_retries: int = 6, max_time: timedelta = timedelta(minutes=10)):
        super().__init__(logger=logger, max_retries=max_retries, max_time=max_time)

    def interpret_response(self, response_or_exception: requests.Response | Exception | None = None) -> ErrorResolution:
        if not isinstance(response_or_exception, requests.Response) or response_or_exception.ok:
            return super().interpret_response(response_or_exception)
        response = response_or_exception
        error = ApiError.from_response(response)
        url = (response.request.url if response.request is not None else None) or response.url
        message = f"eAccounting API error on {response.request.method if response.request else 'GET'} "
        message += f"/{resource_of(url)}: {error.describe()}"

        if response.status_code == 429 or error.error_code == TOO_MANY_REQUESTS:
            return ErrorResolution(ResponseAction.RATE_LIMITED, FailureType.transient_error, message)
        if response.status_code >= 500:
            return ErrorResolution(ResponseAction.RETRY, FailureType.transient_error, message)
        if error.error_code == NO_ACCESS_TO_SCOPES:
            return ErrorResolution(ResponseAction.FAIL, FailureType.config_error, _missing_scope_message(url, error))
        if error.error_code in _FIXES:
            fix = _FIXES[error.error_code]
            return ErrorResolution(ResponseAction.FAIL, FailureType.config_error, f"{message} — {fix}.")
        if response.status_code == 401 or error.error_code == NOT_AUTHORIZED:
            # The access token was rejected before its expiry (revoked, or the clock is off): refresh once.
            return ErrorResolution(ResponseAction.REFRESH_TOKEN_THEN_RETRY, FailureType.config_error, message)
        if response.status_code == 403:
            return ErrorResolution(ResponseAction.FAIL, FailureType.config_error, message)
        return ErrorResolution(ResponseAction.FAIL, FailureType.system_error, message)
