"""WSGI middleware in front of an emulated API: admin endpoints, the request log and fault injection.

Admin endpoints live under ``/_emulator/`` (not part of either real API) and are never recorded or faulted.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Request, Response

from emulator_kit.clock import Clock
from emulator_kit.faults import AFTER_KINDS, STATUS_KINDS, FaultPlan, FaultRule
from emulator_kit.jsonio import json_response, loads
from emulator_kit.requestlog import RequestLog

ADMIN_PREFIX = "/_emulator/"
# Recorded as the status of a request whose connection was dropped without any response.
NO_RESPONSE = 0

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class EmulatorApp:
    def __init__(
        self,
        api: WSGIApp,
        *,
        dump: Callable[[], dict[str, Any]],
        render_fault: Callable[[str, Request], Response],
        clock: Clock,
        faults: FaultPlan,
        request_log: RequestLog | None = None,
        slow_seconds: float = 2.0,
        timeout_seconds: float = 30.0,
        latency_seconds: float = 0.0,
    ) -> None:
        self.api = api
        self.dump = dump
        self.render_fault = render_fault
        self.clock = clock
        self.faults = faults
        self.request_log = request_log or RequestLog()
        self.slow_seconds = slow_seconds
        self.timeout_seconds = timeout_seconds
        self.latency_seconds = latency_seconds
        self._in_flight = 0
        self._draining = False
        self._idle = threading.Condition()

    def drain(self, timeout: float = 30.0) -> bool:
        """Stops taking API requests and waits for those already inside the API to finish.

        Called at shutdown before the state is saved, so no write is answered after the save and then lost.
        Returns False when requests were still running at the timeout.
        """
        with self._idle:
            self._draining = True
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(ADMIN_PREFIX):
            return self._admin(Request(environ))(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        with self._idle:
            if self._draining:
                # Shutting down: like a server going away, answer nothing rather than change state after the save.
                return self._drop(environ, start_response, method, path)
            self._in_flight += 1
        try:
            return self._serve_api(environ, start_response, method, path)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def _serve_api(
        self, environ: dict[str, Any], start_response: Callable[..., Any], method: str, path: str
    ) -> Iterable[bytes]:
        if self.latency_seconds > 0:
            # A remote round trip, spent before the request reaches the API (so quotas count it on arrival).
            time.sleep(self.latency_seconds)
        fault = self.faults.pick(path, method)
        if fault in STATUS_KINDS:
            response = self.render_fault(fault, Request(environ))
            self.request_log.record(method, path, response.status_code)
            return response(environ, start_response)
        if fault == "slow":
            time.sleep(self.slow_seconds)
        elif fault == "timeout":
            time.sleep(self.timeout_seconds)
            return self._drop(environ, start_response, method, path)
        elif fault == "drop":
            return self._drop(environ, start_response, method, path)
        elif fault in AFTER_KINDS:
            return self._lose_answer(fault, environ, start_response, method, path)

        def recording_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            self.request_log.record(method, path, int(status.split(" ", 1)[0]))
            return start_response(status, headers, exc_info)

        return self.api(environ, recording_start_response)

    def _lose_answer(
        self, fault: str, environ: dict[str, Any], start_response: Callable[..., Any], method: str, path: str
    ) -> Iterable[bytes]:
        """Lets the API handle the request in full (a write is applied), then drops the connection or answers 500
        instead of the real answer: the client cannot tell whether its request took effect."""
        body = self.api(environ, lambda status, headers, exc_info=None: lambda data: None)
        try:
            for _ in body:
                pass
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        if fault == "drop-after":
            return self._drop(environ, start_response, method, path)
        response = self.render_fault("500", Request(environ))
        self.request_log.record(method, path, response.status_code)
        return response(environ, start_response)

    def _drop(
        self, environ: dict[str, Any], start_response: Callable[..., Any], method: str, path: str
    ) -> Iterable[bytes]:
        """Closes the connection with no response, as a load balancer or a crashed backend does."""
        self.request_log.record(method, path, NO_RESPONSE)
        connection = environ.get("werkzeug.socket")
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        # The server's write then fails and it treats the request as a dropped connection.
        start_response("500 Internal Server Error", [("Content-Length", "0")])
        return [b""]

    def _admin(self, request: Request) -> Response:
        name = request.path[len(ADMIN_PREFIX) :].strip("/")
        try:
            if name == "health":
                return json_response({"ok": True})
            if name == "requests":
                if request.method == "DELETE":
                    self.request_log.clear()
                    return Response(status=204)
                return json_response(self.request_log.entries())
            if name == "dump":
                return json_response(self.dump())
            if name == "faults":
                if request.method == "POST":
                    body = _json_body(request)
                    self.faults.replace([FaultRule.parse(text) for text in body.get("faults", [])])
                return json_response({"faults": [str(rule) for rule in self.faults.rules]})
            if name == "clock":
                if request.method == "POST":
                    self.clock.advance(float(_json_body(request).get("advance", 0)))
                return json_response({"now": self.clock.time(), "speed": self.clock.speed})
        except (ValueError, TypeError, BadRequest) as error:
            return json_response({"error": str(error)}, status=400)
        return json_response({"error": f"unknown admin endpoint {request.path}"}, status=404)


def _json_body(request: Request) -> dict[str, Any]:
    data = request.get_data()
    if not data:
        return {}
    body = loads(data)
    if not isinstance(body, dict):
        raise ValueError("admin request body must be a JSON object")
    return body
