"""A loopback Airbyte public API with the few calls Airbyte mode uses, following Airbyte's published description.

``POST /v1/applications/token`` (client id/secret → Bearer token with ``expires_in``), ``POST /v1/jobs`` (a
JobCreateRequest: ``connectionId`` and ``jobType``, both required) and ``GET /v1/jobs/{jobId}`` (a JobResponse). Request
bodies are validated against JSON schemas transcribed from that description; a body that does not fit gets the 400 the
description lists, as a problem document. Each connection's jobs walk through the statuses a test scripts for it, one
step per status read.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jsonschema

TOKEN_REQUEST = {
    "type": "object",
    "required": ["client_id", "client_secret"],
    "properties": {
        "client_id": {"type": "string"},
        "client_secret": {"type": "string"},
        "grant_type": {"enum": ["client_credentials"]},
    },
}
JOB_CREATE_REQUEST = {
    "type": "object",
    "required": ["jobType", "connectionId"],
    "properties": {
        "connectionId": {"type": "string"},
        "jobType": {"enum": ["sync", "reset", "refresh", "clear"]},
    },
}
JOB_STATUSES = ("pending", "running", "incomplete", "failed", "succeeded", "cancelled")


@dataclass
class Job:
    job_id: int
    connection_id: str
    job_type: str
    statuses: list[str]
    started: str
    reads: int = 0

    def read(self) -> str:
        status = self.statuses[min(self.reads, len(self.statuses) - 1)]
        self.reads += 1
        return status


@dataclass
class AirbyteBackend:
    client_id: str
    client_secret: str
    token_lifetime: int = 180
    connections: dict[str, list[str]] = field(default_factory=dict)  # connectionId → statuses its jobs go through
    tokens: dict[str, float] = field(default_factory=dict)  # token → expiry (monotonic)
    tokens_issued: int = 0
    unavailable_reads: int = 0  # this many job reads answer 503 first, as during an Airbyte server restart
    jobs: dict[int, Job] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(9001))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue_token(self) -> str:
        token = secrets.token_urlsafe(24)
        self.tokens[token] = time.monotonic() + self.token_lifetime
        self.tokens_issued += 1
        return token

    def token_valid(self, token: str) -> bool:
        return self.tokens.get(token, 0.0) > time.monotonic()

    def start(self, connection_id: str, job_type: str) -> Job:
        job = Job(
            next(self._ids),
            connection_id,
            job_type,
            self.connections[connection_id],
            datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        self.jobs[job.job_id] = job
        return job


def _job_response(job: Job, status: str) -> dict[str, Any]:
    return {
        "jobId": job.job_id,
        "status": status,
        "jobType": job.job_type,
        "startTime": job.started,
        "connectionId": job.connection_id,
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        backend = self.server.backend
        body = self._body()
        if body is None:
            return
        if self.path == "/v1/applications/token":
            if not self._fits(body, TOKEN_REQUEST):
                return
            if body["client_id"] != backend.client_id or body["client_secret"] != backend.client_secret:
                self._problem(401, "Unauthorized", "invalid client credentials")
                return
            with backend.lock:
                token = backend.issue_token()
            self._send(200, {"access_token": token, "token_type": "Bearer", "expires_in": backend.token_lifetime})
        elif self.path == "/v1/jobs":
            if not self._authorised() or not self._fits(body, JOB_CREATE_REQUEST):
                return
            if body["connectionId"] not in backend.connections:
                self._problem(403, "Forbidden", f"no access to connection {body['connectionId']}")
                return
            with backend.lock:
                job = backend.start(body["connectionId"], body["jobType"])
            self._send(200, _job_response(job, "pending"))
        else:
            self._problem(404, "Not Found", self.path)

    def do_GET(self) -> None:
        backend = self.server.backend
        prefix = "/v1/jobs/"
        if not self.path.startswith(prefix) or not self.path[len(prefix) :].isdigit():
            self._problem(404, "Not Found", self.path)
            return
        if not self._authorised():
            return
        with backend.lock:
            unavailable = backend.unavailable_reads > 0
            backend.unavailable_reads -= 1 if unavailable else 0
        if unavailable:
            self._problem(503, "Service Unavailable", "the server is restarting")
            return
        with backend.lock:
            job = backend.jobs.get(int(self.path[len(prefix) :]))
            status = job.read() if job else None
        if job is None or status is None:
            self._problem(404, "Not Found", "no such job")
            return
        self._send(200, _job_response(job, status))

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if header.startswith("Bearer ") and self.server.backend.token_valid(header.removeprefix("Bearer ")):
            return True
        self._problem(401, "Unauthorized", "missing, unknown or expired access token")
        return False

    def _body(self) -> dict[str, Any] | None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"null")
        except json.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            self._problem(400, "Bad Request", "the body must be a JSON object")
            return None
        return body

    def _fits(self, body: dict[str, Any], schema: dict[str, Any]) -> bool:
        try:
            jsonschema.validate(body, schema)
        except jsonschema.ValidationError as error:
            self._problem(400, "Bad Request", error.message)
            return False
        return True

    def _problem(self, status: int, title: str, detail: str) -> None:
        self._send(status, {"type": "about:blank", "title": title, "status": status, "detail": detail})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        kind = "application/json" if status < 400 else "application/problem+json"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, backend: AirbyteBackend) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.backend = backend


class FakeAirbyteApi:
    """Serves ``backend`` on a free loopback port; ``url`` is the API root as a self-managed instance names it."""

    def __init__(self, backend: AirbyteBackend) -> None:
        self.backend = backend
        self._server = _Server(backend)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeAirbyteApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
