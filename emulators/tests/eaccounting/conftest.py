"""Fixtures for the eAccounting emulator tests: real emulator processes, plain ``requests`` clients, and the fidelity
check that validates every JSON body a test receives against the official OpenAPI response schemas.

The spec is located through LEDGERBRIDGE_SPECS; without it the fidelity check is off and test_fidelity_is_checked
skips saying so.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from emulator_kit.process import EmulatorProcess

BIN = Path(sys.executable).parent
SPEC_FILE = "eaccounting-v2.swagger.json"


def wire_time(text: str) -> datetime:
    """A timestamp as the API writes it (.NET: 0 to 7 fractional digits, trailing zeros dropped) as a comparable value.

    Comparing the strings themselves is wrong once the width varies: "…:28.1Z" sorts after "…:28.12Z"."""
    head, dot, tail = text.removesuffix("Z").partition(".")
    fraction = (tail + "000000")[:6] if dot else "000000"
    return datetime.fromisoformat(f"{head}.{fraction}+00:00")


# ----------------------------------------------------------------------------- fidelity
class Fidelity:
    """Validates response bodies against the response schema the spec declares for their operation and status."""

    def __init__(self, spec: dict[str, Any]) -> None:
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        resource = Resource.from_contents(spec, default_specification=DRAFT202012)
        self.registry = Registry().with_resource("urn:eaccounting", resource)
        self.validator_class = Draft202012Validator
        self.routes: list[tuple[re.Pattern[str], str, dict[str, Any]]] = []
        for path, item in spec["paths"].items():
            pattern = re.compile("^/v2" + re.sub(r"\{\w+\}", "[^/]+", path) + "/?$", re.IGNORECASE)
            for method, operation in item.items():
                if isinstance(operation, dict) and "responses" in operation:
                    self.routes.append((pattern, method.upper(), operation["responses"]))
        # Static segments first, so /accounts/standardaccounts wins over /accounts/{fiscalyearId}.
        self.routes.sort(key=lambda route: route[0].pattern.count("[^/]+"))
        self.validators: dict[str, Any] = {}
        self.violations: list[str] = []
        self.checked = 0

    def _validator(self, ref: str) -> Any:
        if ref not in self.validators:
            schema = {"$ref": "urn:eaccounting#" + ref.removeprefix("#")}
            self.validators[ref] = self.validator_class(
                schema, registry=self.registry, format_checker=self.validator_class.FORMAT_CHECKER
            )
        return self.validators[ref]

    def schema_ref(self, method: str, path: str, status: int) -> str | None:
        for pattern, route_method, responses in self.routes:
            if route_method == method and pattern.match(path):
                declared = responses.get(str(status)) or {}
                schema = ((declared.get("content") or {}).get("application/json") or {}).get("schema")
                if schema and "$ref" in schema:
                    return schema["$ref"]
                if status >= 400:
                    # 401/403/404/429/5xx are documented without a body schema; the API's error shape is this one.
                    return "#/components/schemas/CommonExtendedBadRequest"
                if schema:
                    return None
                return None
        return "#/components/schemas/CommonExtendedBadRequest" if status >= 400 else None

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        path = urlparse(response.url).path
        if not path.lower().startswith("/v2/") or not response.content:
            return
        where = f"{response.request.method} {path} → {response.status_code}"
        try:
            body = response.json()
        except ValueError:
            self.violations.append(f"{where}: body is not JSON")
            return
        ref = self.schema_ref(response.request.method, path, response.status_code)
        if ref is None:
            return
        self.checked += 1
        # $select returns only the named properties (documented query option the spec does not model), so
        # "required" cannot hold for the rows; every returned property is still checked.
        selected = "$select" in parse_qs(urlparse(response.url).query)
        for error in self._validator(ref).iter_errors(body):
            if selected and error.validator == "required" and list(error.absolute_path)[:1] == ["Data"]:
                continue
            location = "/".join(str(part) for part in error.absolute_path)
            self.violations.append(f"{where}: {ref.rsplit('/', 1)[-1]} at '{location}': {error.message[:300]}")
            if len(self.violations) > 20:
                return


@pytest.fixture(scope="session")
def fidelity() -> Fidelity | None:
    specs = os.environ.get("LEDGERBRIDGE_SPECS")
    if not specs:
        return None
    return Fidelity(json.loads((Path(specs) / SPEC_FILE).read_text()))


@pytest.fixture(autouse=True)
def _fidelity_gate(fidelity: Fidelity | None) -> Iterator[None]:
    if fidelity is not None:
        fidelity.violations.clear()
    yield
    if fidelity is not None and fidelity.violations:
        pytest.fail("responses that break the official OpenAPI schemas:\n" + "\n".join(fidelity.violations))


# ----------------------------------------------------------------------------- emulator processes
@dataclass
class Emulator:
    process: EmulatorProcess
    api_url: str
    identity_url: str
    credentials: dict[str, str]
    fidelity: Fidelity | None

    @property
    def base_url(self) -> str:
        return self.identity_url

    def session(self, access_token: str | None = None) -> requests.Session:
        session = requests.Session()
        session.headers["Accept"] = "application/json"
        if access_token:
            session.headers["Authorization"] = f"Bearer {access_token}"
        if self.fidelity is not None:
            session.hooks["response"].append(self.fidelity.hook)
        return session

    def token_request(self, data: dict[str, str], *, basic: bool = True) -> requests.Response:
        auth = (self.credentials["client_id"], self.credentials["client_secret"]) if basic else None
        if not basic:
            data = {
                **data,
                "client_id": self.credentials["client_id"],
                "client_secret": self.credentials["client_secret"],
            }
        return requests.post(f"{self.identity_url}/connect/token", data=data, auth=auth, timeout=10)

    def authorize(self, scope: str = "ea:api offline_access ea:sales ea:accounting", state: str = "s1") -> str:
        redirect = "http://127.0.0.1/callback"
        response = requests.get(
            f"{self.identity_url}/connect/authorize",
            params={
                "client_id": self.credentials["client_id"],
                "redirect_uri": redirect,
                "scope": scope,
                "state": state,
                "response_type": "code",
            },
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text
        query = parse_qs(urlparse(response.headers["Location"]).query)
        assert query["state"] == [state]
        return query["code"][0]

    def tokens(self, scope: str = "ea:api offline_access ea:sales ea:accounting") -> dict[str, Any]:
        """A fresh token pair of its own (auth-code flow), so tests never race on the start line's refresh token."""
        code = self.authorize(scope)
        response = self.token_request(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1/callback"}
        )
        assert response.status_code == 200, response.text
        return response.json()

    def api(self, scope: str = "ea:api offline_access ea:sales ea:accounting") -> requests.Session:
        return self.session(self.tokens(scope)["access_token"])

    def admin(self, method: str, name: str, body: dict[str, Any] | None = None) -> Any:
        response = requests.request(method, f"{self.base_url}/_emulator/{name}", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def advance_clock(self, seconds: float) -> None:
        self.admin("POST", "clock", {"advance": seconds})

    def stop(self) -> None:
        self.process.stop()


def start_emulator(fidelity: Fidelity | None, *args: str) -> Emulator:
    process = EmulatorProcess("eaccounting-emulator", *args)
    start = process.start_line
    return Emulator(process, start["api_url"], start["identity_url"], start["credentials"], fidelity)


@pytest.fixture(scope="session")
def emulator(fidelity: Fidelity | None) -> Iterator[Emulator]:
    """The shared emulator, seeded with --seed 1; tests that move its clock or exhaust quotas start their own."""
    running = start_emulator(fidelity, "--seed", "1")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def large_emulator(fidelity: Fidelity | None) -> Iterator[Emulator]:
    """More than one maximum-size page of customers (1,200 at --scale 30)."""
    running = start_emulator(fidelity, "--seed", "7", "--scale", "30")
    yield running
    running.stop()


@pytest.fixture
def own_emulator(fidelity: Fidelity | None) -> Iterator[Callable[..., Emulator]]:
    """Starts private emulators (with the given options) for tests that change global state such as the clock."""
    started: list[Emulator] = []

    def start(*args: str) -> Emulator:
        running = start_emulator(fidelity, *args)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture(scope="session")
def api(emulator: Emulator) -> requests.Session:
    return emulator.api()
