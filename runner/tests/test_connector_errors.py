"""A refused refresh token is reported with the runner's fix: ``ledgerbridge authorize <system> --config <file>``."""

from __future__ import annotations

from pathlib import Path

from ledgerbridge.cli import main
from ledgerbridge_testkit import emulator_config

from .conftest import write_connections, write_json


def test_given_a_revoked_refresh_token_when_synced_then_the_advice_names_ledgerbridge_authorize_with_the_file(
    tmp_path: Path, eaccounting, fake_connectors, capsys
):
    credentials = {**eaccounting.credentials, "refresh_token": "revoked-long-ago-0123456789"}
    source = write_json(tmp_path / "eaccounting.json", {**emulator_config(eaccounting), "credentials": credentials})
    write_json(tmp_path / "recorder.json", {"credentials": {"refresh_token": "d1"}})
    connection = {
        "name": "customers",
        "source": {"connector": "source-eaccounting", "config": str(source)},
        "destination": {"connector": fake_connectors["destination"], "config": "recorder.json"},
        "streams": ["customers"],
    }
    path = write_connections(tmp_path / "connections.yaml", {"connections": [connection]})

    code = main(["sync", str(path)])

    output = capsys.readouterr().out
    assert code == 1
    assert f"ledgerbridge authorize eaccounting --config {source}" in output.replace("\n", "")
    assert "in the connector settings" not in output
