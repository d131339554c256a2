"""``ledgerbridge authorize``: the OAuth 2.0 authorisation-code flow, how a new user gets a first refresh token.

The browser is sent to the system's consent page with a redirect URI on 127.0.0.1; a one-shot listener there catches
the code (checking the ``state`` it sent), the code is exchanged for tokens, and the tokens go into the connector's
configuration file atomically, readable only by the user. Nothing secret is printed.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

import eaccounting_client
import exact_online_client

from .config_files import read_config, write_config_atomically

DEFAULT_PORT = 8765
CALLBACK_PATH = "/callback"


class AuthorizationError(RuntimeError):
    pass


@dataclass(frozen=True)
class OAuthSystem:
    """One system's OAuth endpoints and scopes, as its client declares them; only the config key naming the host and
    its default live here."""

    name: str
    host_key: str
    default_host: str
    authorize_endpoint: Callable[[str], str]
    token_endpoint: Callable[[str], str]
    scopes: tuple[str, ...] = ()

    def host(self, config: dict[str, Any]) -> str:
        return str(config.get(self.host_key) or self.default_host).rstrip("/")


SYSTEMS = {
    "exact-online": OAuthSystem(
        "Exact Online",
        "base_url",
        exact_online_client.DEFAULT_BASE_URL,
        exact_online_client.authorize_endpoint,
        exact_online_client.token_endpoint,
        exact_online_client.AUTHORIZE_SCOPES,
    ),
    "eaccounting": OAuthSystem(
        "Visma eAccounting",
        "identity_url",
        eaccounting_client.PRODUCTION_IDENTITY_URL,
        eaccounting_client.authorize_endpoint,
        eaccounting_client.token_endpoint,
        eaccounting_client.AUTHORIZE_SCOPES,
    ),
}


class _CallbackListener:
    """A loopback HTTP server that waits for exactly one redirect carrying ``code`` and ``state``."""

    def __init__(self, port: int) -> None:
        received: dict[str, str] = {}
        arrived = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != CALLBACK_PATH:
                    self.send_error(404)
                    return
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                received.update(query)
                ok = "code" in query
                self.send_response(200 if ok else 400)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                text = "ledgerbridge is authorised. You can close this window." if ok else "Authorisation failed."
                self.wfile.write(f"<!doctype html><title>ledgerbridge</title><p>{text}</p>".encode())
                arrived.set()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", port), Handler)
        self.received = received
        self.arrived = arrived
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{CALLBACK_PATH}"

    def wait(self, timeout: float) -> dict[str, str]:
        if not self.arrived.wait(timeout):
            raise AuthorizationError(f"no redirect arrived within {timeout:.0f} s")
        return dict(self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def consent_url(system: OAuthSystem, config: dict[str, Any], redirect_uri: str, state: str) -> str:
    params = {
        "client_id": config["credentials"]["client_id"],
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "state": state,
    }
    if system.scopes:
        params["scope"] = " ".join(system.scopes)
        params["prompt"] = "login"
    return f"{system.authorize_endpoint(system.host(config))}?{urlencode(params)}"


def authorize(
    system_key: str,
    config_path: Path,
    *,
    port: int = DEFAULT_PORT,
    open_browser: Callable[[str], Any],
    timeout: float = 300.0,
    announce: Callable[[str], None] = lambda text: print(text, flush=True),
) -> dict[str, Any]:
    """Runs the flow and stores the tokens in ``config_path``; returns the updated configuration."""
    system = SYSTEMS[system_key]
    config = read_config(config_path)
    credentials = config.get("credentials") or {}
    missing = [key for key in ("client_id", "client_secret") if not credentials.get(key)]
    if missing:
        raise AuthorizationError(
            f"{config_path}: credentials.{missing[0]} is missing — copy it from the app's registration first"
        )
    state = secrets.token_urlsafe(24)
    listener = _CallbackListener(port)
    try:
        url = consent_url(system, config, listener.redirect_uri, state)
        announce(f"Sign in to {system.name} and allow the app; waiting for the redirect on {listener.redirect_uri}")
        announce(f"If no browser opens, visit: {url}")
        open_browser(url)
        answer = listener.wait(timeout)
    finally:
        listener.close()
    if answer.get("state") != state:
        raise AuthorizationError("the redirect carried a different state: refusing it (possible forged request)")
    if "code" not in answer:
        raise AuthorizationError(f"{system.name} refused: {answer.get('error_description') or answer.get('error')}")
    response = requests.post(
        system.token_endpoint(system.host(config)),
        data={
            "grant_type": "authorization_code",
            "code": answer["code"],
            "redirect_uri": listener.redirect_uri,
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
        },
        headers={"Accept": "application/json"},
        timeout=60,
    )
    if not response.ok:
        raise AuthorizationError(f"{system.name} did not exchange the code: HTTP {response.status_code}")
    token = response.json()
    expiry = datetime.now(UTC) + timedelta(seconds=int(token.get("expires_in") or 0))
    config["credentials"] = {
        **credentials,
        "refresh_token": token["refresh_token"],
        "access_token": token["access_token"],
        "token_expiry_date": expiry.isoformat(timespec="seconds"),
    }
    write_config_atomically(config_path, config)
    announce(f"Stored new tokens in {config_path} (mode 0600).")
    return config
