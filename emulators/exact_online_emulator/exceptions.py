"""Errors in Exact Online's own body shapes: OData ``{"error":{"code","message":{"lang","value"}}}`` for the REST
API, OAuth ``{"error","error_description"}`` for the token endpoint."""

from __future__ import annotations

from werkzeug.wrappers import Response

from emulator_kit.jsonio import dumps


class ExactError(Exception):
    status = 400

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}

    def response(self) -> Response:
        return odata_error(self.status, self.message, self.headers)


class BadRequest(ExactError):
    status = 400


class Unauthorized(ExactError):
    status = 401


class Forbidden(ExactError):
    status = 403


class NotFound(ExactError):
    status = 404


class MethodNotAllowed(ExactError):
    status = 405


class TooManyRequests(ExactError):
    """Exact answers 429 with an empty body; only the exceeded limit's X-RateLimit-* headers come along."""

    status = 429

    def response(self) -> Response:
        return Response(b"", status=429, headers=self.headers)


class OAuthError(Exception):
    def __init__(self, error: str, description: str, headers: dict[str, str] | None = None, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.headers = headers or {}
        self.status = status

    def response(self) -> Response:
        body = dumps({"error": self.error, "error_description": self.description})
        return Response(body, status=self.status, headers=self.headers, content_type="application/json; charset=utf-8")


def odata_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    body = dumps({"error": {"code": "", "message": {"lang": "", "value": message}}})
    return Response(body, status=status, headers=headers, content_type="application/json; charset=utf-8")
