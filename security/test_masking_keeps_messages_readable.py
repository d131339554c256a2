"""A secret that also occurs inside ordinary words (a one-letter client secret, a refresh token "r") is masked where it
stands alone and never inside a word: each connector's real entrypoint, checked against the emulators with such
credentials, still tells the user in readable words why the check failed."""

from __future__ import annotations

import json
import re

import pytest

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import console_script, emulator_config, run_connector

SHORT_SECRETS = {"client_secret": "e", "refresh_token": "r"}
GARBLED = re.compile(r"\w\*\*\*\*|\*\*\*\*\w")


@pytest.fixture(scope="module")
def emulators():
    with EmulatorProcess("exact-online-emulator") as exact, EmulatorProcess("eaccounting-emulator") as eaccounting:
        yield exact, eaccounting


def _configs(exact: EmulatorProcess, eaccounting: EmulatorProcess) -> dict[str, dict]:
    exact_credentials = {"client_id": exact.credentials["client_id"], **SHORT_SECRETS}
    eaccounting_credentials = {"client_id": eaccounting.credentials["client_id"], **SHORT_SECRETS}
    exact_config = emulator_config(exact)
    eaccounting_config = {**emulator_config(eaccounting), "credentials": eaccounting_credentials}
    return {
        "source-exact-online": {"base_url": exact_config["base_url"], "credentials": exact_credentials},
        "destination-exact-online": {
            "base_url": exact_config["base_url"],
            "division": exact_config["divisions"][0],
            "credentials": exact_credentials,
        },
        "source-eaccounting": eaccounting_config,
        "destination-eaccounting": eaccounting_config,
    }


@pytest.mark.parametrize(
    "connector", ["source-exact-online", "destination-exact-online", "source-eaccounting", "destination-eaccounting"]
)
def test_given_one_letter_secrets_when_a_connector_checks_then_its_messages_stay_readable(
    connector, emulators, tmp_path
):
    config = tmp_path / "config.json"
    config.write_text(json.dumps(_configs(*emulators)[connector]))
    completed = run_connector([console_script(connector), "check", "--config", str(config)], tmp_path)
    messages = completed.messages
    status = next(m["connectionStatus"] for m in messages if m["type"] == "CONNECTION_STATUS")
    assert status["status"] == "FAILED"
    texts = [status.get("message") or ""] + [m["log"]["message"] for m in messages if m["type"] == "LOG"]
    assert "e" in status["message"] and "r" in status["message"], status["message"]
    assert [t for t in texts if GARBLED.search(t)] == []
