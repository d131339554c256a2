"""A run that stops halfway keeps the rotated refresh tokens and the state of everything committed before the stop.

The source is the real ``source-eaccounting`` reading the emulator; the destination is a recording fake that stops with
an error on the first article, after the customers were committed — as a destination does when the API goes down.
"""

from __future__ import annotations

import stat
from pathlib import Path

import requests

from ledgerbridge.cli import main
from ledgerbridge.config_files import read_config
from ledgerbridge.state_store import StateStore
from ledgerbridge_testkit import emulator_config
from ledgerbridge_testkit.live_token import redeem

from .conftest import write_connections, write_json


def test_given_a_destination_that_stops_halfway_when_synced_then_tokens_and_committed_state_survive_and_a_rerun_resumes(
    tmp_path: Path, eaccounting, fake_connectors, ledgerbridge_home, capsys
):
    start = emulator_config(eaccounting)
    original = dict(eaccounting.credentials)
    source_config = write_json(tmp_path / "eaccounting.json", start)
    destination_config = tmp_path / "recorder.json"
    connections = write_connections(
        tmp_path / "connections.yaml",
        {
            "connections": [
                {
                    "name": "eaccounting-to-recorder",
                    "source": {"connector": "source-eaccounting", "config": str(source_config)},
                    "destination": {
                        "connector": fake_connectors["destination"],
                        "config": str(destination_config),
                        "mapping": {"rules": "kept out of the config file"},
                    },
                    "streams": ["customers", "articles"],
                }
            ]
        },
    )
    # The fake destination stops on the first article the API lists (read here on the source's chain, kept in its file).
    token = redeem(eaccounting, original)
    assert token.ok
    original = {**original, "refresh_token": token.json()["refresh_token"]}
    write_json(source_config, {**read_config(source_config), "credentials": original})
    articles = requests.get(
        f"{start['api_url']}/articles",
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        params={"$pagesize": 1},
        timeout=30,
    ).json()["Data"]
    first_article = articles[0]["Id"]
    write_json(destination_config, {"credentials": {"refresh_token": "d1"}, "crash_at": first_article})

    code = main(["sync", str(connections)])

    output = capsys.readouterr().out
    assert code == 1
    assert "eaccounting-to-recorder: destination: API down" in output
    # The source's refresh token rotated during the run; the file holds the new one, only the user can read it …
    kept = read_config(source_config)["credentials"]
    assert kept["refresh_token"] != original["refresh_token"]
    assert stat.S_IMODE(source_config.stat().st_mode) == 0o600
    assert redeem(eaccounting, original).status_code == 400, "the old token is dead"
    # … and so does the destination's, without the mapping laid over it by the connection file.
    assert read_config(destination_config) == {"credentials": {"refresh_token": "d1+"}, "crash_at": first_article}
    assert kept["refresh_token"] not in output and original["client_secret"] not in output
    # Customers were committed before the stop; articles were not.
    store = StateStore(ledgerbridge_home / "state.sqlite3")
    committed = {s["stream"]["stream_descriptor"]["name"] for s in store.states_for("eaccounting-to-recorder")}
    store.close()
    assert committed == {"customers"}

    write_json(destination_config, {**read_config(destination_config), "crash_at": None})
    assert main(["sync", str(connections)]) == 0
    rerun = capsys.readouterr().out
    assert "customers" in rerun
    cells = [line.split("│") for line in rerun.splitlines() if line.count("│") > 5]
    rows = {cell[2].strip(): cell[3].strip() for cell in cells}
    assert rows["customers"] == "0", "customers resume from the committed state: nothing new to read"
    assert int(rows["articles"]) >= 1
    assert redeem(eaccounting, read_config(source_config)["credentials"]).ok, "the kept token still works"
