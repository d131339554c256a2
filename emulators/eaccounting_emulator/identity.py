"""HTTP face of the identity server: ``POST /connect/token`` and an auto-approving ``GET /connect/authorize``."""

from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import unquote_plus, urlencode

from werkzeug.wrappers import Request, Response

from eaccounting_emulator.auth import IdentityServer, OAuthError
from emulator_kit.jsonio import dumps

FORM = "application/x-www-form-urlencoded"


class IdentityEndpoints:
    def __init__(self, server: IdentityServer, on_change: Callable[[], None]) -> None:
        self.server = server
        self.on_change = on_change

    def token(self, request: Request) -> Response:
        try:
            if request.method != "POST":
                raise OAuthError("invalid_request", "The token endpoint only accepts POST", status=405)
            if request.mimetype != FORM:
                raise OAuthError("invalid_request", f"Content-Type must be {FORM}")
            client_id = self.server.authenticate_client(*_client_credentials(request))
            grant_type = request.form.get("grant_type")
            if grant_type == "authorization_code":
                body = self.server.exchange_code(client_id, request.form.get("code"), request.form.get("redirect_uri"))
            elif grant_type == "refresh_token":
                body = self.server.refresh(client_id, request.form.get("refresh_token"))
            else:
                raise OAuthError("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
        except OAuthError as error:
            return _token_response({"error": error.error, "error_description": error.description}, error.status)
        self.on_change()
        return _token_response(body, 200)

    def authorize(self, request: Request) -> Response:
        args = request.args
        redirect_uri = args.get("redirect_uri")
        if not redirect_uri:
            return Response("redirect_uri is required", status=400, content_type="text/plain")
        query = {"state": args["state"]} if "state" in args else {}
        if args.get("response_type") != "code":
            query["error"] = "unsupported_response_type"
        else:
            try:
                code = self.server.authorize(args.get("client_id", ""), redirect_uri, args.get("scope", ""))
            except OAuthError as error:
                return Response(error.description, status=400, content_type="text/plain")
            query = {"code": code, "scope": args.get("scope", ""), **query}
            self.on_change()
        separator = "&" if "?" in redirect_uri else "?"
        return Response(status=302, headers={"Location": f"{redirect_uri}{separator}{urlencode(query)}"})


def _client_credentials(request: Request) -> tuple[str | None, str | None]:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            raise OAuthError("invalid_client", "Malformed Basic authorization header") from None
        client_id, _, secret = decoded.partition(":")
        # RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64.
        return unquote_plus(client_id), unquote_plus(secret)
    return request.form.get("client_id"), request.form.get("client_secret")


def _token_response(body: dict, status: int) -> Response:
    return Response(
        dumps(body),
        status=status,
        content_type="application/json; charset=UTF-8",
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )
