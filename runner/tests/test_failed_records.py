"""A destination that ends with "N records failed" (error trace, exit 1): the run is failed (exit 1), each record is
listed once, connections that depend on it still run, and the next run reads the failed records again."""

from __future__ import annotations

from pathlib import Path

import yaml

from ledgerbridge.cli import main
from ledgerbridge.state_store import StateStore

from .conftest import write_json


def test_given_failed_records_when_synced_then_the_run_fails_lists_them_and_still_runs_the_dependants(
    widgets_file, tmp_path: Path, ledgerbridge_home: Path, capsys
):
    path = widgets_file(destination={"fail": [2]})
    document = yaml.safe_load(path.read_text())
    write_json(tmp_path / "second.json", {"credentials": {"refresh_token": "e1"}})
    dependant = {
        **document["connections"][0],
        "name": "after-widgets",
        "destination": {**document["connections"][0]["destination"], "config": "second.json"},
        "depends_on": ["widgets-to-recorder"],
    }
    document["connections"].append(dependant)
    path.write_text(yaml.safe_dump(document))

    code = main(["sync", str(path)])

    output = capsys.readouterr().out
    assert code == 1
    assert "widgets-to-recorder / widgets / record 2: Code: Code is longer than 18 characters" in output
    assert "exited with" not in output and "record(s) failed" not in output
    assert "after-widgets: not run" not in output
    store = StateStore(ledgerbridge_home / "state.sqlite3")
    # Committed up to the record before the failure: the next run reads record 2 again.
    assert [s["stream"]["stream_state"] for s in store.states_for("widgets-to-recorder")] == [{"n": 1}]
    assert store.states_for("after-widgets") != []
    store.close()
