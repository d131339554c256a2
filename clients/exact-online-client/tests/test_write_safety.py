"""A create whose answer was lost is never sent twice by the client; reads and updates keep their retries.

Runs against a scripted Exact look-alike on loopback that can handle a request and then lose its answer.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from exact_online_client import AmbiguousWriteError, ExactOnlineClient

DIVISION = 7095
LOST = 0  # scripted status: handle the request, then close the connection without answering
ACCOUNT = {"ID": "5b7e3f0a-1111-4c3e-9a55-0c1d2e3f4a5b", "Code": "              1042"}


class ScriptedExact:
    def __init__(self) -> None:
        self.script: dict[tuple[str, str], list[tuple[int, Any, dict[str, str]]]] = {}
        self.received: list[tuple[str, str]] = []

    def then(self, method: str, resource: str, status: int, body: Any = None, headers: dict | None = None) -> None:
        self.script.setdefault((method, f"/api/v1/{DIVISION}/{resource}"), []).append((status, body, headers or {}))

    def sent(self, method: str, resource: str) -> int:
        return self.received.count((method, f"/api/v1/{DIVISION}/{resource}"))

    def next_answer(self, method: str, path: str) -> tuple[int, Any, dict[str, str]]:
        self.received.append((method, path))
        queue = self.script.get((method, path)) or [(404, {"error": {"message": {"value": "Not found"}}}, {})]
        return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.fixture
def exact() -> Iterator[tuple[ScriptedExact, ExactOnlineClient]]:
    scripted = ScriptedExact()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _dispatch(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, body, headers = scripted.next_answer(self.command, urlsplit(self.path).path)
            if status == LOST:
                self.close_connection = True
                return
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _dispatch

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    config = {
        "base_url": f"http://127.0.0.1:{server.server_address[1]}",
        "credentials": {"client_id": "c", "client_secret": "s", "refresh_token": "r", "access_token": "at-1"},
    }
    yield scripted, ExactOnlineClient(config)
    server.shutdown()
    server.server_close()


def test_given_connection_dropped_after_the_account_was_stored_when_create_then_ambiguous_and_sent_once(exact):
    scripted, client = exact
    scripted.then("POST", "crm/Accounts", LOST)
    with pytest.raises(AmbiguousWriteError) as lost:
        client.create("crm/Accounts", {"Name": "Bakkerij de Vries"}, division=DIVISION)
    assert scripted.sent("POST", "crm/Accounts") == 1
    assert lost.value.url.endswith(f"/api/v1/{DIVISION}/crm/Accounts")


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_given_server_error_when_create_then_ambiguous_naming_the_status_and_sent_once(exact, status):
    scripted, client = exact
    scripted.then("POST", "logistics/Items", status, {"error": {"message": {"value": "An error has occurred."}}})
    with pytest.raises(AmbiguousWriteError, match=f"HTTP {status}"):
        client.create("logistics/Items", {"Code": "A-1"}, division=DIVISION)
    assert scripted.sent("POST", "logistics/Items") == 1


def test_given_minutely_rate_limit_when_create_then_sent_again_after_the_reset_because_nothing_was_stored(exact):
    scripted, client = exact
    reset_ms = str(int((time.time() + 0.2) * 1000))
    limit = {"X-RateLimit-Minutely-Limit": "60", "X-RateLimit-Minutely-Remaining": "0"}
    scripted.then("POST", "crm/Accounts", 429, None, {**limit, "X-RateLimit-Minutely-Reset": reset_ms})
    scripted.then("POST", "crm/Accounts", 201, {"d": ACCOUNT})
    assert client.create("crm/Accounts", {"Name": "Bakkerij de Vries"}, division=DIVISION) == ACCOUNT
    assert scripted.sent("POST", "crm/Accounts") == 2


def test_given_connection_dropped_when_reading_rows_then_retried_and_the_rows_returned(exact):
    scripted, client = exact
    scripted.then("GET", "crm/Accounts", LOST)
    scripted.then("GET", "crm/Accounts", 200, {"d": {"results": [ACCOUNT]}})
    assert list(client.list("crm/Accounts", division=DIVISION)) == [ACCOUNT]
    assert scripted.sent("GET", "crm/Accounts") == 2


def test_given_server_error_when_updating_a_known_account_then_retried_because_repeating_it_is_harmless(exact):
    scripted, client = exact
    resource = f"crm/Accounts(guid'{ACCOUNT['ID']}')"
    scripted.then("PUT", resource, 503, {"error": {"message": {"value": "Service Unavailable"}}})
    scripted.then("PUT", resource, 204)
    client.update("crm/Accounts", ACCOUNT["ID"], {"Name": "Bakkerij de Vries BV"}, division=DIVISION)
    assert scripted.sent("PUT", resource) == 2
