"""Errors in eAccounting's own body shape: ``{ErrorCode, DeveloperErrorMessage, ErrorId, Errors[]}``.

Codes and names follow the official error-code catalogue; the HTTP status for each code is our reading of it (the
catalogue publishes no status mapping): model validation and business rules → 400, missing path resource → 404,
authentication → 401, scope/module → 403, quota → 429, platform faults → 5xx.
"""

from __future__ import annotations

import uuid
from typing import Any

from werkzeug.wrappers import Response

from emulator_kit.jsonio import dumps

DATA_MODEL_VALIDATION_ERROR = 2000
RESOURCE_NOT_FOUND = 3000
FISCAL_YEAR_DOES_NOT_EXIST = 3001
ACCOUNT_NOT_FOUND = 3002
CONFLICT = 4000
CAN_NOT_BE_DELETED = 4001
CAN_NOT_BE_CREATED_OR_UPDATED = 4002
NOT_AUTHORIZED = 4005
NO_ACCESS_TO_SCOPES = 4006
TOO_MANY_REQUESTS = 4010
FISCAL_YEAR_OVERLAP = 4020
VOUCHER_DATE_IN_LOCKED_YEAR = 4038
INTERNAL_SERVER_ERROR = 5000
CANT_REACH_SYSTEM_DEPENDENCY = 5001
QUERY_PARAMETER_ERROR = 6000
INVALID_INPUT = 6001

CONTENT_TYPE = "application/json;charset=UTF-8"


def field_error(field: str, code: str, message: str) -> dict[str, Any]:
    """One entry of ``Errors``: the spec's ``CommonError {Field, ErrorCode, Message, Key}``."""
    return {"Field": field, "ErrorCode": code, "Message": message, "Key": field}


class EAccountingError(Exception):
    def __init__(
        self,
        status: int,
        error_code: int,
        message: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message
        self.errors = errors or []
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {
            "ErrorCode": self.error_code,
            "DeveloperErrorMessage": self.message,
            "ErrorId": str(uuid.uuid4()),
            "Errors": self.errors,
        }

    def response(self) -> Response:
        return Response(dumps(self.body()), status=self.status, headers=self.headers, content_type=CONTENT_TYPE)


class ValidationFailed(EAccountingError):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        summary = "; ".join(f"{error['Field']}: {error['Message']}" for error in errors[:5])
        super().__init__(400, DATA_MODEL_VALIDATION_ERROR, f"ValidationException - {summary}", errors)


class BusinessRuleViolated(EAccountingError):
    def __init__(self, error_code: int, message: str, field: str | None = None) -> None:
        errors = [field_error(field, str(error_code), message)] if field else []
        super().__init__(400, error_code, message, errors)


class ReferenceNotFound(EAccountingError):
    """A body field points at an object that does not exist (the request is bad, so 400 rather than 404)."""

    def __init__(self, field: str, what: str, value: object) -> None:
        message = f"{what} with id {value} was not found"
        super().__init__(
            400,
            RESOURCE_NOT_FOUND,
            f"ResourceNotFoundException - {message}",
            [field_error(field, str(RESOURCE_NOT_FOUND), message)],
        )


class NotFound(EAccountingError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(404, RESOURCE_NOT_FOUND, f"ResourceNotFoundException - {what} {key} was not found")


class QueryParameterError(EAccountingError):
    def __init__(self, message: str, *, invalid_input: bool = False) -> None:
        code = INVALID_INPUT if invalid_input else QUERY_PARAMETER_ERROR
        super().__init__(400, code, f"QueryParameterException - {message}")


class NotAuthorized(EAccountingError):
    def __init__(self) -> None:
        super().__init__(
            401,
            NOT_AUTHORIZED,
            "AuthorizationException - Authorization has been denied for this request.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )


class MissingScope(EAccountingError):
    def __init__(self, required: list[str]) -> None:
        super().__init__(
            403,
            NO_ACCESS_TO_SCOPES,
            "ForbiddenRequestException - No access to scopes. Requires any of: " + ", ".join(required),
        )


class TooManyRequests(EAccountingError):
    def __init__(self, limit: int, retry_in_seconds: int) -> None:
        super().__init__(
            429,
            TOO_MANY_REQUESTS,
            f"API calls quota exceeded! maximum admitted {limit} per Minute. Try again in {retry_in_seconds} seconds.",
        )
