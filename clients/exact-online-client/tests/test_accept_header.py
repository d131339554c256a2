"""Every request the client makes asks for JSON: Exact answers Atom XML to a request without
``Accept: application/json`` (research/exact-online.md §4 "the default response type is XML"), so one code path that
dropped the header would fail only in production.

Runs against a loopback Exact look-alike that, like Exact, answers XML unless the request accepts JSON.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from exact_online_client import ExactOnlineClient

DIVISION = 7095
ROW = {"__metadata": {"uri": "x", "type": "Exact.Web.Api.Models.Account"}, "ID": "5b7e3f0a-1111-4c3e-9a55-0c1d2e3f4a5b"}


@pytest.fixture
def exact() -> Iterator[tuple[list[tuple[str, str, str]], ExactOnlineClient]]:
    seen: list[tuple[str, str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _dispatch(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = urlsplit(self.path).path
            accept = self.headers.get("Accept") or ""
            seen.append((self.command, path, accept))
            if path.endswith("/oauth2/token"):
                status, body = 200, {"access_token": "at-2", "token_type": "bearer", "expires_in": "600"}
                body["refresh_token"] = "r-2"
            elif "application/json" not in accept:
                status, body = 200, None
            elif self.command in ("PUT", "DELETE"):
                status, body = 204, None
            elif self.command == "POST":
                status, body = 201, {"d": ROW}
            elif path.endswith("/current/Me"):
                status, body = 200, {"d": {"results": [{"CurrentDivision": DIVISION}]}}
            else:
                status, body = 200, {"d": {"results": [ROW]}}
            data = json.dumps(body).encode() if body is not None else b""
            content_type = "application/json" if body is not None else "application/atom+xml"
            if body is None and status == 200:
                data = b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"/>'
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _dispatch

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    config = {
        "base_url": f"http://127.0.0.1:{server.server_address[1]}",
        "credentials": {"client_id": "c", "client_secret": "s", "refresh_token": "r"},
    }
    yield seen, ExactOnlineClient(config)
    server.shutdown()
    server.server_close()


def test_given_every_kind_of_call_when_made_then_each_request_accepts_json(exact) -> None:
    seen, client = exact

    assert client.current_division() == DIVISION
    assert list(client.list("crm/Accounts", {"$select": "ID"}, division=DIVISION)) == [ROW]
    assert client.create("crm/Accounts", {"Name": "Bakkerij de Vries"}, division=DIVISION) == ROW
    client.update("crm/Accounts", ROW["ID"], {"City": "Utrecht"}, division=DIVISION)
    client.delete("crm/Accounts", ROW["ID"], division=DIVISION)

    methods = {(method, path.rsplit("/", 1)[-1]) for method, path, _ in seen}
    assert {("POST", "token"), ("GET", "Me"), ("GET", "Accounts"), ("POST", "Accounts")} <= methods
    assert {method for method, _, _ in seen} >= {"PUT", "DELETE"}
    assert [entry for entry in seen if "application/json" not in entry[2]] == []
