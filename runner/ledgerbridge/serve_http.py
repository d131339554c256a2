"""The service's HTTP side: ``/healthz``, Exact's webhook callbacks, and pages plugged in by path (``/``, ``/metrics``).

Standard library only (``ThreadingHTTPServer``): the service answers a handful of small requests; TLS belongs to a
reverse proxy in front of it (docs/runner.md). A webhook is answered as soon as it is checked and queued — Exact
gives a callback ten seconds and retries slow ones, so no run ever happens inside a request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

WEBHOOK_PREFIX = "/webhooks/exact"
MAX_BODY_BYTES = 1 << 20  # a notification is a few hundred bytes; anything near this is not one


@dataclass(frozen=True)
class Page:
    status: int
    body: bytes
    content_type: str

    @classmethod
    def text(cls, text: str, status: int = 200) -> Page:
        return cls(status, text.encode("utf-8"), "text/plain; charset=utf-8")


PageHandler = Callable[[], Page]
# (connection named in the path or None, raw body, client address) -> the answer
WebhookHandler = Callable[[str | None, bytes, str], Page]


class ServeHttp:
    def __init__(self, host: str, port: int, pages: Mapping[str, PageHandler], webhook: WebhookHandler) -> None:
        self.pages = dict(pages)
        self.webhook = webhook
        self.server = ThreadingHTTPServer((host, port), _handler_class(self))
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, name="serve-http", daemon=True)

    @property
    def url(self) -> str:
        address = self.server.server_address
        host = address[0] if isinstance(address[0], str) else address[0].decode()
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def get(self, path: str) -> Page:
        if path == "/healthz":
            return Page.text("ok\n")
        handler = self.pages.get(path)
        if handler is None:
            return Page.text("not found\n", 404)
        return handler()

    def post(self, path: str, body: bytes, client: str) -> Page:
        if path == WEBHOOK_PREFIX or path == WEBHOOK_PREFIX + "/":
            return self.webhook(None, body, client)
        if path.startswith(WEBHOOK_PREFIX + "/"):
            name = unquote(path[len(WEBHOOK_PREFIX) + 1 :])
            if name and "/" not in name:
                return self.webhook(name, body, client)
        return Page.text("not found\n", 404)


def _handler_class(owner: ServeHttp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "ledgerbridge-serve"
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._answer(owner.get(urlsplit(self.path).path))

        def do_HEAD(self) -> None:
            self._answer(owner.get(urlsplit(self.path).path), body=False)

        def do_POST(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY_BYTES:
                self._answer(Page.text("bad length\n", 413 if length > 0 else 400))
                return
            body = self.rfile.read(length) if length else b""
            self._answer(owner.post(urlsplit(self.path).path, body, self.client_address[0]))

        def _answer(self, page: Page, body: bool = True) -> None:
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body:
                self.wfile.write(page.body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # requests are not logged one by one; refused callbacks and runs are, in the activity log

    return Handler
