"""The data files the emulators ship (derived from the official descriptions by their generators) are current.

A description that changes without the files being regenerated would leave the emulators serving stale shapes; this
regenerates both in memory from $LEDGERBRIDGE_SPECS and compares them with what is shipped.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

import pytest

from eaccounting_emulator.tools import generate_spec_module
from exact_online_emulator.tools import generate_schema

SPECS = os.environ.get("LEDGERBRIDGE_SPECS")
needs_specs = pytest.mark.skipif(not SPECS, reason="LEDGERBRIDGE_SPECS is unset: the descriptions are not here")


def shipped(package: str, name: str) -> object:
    return json.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


@needs_specs
def test_given_exacts_description_when_regenerated_then_the_shipped_entity_shapes_are_identical() -> None:
    spec = json.loads((Path(str(SPECS)) / "exact-online-rest-api.json").read_text())

    assert generate_schema.render(spec) == shipped("exact_online_emulator", "schema.json")


@needs_specs
def test_given_eaccountings_description_when_regenerated_then_the_shipped_operations_and_schemas_are_identical() -> (
    None
):
    source = Path(str(SPECS)) / "eaccounting-v2.swagger.json"
    spec = json.loads(source.read_text())
    operations = generate_spec_module.extract_operations(spec)

    regenerated = generate_spec_module.render(
        source, operations, generate_spec_module.reachable_schemas(spec, operations)
    )

    assert json.loads(regenerated) == shipped("eaccounting_emulator", "spec_schemas.json")
