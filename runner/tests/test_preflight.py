"""Errors before work: every problem in the connection file, the config files and the mapping rules is reported at
once, each with its key path, exit 2, before any connector reads data; no traceback for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from ledgerbridge.cli import main
from ledgerbridge_testkit import emulator_config

from .conftest import write_connections


def _orders_files(folder: Path, exact, eaccounting, mapping: dict, source_extra: dict, destination_extra: dict) -> Path:
    (folder / "exact.json").write_text(json.dumps(_merge(emulator_config(exact), source_extra)))
    (folder / "eaccounting.json").write_text(json.dumps(_merge(emulator_config(eaccounting), destination_extra)))
    connection = {
        "name": "orders",
        "source": {"connector": "source-exact-online", "config": "exact.json"},
        "destination": {"connector": "destination-eaccounting", "config": "eaccounting.json", "mapping": mapping},
        "streams": ["sales_orders"],
    }
    return write_connections(folder / "connections.yaml", {"connections": [connection]})


def _merge(base: dict, extra: dict) -> dict:
    merged = dict(base)
    for key, value in extra.items():
        merged[key] = (
            _merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
        )
    return merged


def test_given_problems_in_rules_and_configs_when_synced_then_all_are_named_with_key_paths_and_nothing_is_read(
    tmp_path: Path, exact, eaccounting, capsys
):
    path = _orders_files(
        tmp_path,
        exact,
        eaccounting,
        mapping={"documents": {"targt": "order"}, "vat": {"mode": "bogus"}},
        source_extra={"credentials": {"refesh_token": "x"}},
        destination_extra={"api_url": 5},
    )
    exact.clear_requests_log()
    eaccounting.clear_requests_log()

    code = main(["sync", str(path)])

    error = capsys.readouterr().err
    assert code == 2
    assert "connections[0] (orders).destination.mapping.documents.targt: unknown key" in error
    assert "connections[0] (orders).destination.mapping.vat.mode: Input should be 'by_code' or 'by_country'" in error
    assert "connections[0] (orders).source.config (exact.json).credentials.refesh_token: unknown key" in error
    assert (
        "connections[0] (orders).destination.config (eaccounting.json).api_url: wrong type: should be string" in error
    )
    assert "4 problem(s)" in error
    assert exact.requests_log() == [] and eaccounting.requests_log() == []


def test_given_a_preview_with_a_wrong_type_in_the_rules_then_it_exits_2_before_reading(
    tmp_path: Path, exact, eaccounting, capsys
):
    path = _orders_files(
        tmp_path, exact, eaccounting, {"customers": {"use_exact_code_as_customer_number": "maybe"}}, {}, {}
    )
    exact.clear_requests_log()

    code = main(["preview", str(path)])

    assert code == 2
    assert ".destination.mapping.customers.use_exact_code_as_customer_number: Input should be a valid boolean" in (
        capsys.readouterr().err
    )
    assert exact.requests_log() == []


def test_given_a_connection_file_that_is_not_utf8_when_synced_then_it_exits_2_without_a_traceback(
    tmp_path: Path, capsys
):
    path = tmp_path / "connections.yaml"
    path.write_bytes("connections:\n  - name: k\xf6p\n".encode("latin-1"))

    code = main(["sync", str(path)])

    error = capsys.readouterr().err
    assert code == 2
    assert f"{path}: not UTF-8 text" in error
    assert "Traceback" not in error


def test_given_a_config_file_that_is_not_utf8_when_checked_then_it_exits_2_naming_the_connection(
    widgets_file, tmp_path: Path, capsys
):
    path = widgets_file()
    (tmp_path / "source.json").write_bytes(b'{"name": "k\xf6p"}')

    code = main(["check", str(path)])

    error = capsys.readouterr().err
    assert code == 2
    assert "connections[0] (widgets-to-recorder).source.config: " in error
    assert "not UTF-8 text" in error


def test_given_a_mapping_that_is_not_an_object_when_synced_then_the_connection_file_names_it(
    tmp_path: Path, exact, eaccounting, capsys
):
    path = _orders_files(tmp_path, exact, eaccounting, {}, {}, {})
    document = yaml.safe_load(path.read_text())
    document["connections"][0]["destination"]["mapping"] = ["order"]
    path.write_text(yaml.safe_dump(document))

    assert main(["sync", str(path)]) == 2
    assert "connections[0] (orders).destination.mapping: Input should be a valid dictionary" in capsys.readouterr().err


def test_given_a_bad_since_when_the_log_is_asked_then_it_is_a_usage_error_not_a_traceback(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["log", "--since", "5x"])

    error = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "'5x' is neither a duration" in error
    assert "Traceback" not in error


def test_given_a_data_directory_that_cannot_be_created_when_synced_then_the_error_names_it_without_a_traceback(
    widgets_file, tmp_path: Path, capsys
):
    path = widgets_file()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")

    code = main(["--home", str(blocker / "home"), "sync", str(path)])

    error = capsys.readouterr().err
    assert code == 1
    assert str(blocker / "home") in error
    assert "Traceback" not in error
