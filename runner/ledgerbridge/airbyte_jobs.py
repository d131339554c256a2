"""Airbyte mode: start a connection's sync in an Airbyte instance through its public API and wait for the outcome.

Built on Airbyte's published API description ("airbyte-api", OpenAPI 3.1, server ``…/v1``): an application's client
id and secret buy a Bearer access token at ``POST /applications/token`` (``expires_in`` seconds); ``POST /jobs`` with
``{"connectionId", "jobType": "sync"}`` answers a JobResponse whose ``jobId`` is an int64; ``GET /jobs/{jobId}`` answers
the same shape with ``status`` one of pending, running, incomplete, failed, succeeded, cancelled. ``incomplete`` means
an attempt failed and Airbyte retries, so only the last three end a wait.

``url`` is the API root as the instance serves it: ``https://api.airbyte.com/v1`` for Airbyte Cloud,
``http://HOST:8000/api/public/v1`` for a self-managed one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests

FINAL = {"succeeded": True, "failed": False, "cancelled": False}
# A token is renewed this long before Airbyte says it expires, so a request never leaves with one about to lapse.
RENEW_MARGIN = 60.0


class AirbyteError(RuntimeError):
    """The Airbyte API refused or failed a call; ``status`` is the HTTP status (0 when it could not be reached)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class AirbyteAuthError(AirbyteError):
    """The client id and secret (or the token they bought) were refused."""


@dataclass(frozen=True)
class JobOutcome:
    status: str
    ok: bool
    message: str


class AirbyteJobs:
    def __init__(
        self,
        url: str,
        client_id: str,
        client_secret: str,
        *,
        poll_interval: float = 5.0,
        request_timeout: float = 30.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.poll_interval = poll_interval
        self.request_timeout = request_timeout
        self._session = requests.Session()
        self._token: str | None = None
        self._token_renew_at = 0.0

    def __repr__(self) -> str:  # the secret stays out of logs and tracebacks that print the object
        return f"AirbyteJobs(url={self.url!r}, client_id={self.client_id!r})"

    def start_sync(self, connection_id: str) -> str:
        """Starts a sync of the Airbyte connection; returns the job id."""
        body = self._call("POST", "/jobs", {"connectionId": connection_id, "jobType": "sync"})
        job_id = body.get("jobId")
        if not isinstance(job_id, int):
            raise AirbyteError(f"Airbyte at {self.url} started a job but answered no jobId (got {body!r})", 200)
        return str(job_id)

    def status(self, job_id: str) -> str:
        body = self._call("GET", f"/jobs/{int(job_id)}", None)
        return str(body.get("status"))

    def wait(self, job_id: str, timeout: float) -> JobOutcome:
        """Polls the job until it succeeded, failed or was cancelled, or ``timeout`` seconds passed."""
        deadline = time.monotonic() + timeout
        status, unanswered = "unknown", ""
        while True:
            try:
                status, unanswered = self.status(job_id), ""
            except AirbyteAuthError:
                raise
            except AirbyteError as error:
                # The job runs on in Airbyte while its API restarts or a proxy hiccups: keep asking until the deadline.
                if error.status not in (0, 429) and error.status < 500:
                    raise
                unanswered = f" (last poll: {error})"
            if status in FINAL and not unanswered:
                return JobOutcome(status, FINAL[status], f"Airbyte job {job_id} {status}")
            left = deadline - time.monotonic()
            if left <= 0:
                return JobOutcome(status, False, f"Airbyte job {job_id} still {status} after {timeout:g} s{unanswered}")
            time.sleep(min(self.poll_interval, left))

    def _call(self, method: str, path: str, json_body: dict[str, str] | None) -> dict[str, object]:
        for attempt in (1, 2):
            response = self._send(method, path, json_body, headers={"Authorization": f"Bearer {self._access_token()}"})
            if response.status_code == 401 and attempt == 1:
                self._token = None  # revoked or expired early: one new token, then the refusal stands
                continue
            break
        if response.status_code in (401, 403):
            raise AirbyteAuthError(
                f"Airbyte at {self.url} refused {method} {path} for client id {self.client_id}: "
                f"HTTP {response.status_code}{self._detail(response)}",
                response.status_code,
            )
        if not response.ok:
            raise AirbyteError(
                f"Airbyte at {self.url} answered HTTP {response.status_code} to {method} {path}"
                f"{self._detail(response)}",
                response.status_code,
            )
        return self._json(response, f"{method} {path}")

    def _access_token(self) -> str:
        if self._token is not None and time.monotonic() < self._token_renew_at:
            return self._token
        response = self._send(
            "POST",
            "/applications/token",
            {"client_id": self.client_id, "client_secret": self._client_secret, "grant_type": "client_credentials"},
            headers={},
        )
        if response.status_code in (400, 401, 403):
            raise AirbyteAuthError(
                f"Airbyte at {self.url} refused the client id {self.client_id} and its secret "
                f"(HTTP {response.status_code}{self._detail(response)}); check the connection's airbyte credentials",
                response.status_code,
            )
        if not response.ok:
            raise AirbyteError(
                f"Airbyte at {self.url} answered HTTP {response.status_code} to the token request"
                f"{self._detail(response)}",
                response.status_code,
            )
        body = self._json(response, "the token request")
        token, expires_in = body.get("access_token"), body.get("expires_in")
        if not isinstance(token, str) or not isinstance(expires_in, int):
            raise AirbyteError(f"Airbyte at {self.url} answered a token without access_token/expires_in", 200)
        self._token = token
        self._token_renew_at = time.monotonic() + max(0.0, expires_in - RENEW_MARGIN)
        return token

    def _send(
        self, method: str, path: str, json_body: dict[str, str] | None, headers: dict[str, str]
    ) -> requests.Response:
        try:
            return self._session.request(
                method,
                self.url + path,
                json=json_body,
                headers={"Accept": "application/json", **headers},
                timeout=self.request_timeout,
            )
        except requests.RequestException as error:
            raise AirbyteError(f"Airbyte at {self.url} could not be reached ({type(error).__name__})", 0) from error

    def _json(self, response: requests.Response, what: str) -> dict[str, object]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise AirbyteError(f"Airbyte at {self.url} answered {what} with something that is not a JSON object", 200)
        return body

    def _detail(self, response: requests.Response) -> str:
        """Airbyte's problem title/detail, if any, with the secret blanked in case a proxy echoed the request."""
        try:
            body = response.json()
        except ValueError:
            return ""
        if not isinstance(body, dict):
            return ""
        detail = " ".join(str(body[key]) for key in ("title", "detail", "message") if body.get(key))
        detail = detail.replace(self._client_secret, "[hidden]") if self._client_secret else detail
        return f": {detail[:300]}" if detail else ""
