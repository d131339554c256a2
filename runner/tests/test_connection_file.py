"""Bad connection files are refused before anything runs, with the key at fault named."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledgerbridge.cli import main
from ledgerbridge.connection_file import ConnectionFileError, load_connection_file

from .conftest import write_connections, write_json


def connection(name: str = "orders", **overrides):
    base = {
        "name": name,
        "source": {"connector": "source-exact-online", "config": "source.json"},
        "destination": {"connector": "destination-eaccounting", "config": "destination.json"},
        "streams": ["sales_orders"],
    }
    return {**base, **overrides}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_json(tmp_path / "source.json", {})
    write_json(tmp_path / "destination.json", {})
    return tmp_path


def error_for(folder: Path, document) -> str:
    with pytest.raises(ConnectionFileError) as raised:
        load_connection_file(write_connections(folder / "c.yaml", document))
    return str(raised.value)


def test_given_a_destination_without_config_when_loaded_then_the_error_names_that_key(folder):
    document = {"connections": [connection(destination={"connector": "destination-eaccounting"})]}
    assert "connections[0] (orders).destination.config: Field required" in error_for(folder, document)


def test_given_a_misspelt_key_when_loaded_then_the_error_names_it_and_calls_it_unknown(folder):
    document = {"connections": [connection(), connection("back", stremas=["customers"])]}
    assert "connections[1] (back).stremas: unknown key" in error_for(folder, document)


def test_given_an_unknown_sync_mode_when_loaded_then_the_stream_entry_is_named(folder):
    document = {"connections": [connection(streams=["accounts", {"name": "sales_orders", "sync_mode": "sometimes"}])]}
    message = error_for(folder, document)
    assert "connections[0] (orders).streams[1].sync_mode" in message and "'incremental' or 'full_refresh'" in message


def test_given_a_dependency_on_a_missing_connection_when_loaded_then_depends_on_is_named(folder):
    document = {"connections": [connection(depends_on=["customers"])]}
    assert "connections[0].depends_on[0]: no connection is named 'customers'" in error_for(folder, document)


def test_given_two_connections_with_one_name_when_loaded_then_the_second_is_named(folder):
    assert "connections[1].name: 'orders' is used by another connection" in error_for(
        folder, {"connections": [connection(), connection()]}
    )


def test_given_a_missing_config_file_when_loaded_then_the_key_and_the_path_are_named(folder):
    document = {"connections": [connection(source={"connector": "source-exact-online", "config": "nope.json"})]}
    message = error_for(folder, document)
    assert "connections[0] (orders).source.config: file not found" in message and "nope.json" in message


def test_given_connections_that_depend_on_each_other_when_ordered_then_the_circle_is_reported(folder):
    document = {"connections": [connection("a", depends_on=["b"]), connection("b", depends_on=["a"])]}
    parsed = load_connection_file(write_connections(folder / "c.yaml", document))
    with pytest.raises(ConnectionFileError, match="depends_on: the connections depend on each other in a circle"):
        parsed.in_dependency_order()


def test_given_dependencies_when_ordered_then_each_runs_after_its_needs_and_otherwise_in_file_order(folder):
    document = {
        "connections": [
            connection("shipments", depends_on=["orders"]),
            connection("ledger"),
            connection("orders"),
            connection("invoices", depends_on=["orders"]),
        ]
    }
    parsed = load_connection_file(write_connections(folder / "c.yaml", document))
    assert [c.name for c in parsed.in_dependency_order()] == ["ledger", "orders", "shipments", "invoices"]
    assert [c.name for c in parsed.in_dependency_order({"shipments"})] == ["orders", "shipments"]


def test_given_a_bad_file_when_sync_runs_then_it_exits_2_naming_the_key_and_runs_nothing(folder, capsys):
    path = write_connections(folder / "c.yaml", {"connections": [connection(streams=[])]})

    code = main(["sync", str(path)])

    assert code == 2
    assert "connections[0] (orders).streams: List should have at least 1 item" in capsys.readouterr().err


def test_given_a_stream_the_source_does_not_have_when_synced_then_the_stream_entry_is_named(widgets_file, capsys):
    path = widgets_file()
    path.write_text(path.read_text().replace("- widgets", "- gadgets"))

    code = main(["sync", str(path)])

    output = capsys.readouterr().out
    assert code == 1
    assert "(widgets-to-recorder).streams[0]: " in output
    assert "has no stream 'gadgets' (it has: widgets)" in output
