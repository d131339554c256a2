"""The Visma Online identity server as eAccounting clients meet it: authorization codes, 1-hour access tokens and
rotating, single-use refresh tokens, all timed on the emulated clock.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from emulator_kit.clock import Clock

ACCESS_TOKEN_SECONDS = 3600
AUTHORIZATION_CODE_SECONDS = 300
# Refresh tokens do not expire in practice (Visma stated 50 years); each use replaces the token.
REFRESH_TOKEN_SECONDS = 50 * 365 * 24 * 3600
DEFAULT_SCOPES = ("ea:api", "offline_access", "ea:sales", "ea:accounting", "ea:purchase")


class OAuthError(Exception):
    """An RFC 6749 token-endpoint error (IdentityServer answers them with 400 and ``{"error": …}``)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass
class Grant:
    client_id: str
    scopes: list[str]
    issued_at: float
    expires_at: float
    redirect_uri: str | None = None


@dataclass
class AuthState:
    clients: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    refresh_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The newest refresh token of the grant created at start-up: what the start line hands out.
    primary_refresh_token: str = ""


class IdentityServer:
    def __init__(self, clock: Clock, state: AuthState, access_token_seconds: int = ACCESS_TOKEN_SECONDS) -> None:
        self.clock = clock
        self.state = state
        self.access_token_seconds = access_token_seconds
        self._lock = threading.Lock()

    @classmethod
    def create(cls, clock: Clock, client_id: str, client_secret: str, **options: Any) -> IdentityServer:
        server = cls(clock, AuthState(clients={client_id: client_secret}), **options)
        grant = server._grant(client_id, list(DEFAULT_SCOPES))
        server.state.primary_refresh_token = server._new_refresh_token(grant)
        return server

    @property
    def client_id(self) -> str:
        return next(iter(self.state.clients))

    @property
    def client_secret(self) -> str:
        return self.state.clients[self.client_id]

    def _grant(self, client_id: str, scopes: list[str], lifetime: float = 0, redirect_uri: str | None = None) -> Grant:
        now = self.clock.time()
        return Grant(client_id, scopes, now, now + lifetime, redirect_uri)

    def authenticate_client(self, client_id: str | None, client_secret: str | None) -> str:
        if not client_id or self.state.clients.get(client_id) is None:
            raise OAuthError("invalid_client", "Unknown client")
        if not secrets.compare_digest(self.state.clients[client_id], client_secret or ""):
            raise OAuthError("invalid_client", "Invalid client secret")
        return client_id

    def authorize(self, client_id: str, redirect_uri: str, scope: str) -> str:
        """Issues an authorization code; consent is approved automatically (a local stand-in has no user)."""
        if client_id not in self.state.clients:
            raise OAuthError("unauthorized_client", "Unknown client_id")
        scopes = scope.split() or list(DEFAULT_SCOPES)
        code = secrets.token_urlsafe(24)
        with self._lock:
            grant = self._grant(client_id, scopes, AUTHORIZATION_CODE_SECONDS, redirect_uri)
            self.state.codes[code] = asdict(grant)
        return code

    def exchange_code(self, client_id: str, code: str | None, redirect_uri: str | None) -> dict[str, Any]:
        with self._lock:
            grant = self.state.codes.pop(code or "", None)
            if grant is None or grant["expires_at"] <= self.clock.time():
                raise OAuthError("invalid_grant", "Invalid, expired or already used authorization code")
            if grant["client_id"] != client_id:
                raise OAuthError("invalid_grant", "The authorization code was issued to another client")
            if grant["redirect_uri"] and grant["redirect_uri"] != redirect_uri:
                raise OAuthError("invalid_grant", "redirect_uri does not match the authorization request")
            return self._tokens(client_id, grant["scopes"])

    def refresh(self, client_id: str, refresh_token: str | None) -> dict[str, Any]:
        with self._lock:
            grant = self.state.refresh_tokens.pop(refresh_token or "", None)
            if grant is None or grant["expires_at"] <= self.clock.time():
                raise OAuthError("invalid_grant", "Invalid, expired or already used refresh token")
            if grant["client_id"] != client_id:
                raise OAuthError("invalid_grant", "The refresh token was issued to another client")
            tokens = self._tokens(client_id, grant["scopes"])
            if refresh_token == self.state.primary_refresh_token:
                self.state.primary_refresh_token = tokens["refresh_token"]
            return tokens

    def _tokens(self, client_id: str, scopes: list[str]) -> dict[str, Any]:
        access_token = secrets.token_urlsafe(32)
        self.state.access_tokens[access_token] = asdict(self._grant(client_id, scopes, self.access_token_seconds))
        self._forget_expired_access_tokens()
        body: dict[str, Any] = {
            "access_token": access_token,
            "expires_in": self.access_token_seconds,
            "token_type": "Bearer",
            "scope": " ".join(scopes),
        }
        if "offline_access" in scopes:
            body["refresh_token"] = self._new_refresh_token(self._grant(client_id, scopes))
        return body

    def _new_refresh_token(self, grant: Grant) -> str:
        token = secrets.token_urlsafe(32)
        grant.expires_at = grant.issued_at + REFRESH_TOKEN_SECONDS
        self.state.refresh_tokens[token] = asdict(grant)
        return token

    def _forget_expired_access_tokens(self) -> None:
        if len(self.state.access_tokens) < 10_000:
            return
        now = self.clock.time()
        for token in [t for t, g in self.state.access_tokens.items() if g["expires_at"] <= now]:
            del self.state.access_tokens[token]

    def bearer(self, access_token: str) -> dict[str, Any] | None:
        """The live grant behind an access token, or None when it is unknown or expired."""
        grant = self.state.access_tokens.get(access_token)
        if grant is None or grant["expires_at"] <= self.clock.time():
            return None
        return grant

    def to_state(self) -> dict[str, Any]:
        with self._lock:
            return asdict(self.state)

    @classmethod
    def from_state(cls, clock: Clock, data: dict[str, Any], **options: Any) -> IdentityServer:
        return cls(clock, AuthState(**data), **options)
