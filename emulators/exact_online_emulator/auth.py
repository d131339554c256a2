"""Exact Online's OAuth 2.0 rules: 3-minute single-use authorization codes, 10-minute access tokens, single-use
rotating refresh tokens that may only be used 570 s after they were issued and expire after 30 days unused, and at
most 200 token calls per client per day. All times come from the emulated clock."""

from __future__ import annotations

import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from emulator_kit.clock import Clock
from exact_online_emulator.exceptions import OAuthError, Unauthorized

ACCESS_TOKEN_SECONDS = 600
REFRESH_NOT_BEFORE_SECONDS = 570
REFRESH_TOKEN_UNUSED_SECONDS = 30 * 24 * 3600
AUTH_CODE_SECONDS = 180
TOKEN_CALLS_PER_DAY = 200


@dataclass
class Client:
    client_id: str
    client_secret: str


@dataclass
class RefreshToken:
    client_id: str
    issued_at: float
    chain: str
    used: bool = False


@dataclass
class AccessToken:
    client_id: str
    expires_at: float


@dataclass
class AuthCode:
    client_id: str
    redirect_uri: str
    issued_at: float
    used: bool = False


class Authority:
    def __init__(self, clock: Clock, client: Client, token_calls_per_day: int = TOKEN_CALLS_PER_DAY) -> None:
        self.clock = clock
        self.client = client
        self.token_calls_per_day = token_calls_per_day
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.codes: dict[str, AuthCode] = {}
        self.token_calls: dict[str, tuple[int, int]] = {}  # client_id -> (UTC day number, calls)
        self.lock = threading.Lock()

    # ----------------------------------------------------------------- issuing
    def issue_start_refresh_token(self) -> str:
        """The start line's refresh token counts as issued one access-token lifetime ago, so a client may exchange it
        at once (as with a token a user got from the consent flow 10 minutes earlier)."""
        with self.lock:
            token = "__" + secrets.token_urlsafe(32)
            issued = self.clock.time() - ACCESS_TOKEN_SECONDS
            self.refresh_tokens[token] = RefreshToken(self.client.client_id, issued, secrets.token_hex(8))
            return token

    def authorize(self, client_id: str, redirect_uri: str) -> str:
        if client_id != self.client.client_id:
            raise OAuthError("invalid_client", "The client_id is unknown.")
        with self.lock:
            code = secrets.token_urlsafe(24)
            self.codes[code] = AuthCode(client_id, redirect_uri, self.clock.time())
            return code

    def token(self, form: dict[str, str]) -> dict[str, Any]:
        with self.lock:
            client_id = form.get("client_id", "")
            self._count_token_call(client_id)
            if client_id != self.client.client_id or form.get("client_secret") != self.client.client_secret:
                raise OAuthError("invalid_client", "Client authentication failed.")
            grant = form.get("grant_type")
            if grant == "authorization_code":
                return self._exchange_code(form)
            if grant == "refresh_token":
                return self._refresh(form)
            raise OAuthError("unsupported_grant_type", f"The grant type '{grant}' is not supported.")

    def _count_token_call(self, client_id: str) -> None:
        day = int(self.clock.time() // 86400)
        seen_day, calls = self.token_calls.get(client_id, (day, 0))
        if seen_day != day:
            calls = 0
        calls += 1
        self.token_calls[client_id] = (day, calls)
        if self.token_calls_per_day and calls > self.token_calls_per_day:
            raise OAuthError("access_denied", "Rate limit exceeded: too many token requests today.")

    def _exchange_code(self, form: dict[str, str]) -> dict[str, Any]:
        code = self.codes.get(form.get("code", ""))
        now = self.clock.time()
        if code is None or code.used or now - code.issued_at > AUTH_CODE_SECONDS:
            raise OAuthError("invalid_grant", "The authorization code is invalid, expired or already used.")
        if form.get("redirect_uri") and form["redirect_uri"] != code.redirect_uri:
            raise OAuthError("invalid_grant", "The redirect_uri does not match the authorization request.")
        code.used = True
        return self._grant(code.client_id, secrets.token_hex(8))

    def _refresh(self, form: dict[str, str]) -> dict[str, Any]:
        presented = form.get("refresh_token", "")
        record = self.refresh_tokens.get(presented)
        now = self.clock.time()
        if record is None:
            raise OAuthError("invalid_grant", "Token is not allowed, because of invalid or empty chainId")
        if record.used:
            raise OAuthError(
                "invalid_grant", "An obsoleted refresh token can not be used. Keep the refresh token chain intact."
            )
        expires_at = record.issued_at + REFRESH_TOKEN_UNUSED_SECONDS
        if now > expires_at:
            raise OAuthError(
                "invalid_request",
                f"The refresh token expired at {_exact_time(expires_at)} and it is now {_exact_time(now)}.",
            )
        if now - record.issued_at < REFRESH_NOT_BEFORE_SECONDS:
            raise OAuthError(
                "access_denied",
                "Rate limit exceeded: access_token not expired",
                headers={"Reason": "TooEarlyToRefreshTokens: Rate limit exceeded: access_token not expired"},
            )
        record.used = True
        # Using a new refresh token retires every older token of its chain.
        for token in self.refresh_tokens.values():
            if token.chain == record.chain:
                token.used = True
        return self._grant(record.client_id, record.chain)

    def _grant(self, client_id: str, chain: str) -> dict[str, Any]:
        now = self.clock.time()
        access = "AAEA" + secrets.token_urlsafe(48)
        refresh = "__" + secrets.token_urlsafe(32)
        self.access_tokens[access] = AccessToken(client_id, now + ACCESS_TOKEN_SECONDS)
        self.refresh_tokens[refresh] = RefreshToken(client_id, now, chain)
        self._forget_expired(now)
        return {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": str(ACCESS_TOKEN_SECONDS),
            "refresh_token": refresh,
        }

    def _forget_expired(self, now: float) -> None:
        if len(self.access_tokens) > 1000:
            self.access_tokens = {k: v for k, v in self.access_tokens.items() if v.expires_at > now}

    # ----------------------------------------------------------------- checking
    def authenticate(self, header: str | None) -> AccessToken:
        if not header or not header.lower().startswith("bearer "):
            raise Unauthorized("Unauthorized", {"WWW-Authenticate": 'Bearer error="invalid_request"'})
        token = self.access_tokens.get(header[7:].strip())
        if token is None:
            raise Unauthorized("Unauthorized", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if self.clock.time() >= token.expires_at:
            raise Unauthorized(
                "Unauthorized",
                {"WWW-Authenticate": 'Bearer error="invalid_token", error_description="access token expired"'},
            )
        return token

    # ----------------------------------------------------------------- state
    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "refresh_tokens": {k: asdict(v) for k, v in self.refresh_tokens.items()},
                "access_tokens": {k: asdict(v) for k, v in self.access_tokens.items()},
                "token_calls": {k: list(v) for k, v in self.token_calls.items()},
            }

    def restore(self, state: dict[str, Any]) -> None:
        with self.lock:
            self.refresh_tokens = {k: RefreshToken(**v) for k, v in state["refresh_tokens"].items()}
            self.access_tokens = {k: AccessToken(**v) for k, v in state["access_tokens"].items()}
            self.token_calls = {k: (v[0], v[1]) for k, v in state["token_calls"].items()}


def _exact_time(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return f"{moment.month}/{moment.day}/{moment.year} {moment.strftime('%I:%M:%S %p').lstrip('0')}"
