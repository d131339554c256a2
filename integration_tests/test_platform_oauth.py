"""The Authenticate button as the Airbyte platform runs it, for every connector that declares ``advanced_auth``.

The flow is driven from the connector's own `spec` output (platform_oauth.py), against the emulators' real consent and
token endpoints; the config it produces is then handed to the connector's real `check`. A second set of tests shows the
eAccounting environment choice sends both the button and the connector to that environment's hosts.
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from platform_oauth import DeclarativeOAuthFlow, ServerParameters

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import Output, console_script, emulator_config, run_connector

CONNECTORS = ["source-exact-online", "source-eaccounting", "destination-exact-online", "destination-eaccounting"]
EACCOUNTING_IDENTITY = {"production": "identity.vismaonline.com", "sandbox": "identity-sandbox.test.vismaonline.com"}


@cache
def spec_of(connector: str) -> dict[str, Any]:
    completed = subprocess.run([console_script(connector), "spec"], capture_output=True, text=True, timeout=120)
    specs = [message["spec"] for message in Output.parse(completed.stdout).of_type("SPEC")]
    assert len(specs) == 1, completed.stderr[-2000:]
    return specs[0]


@pytest.fixture(scope="module")
def exact_emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess("exact-online-emulator", seed=1) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def eaccounting_emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess("eaccounting-emulator", seed=1) as emulator:
        yield emulator


def form_for(connector: str, emulator: EmulatorProcess) -> dict[str, Any]:
    """What a user types into the form before pressing Authenticate: hosts and settings, no credentials."""
    hosts = emulator_config(emulator)
    if "exact-online" in connector:
        form: dict[str, Any] = {"base_url": hosts["base_url"], "credentials": {"auth_type": "oauth2.0"}}
        divisions = hosts["divisions"]
        form.update({"divisions": divisions} if connector.startswith("source") else {"division": divisions[0]})
    else:
        form = {"environment": "production", "api_url": hosts["api_url"], "identity_url": hosts["identity_url"]}
    if connector == "destination-exact-online":
        form["mapping"] = {"items": {"prices": {"currency": "EUR"}}}  # the one rule without a default
    elif connector.startswith("destination"):
        form["mapping"] = {}
    return form


def check(connector: str, config: dict[str, Any], workdir: Path) -> dict[str, Any]:
    config_path = workdir / f"{connector}-config.json"
    config_path.write_text(json.dumps(config))
    output = run_connector([console_script(connector), "check", "--config", str(config_path)], workdir)
    statuses = [message["connectionStatus"] for message in output.of_type("CONNECTION_STATUS")]
    assert len(statuses) == 1, f"{connector} check printed no status:\n{output.stdout[-3000:]}\n{output.stderr[-3000:]}"
    return statuses[0]


def test_given_the_four_specs_when_read_then_each_offers_the_authenticate_button():
    assert [c for c in CONNECTORS if (spec_of(c).get("advanced_auth") or {}).get("auth_flow_type") != "oauth2.0"] == []


@pytest.mark.parametrize("connector", CONNECTORS)
def test_given_the_platform_flow_from_the_spec_when_the_user_authenticates_then_check_succeeds(
    connector, exact_emulator, eaccounting_emulator, tmp_path
):
    emulator = exact_emulator if "exact-online" in connector else eaccounting_emulator
    app = emulator.credentials
    flow = DeclarativeOAuthFlow(spec_of(connector), ServerParameters(app["client_id"], app["client_secret"]))
    form = form_for(connector, emulator)

    config = flow.run(form)
    status = check(connector, config, tmp_path)

    assert config["credentials"]["client_id"] == app["client_id"]
    assert config["credentials"]["refresh_token"] != app["refresh_token"], "the flow's own refresh token is stored"
    assert status["status"] == "SUCCEEDED", status.get("message")
    token_calls = [r for r in emulator.requests_log() if r["path"].endswith(("/oauth2/token", "/connect/token"))]
    assert token_calls and all(r["status"] == 200 for r in token_calls)


@pytest.mark.parametrize("connector", ["source-eaccounting", "destination-eaccounting"])
@pytest.mark.parametrize("environment", ["production", "sandbox"])
def test_given_an_environment_choice_when_the_button_is_pressed_then_consent_goes_to_that_environments_identity_host(
    connector, environment
):
    flow = DeclarativeOAuthFlow(spec_of(connector), ServerParameters("an-app", "its-secret"))

    url = urlsplit(flow.consent_url({"environment": environment}, state="s"))

    assert (url.scheme, url.hostname, url.path) == ("https", EACCOUNTING_IDENTITY[environment], "/connect/authorize")


class _ConnectRecorder:
    """An HTTPS proxy on loopback that notes which host each CONNECT asks for and lets nothing through."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.hosts: list[str] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with connection:
                request = connection.recv(4096).decode("latin-1")
                method, target, *_ = ([*request.split("\r\n", 1)[0].split(" "), "", ""])[:3]
                if method == "CONNECT":
                    self.hosts.append(target)
                connection.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    def close(self) -> None:
        self.listener.close()


@pytest.mark.parametrize("connector", ["source-eaccounting", "destination-eaccounting"])
@pytest.mark.parametrize("environment", ["production", "sandbox"])
def test_given_an_environment_choice_when_the_connector_checks_then_it_calls_that_environments_identity_host(
    connector, environment, tmp_path
):
    config = {
        "environment": environment,
        "credentials": {"client_id": "an-app", "client_secret": "its-secret", "refresh_token": "a-refresh-token"},
        **({"mapping": {}} if connector.startswith("destination") else {}),
    }
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config))
    proxy = _ConnectRecorder()
    deadline = time.monotonic() + 60
    try:
        run_connector(
            [console_script(connector), "check", "--config", str(config_path)],
            tmp_path,
            env={"HTTPS_PROXY": proxy.url, "https_proxy": proxy.url, "NO_PROXY": "", "no_proxy": ""},
            kill_when=lambda: bool(proxy.hosts) or time.monotonic() > deadline,
        )
    finally:
        proxy.close()

    assert proxy.hosts[:1] == [f"{EACCOUNTING_IDENTITY[environment]}:443"]
