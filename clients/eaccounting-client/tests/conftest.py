"""An eAccounting look-alike on loopback: single-use refresh tokens and scripted API answers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

# A scripted status that makes the fake handle the request, then close the connection without answering.
DROP = 0


@dataclass
class FakeEAccounting:
    refresh_tokens: set[str] = field(default_factory=lambda: {"rt-1"})
    issued: int = 0
    token_requests: list[dict[str, list[str]]] = field(default_factory=list)
    api_requests: list[tuple[str, str, dict[str, list[str]], Any]] = field(default_factory=list)
    scripted: dict[tuple[str, str], list[tuple[int, Any]]] = field(default_factory=dict)
    base_url: str = ""

    def answer(self, method: str, path: str, status: int, body: Any) -> None:
        self.scripted.setdefault((method, path), []).append((status, body))

    def answer_lost(self, method: str, path: str) -> None:
        """The request is handled (recorded), then the connection closes without an answer."""
        self.answer(method, path, DROP, None)

    def handle_token(self, form: dict[str, list[str]]) -> tuple[int, Any]:
        self.token_requests.append(form)
        token = form.get("refresh_token", [""])[0]
        if form.get("client_secret", [""])[0] != "secret-1":
            return 400, {"error": "invalid_client"}
        if token not in self.refresh_tokens:
            return 400, {"error": "invalid_grant"}
        self.refresh_tokens.discard(token)  # single use
        self.issued += 1
        new = f"rt-{self.issued + 1}"
        self.refresh_tokens.add(new)
        return 200, {
            "access_token": f"at-{self.issued}",
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": new,
        }

    def handle_api(self, method: str, path: str, query: dict[str, list[str]], body: Any, auth: str) -> tuple[int, Any]:
        self.api_requests.append((method, path, query, body))
        if not auth.startswith("Bearer at-"):
            return 401, {"ErrorCode": 4005, "DeveloperErrorMessage": "AuthorizationException", "ErrorId": "e-1"}
        queue = self.scripted.get((method, path))
        if queue:
            return queue.pop(0) if len(queue) > 1 else queue[0]
        return 404, {"ErrorCode": 3000, "DeveloperErrorMessage": "ResourceNotFound", "ErrorId": "e-2"}


@pytest.fixture
def fake() -> Iterator[FakeEAccounting]:
    state = FakeEAccounting()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _dispatch(self) -> None:
            url = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if url.path == "/connect/token":
                assert self.headers["Content-Type"] == "application/x-www-form-urlencoded"
                self._reply(*state.handle_token(parse_qs(raw.decode())))
                return
            body = json.loads(raw) if raw else None
            path = url.path.removeprefix("/v2")
            status, answer = state.handle_api(
                self.command, path, parse_qs(url.query), body, self.headers.get("Authorization", "")
            )
            if status == DROP:
                self.close_connection = True
                return
            self._reply(status, answer)

        do_GET = do_POST = do_PUT = do_DELETE = _dispatch

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def config(fake: FakeEAccounting) -> dict[str, Any]:
    return {
        "api_url": f"{fake.base_url}/v2",
        "identity_url": fake.base_url,
        "credentials": {"client_id": "client-1", "client_secret": "secret-1", "refresh_token": "rt-1"},
    }
