"""Fixtures for the Exact Online emulator tests: real emulator processes, a plain-HTTP client, and the fidelity check
that validates every JSON body a test receives against Exact's field-level description (LEDGERBRIDGE_SPECS)."""

from __future__ import annotations

import json
import os
import re
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import requests

from emulator_kit.process import EmulatorProcess

BIN = Path(sys.executable).parent
SPEC_NAME = "exact-online-rest-api.json"
QUIET_LIMITS = ["--minutely-limit", "0", "--daily-limit", "0", "--error-block", "0", "--token-daily-limit", "0"]


# ----------------------------------------------------------------------------- fidelity
class Fidelity:
    """Checks field names and EDM types of every record in an emulator response against the spec."""

    GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    DATE = re.compile(r"^/Date\(-?\d+\)/$")

    def __init__(self, spec: dict[str, Any]) -> None:
        self.by_path: dict[str, dict[str, Any]] = {}
        self.by_service_name: dict[tuple[str, str], dict[str, Any]] = {}
        for entity in spec["entities"]:
            uri = entity["uri"]
            path = uri.split("{division}/", 1)[1] if "{division}/" in uri else uri.split("/api/v1/", 1)[1]
            self.by_path[path.lower()] = entity
            self.by_service_name[(path.rsplit("/", 1)[0].lower(), entity["name"].lower())] = entity
        self.violations: list[str] = []
        self.checked = 0

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        path = urlparse(response.url).path
        if "/_emulator/" in path or path.endswith("/$count") or not response.content:
            return
        try:
            body = response.json()
        except ValueError:
            if (response.headers.get("Content-Type") or "").startswith("application/json"):
                self.violations.append(f"{path}: body is not JSON")
            return
        self.checked += 1
        where = f"{response.request.method} {path}"
        if path.endswith("/oauth2/token"):
            self._token(where, response.status_code, body)
            return
        if response.status_code >= 400:
            self._error(where, body)
            return
        entity = self._entity_for(path)
        if entity is None:
            self.violations.append(f"{where}: no entity in the spec for this path")
            return
        data = body.get("d") if isinstance(body, dict) else None
        if isinstance(data, list):
            records = data
        elif isinstance(data, dict) and "results" in data and "__metadata" not in data:
            records = data["results"]
            if "__next" in data and not str(data["__next"]).startswith("http"):
                self.violations.append(f"{where}: __next is not an absolute URL")
        elif isinstance(data, dict):
            records = [data]
        else:
            self.violations.append(f"{where}: no 'd' envelope")
            return
        for record in records:
            self._record(where, entity, record)

    def _entity_for(self, path: str) -> dict[str, Any] | None:
        match = re.match(r"^/api/v1/(?:beta/)?(?:\d+/)?([^(]+?)(?:\(([^)]*)\)(?:/([A-Za-z]+))?)?$", path)
        if not match:
            return None
        resource = match.group(1)
        if resource.lower() == "current/me":
            return self.by_path.get("current/me")
        entity = self.by_path.get(resource.lower())
        if entity is not None and match.group(3):
            nav = next((p for p in entity["properties"] if p["name"] == match.group(3)), None)
            service = resource.rsplit("/", 1)[0].lower()
            return self.by_service_name.get((service, (nav or {}).get("collection_of", "").lower()))
        return entity

    def _record(self, where: str, entity: dict[str, Any], record: Any) -> None:
        name = entity["uri"]
        if not isinstance(record, dict):
            self.violations.append(f"{where}: record is not an object")
            return
        metadata = record.get("__metadata")
        if not isinstance(metadata, dict) or not {"uri", "type"} <= set(metadata):
            self.violations.append(f"{where}: record without __metadata uri/type")
        properties = {p["name"]: p for p in entity["properties"]}
        service = name.split("{division}/", 1)[-1].rsplit("/", 1)[0].lower()
        for field_name, value in record.items():
            if field_name == "__metadata":
                continue
            prop = properties.get(field_name)
            if prop is None:
                self.violations.append(f"{where}: {name} has no property '{field_name}'")
                continue
            problem = self._type_problem(prop, value)
            if problem:
                self.violations.append(f"{where}: {name}.{field_name} {problem} (got {value!r:.60})")
            elif prop["type"] == "Collection" and isinstance(value, dict) and "results" in value:
                lines = self.by_service_name.get((service, prop.get("collection_of", "").lower()))
                for line in value["results"]:
                    if lines is not None:
                        self._record(where, lines, line)

    def _type_problem(self, prop: dict[str, Any], value: Any) -> str | None:
        if value is None:
            return None
        edm = prop["type"]
        checks = {
            "Edm.Guid": lambda v: isinstance(v, str) and self.GUID.match(v),
            "Edm.String": lambda v: isinstance(v, str),
            "Edm.DateTime": lambda v: isinstance(v, str) and self.DATE.match(v),
            "Edm.Boolean": lambda v: isinstance(v, bool),
            "Edm.Double": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "Collection": lambda v: isinstance(v, dict) and ("results" in v or "__deferred" in v),
        }
        for integer in ("Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte"):
            checks[integer] = lambda v: isinstance(v, int) and not isinstance(v, bool)
        check = checks.get(edm)
        if check is not None and not check(value):
            return f"is not a valid {edm}"
        return None

    def _error(self, where: str, body: Any) -> None:
        ok = (
            isinstance(body, dict)
            and isinstance(body.get("error"), dict)
            and isinstance(body["error"].get("code"), str)
            and isinstance(body["error"].get("message"), dict)
            and isinstance(body["error"]["message"].get("value"), str)
            and isinstance(body["error"]["message"].get("lang"), str)
        )
        if not ok:
            self.violations.append(f"{where}: error body is not Exact's OData error shape: {body!r:.120}")

    def _token(self, where: str, status: int, body: Any) -> None:
        if status == 200:
            if not (isinstance(body.get("expires_in"), str) and body.get("token_type") == "bearer"):
                self.violations.append(f"{where}: token response shape differs from Exact's: {body!r:.120}")
            if not {"access_token", "refresh_token"} <= set(body):
                self.violations.append(f"{where}: token response misses tokens")
        elif not (isinstance(body.get("error"), str) and isinstance(body.get("error_description"), str)):
            self.violations.append(f"{where}: OAuth error body differs: {body!r:.120}")


def _load_fidelity() -> Fidelity | None:
    specs = os.environ.get("LEDGERBRIDGE_SPECS")
    if not specs or not (Path(specs) / SPEC_NAME).exists():
        return None
    return Fidelity(json.loads((Path(specs) / SPEC_NAME).read_text()))


FIDELITY = _load_fidelity()
if FIDELITY is None:
    warnings.warn(
        "LEDGERBRIDGE_SPECS is unset (or has no exact-online-rest-api.json): Exact Online fidelity checks are skipped",
        stacklevel=1,
    )


@pytest.fixture(autouse=True)
def _fidelity_guard() -> Iterator[None]:
    if FIDELITY is None:
        yield
        return
    before = len(FIDELITY.violations)
    yield
    new = FIDELITY.violations[before:]
    if new:
        pytest.fail("responses differ from Exact's field-level description:\n" + "\n".join(new[:20]))


def http() -> requests.Session:
    session = requests.Session()
    if FIDELITY is not None:
        session.hooks["response"].append(FIDELITY.hook)
    return session


# ----------------------------------------------------------------------------- emulator processes
@dataclass
class Emulator:
    process: EmulatorProcess
    base_url: str
    division: int
    client_id: str
    client_secret: str
    refresh_token: str
    session: requests.Session = field(default_factory=http)
    access_token: str | None = None

    @property
    def api(self) -> str:
        return f"{self.base_url}/api/v1/{self.division}"

    def token(self, **form: str) -> requests.Response:
        data = {"client_id": self.client_id, "client_secret": self.client_secret, **form}
        return self.session.post(f"{self.base_url}/api/oauth2/token", data=data)

    def refresh(self) -> dict[str, Any]:
        response = self.token(grant_type="refresh_token", refresh_token=self.refresh_token)
        assert response.status_code == 200, response.text
        granted = response.json()
        self.refresh_token = granted["refresh_token"]
        self.access_token = granted["access_token"]
        return granted

    def headers(self, **extra: str) -> dict[str, str]:
        if self.access_token is None:
            self.refresh()
        return {"Authorization": f"Bearer {self.access_token}", "Accept": "application/json", **extra}

    def get(self, url: str, **params: Any) -> requests.Response:
        return self.session.get(
            url if url.startswith("http") else f"{self.api}/{url}", params=params or None, headers=self.headers()
        )

    def rows(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every row of a collection, following ``__next`` page by page."""
        response = self.get(path, **params)
        rows: list[dict[str, Any]] = []
        while True:
            assert response.status_code == 200, response.text
            data = response.json()["d"]
            rows.extend(data["results"])
            if "__next" not in data:
                return rows
            response = self.get(data["__next"])

    def post(self, path: str, body: Any, prefer: bool = True) -> requests.Response:
        extra = {"Prefer": "return=representation"} if prefer else {}
        return self.session.post(f"{self.api}/{path}", json=body, headers=self.headers(**extra))

    def put(self, path: str, body: Any) -> requests.Response:
        return self.session.put(f"{self.api}/{path}", json=body, headers=self.headers())

    def delete(self, path: str) -> requests.Response:
        return self.session.delete(f"{self.api}/{path}", headers=self.headers())

    def advance(self, seconds: float) -> None:
        requests.post(f"{self.base_url}/_emulator/clock", json={"advance": seconds}, timeout=10).raise_for_status()

    def now(self) -> float:
        return requests.get(f"{self.base_url}/_emulator/clock", timeout=10).json()["now"]

    def admin(self, name: str) -> Any:
        return requests.get(f"{self.base_url}/_emulator/{name}", timeout=10).json()

    def stop(self) -> None:
        self.process.stop()


def start_emulator(*args: str) -> Emulator:
    process = EmulatorProcess("exact-online-emulator", *args)
    start = process.start_line
    credentials = start["credentials"]
    return Emulator(
        process,
        start["base_url"],
        start["division"],
        credentials["client_id"],
        credentials["client_secret"],
        credentials["refresh_token"],
    )


@pytest.fixture(scope="session")
def seeded() -> Iterator[Emulator]:
    """A shared emulator with enough data for 60- and 1,000-row paging; limits off so tests don't interfere."""
    emulator = start_emulator("--seed", "1", "--scale", "20", *QUIET_LIMITS)
    yield emulator
    emulator.stop()


@pytest.fixture
def fresh() -> Iterator[Emulator]:
    """A small emulator of its own, for tests that move its clock or exhaust its limits."""
    emulator = start_emulator("--seed", "2", *QUIET_LIMITS)
    yield emulator
    emulator.stop()
