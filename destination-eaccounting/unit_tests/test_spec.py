"""The spec: connection keys from DESIGN.md, the rules part generated from the rule models (one source of truth)."""

from __future__ import annotations

import json
import subprocess

from ledgerbridge_mappings import eaccounting_rules_schema
from ledgerbridge_testkit import console_script


def _spec() -> dict:
    completed = subprocess.run([console_script("destination-eaccounting"), "spec"], capture_output=True, text=True)
    (line,) = [json.loads(x) for x in completed.stdout.splitlines() if x.startswith("{")]
    return line["spec"]


def test_given_the_console_script_when_spec_then_rules_are_the_mapping_models_schema_and_keys_follow_design():
    spec = _spec()
    properties = spec["connectionSpecification"]["properties"]
    mapping = dict(properties["mapping"])
    expected = eaccounting_rules_schema()

    assert {k: v for k, v in mapping.items() if k not in ("title", "order")} == {
        k: v for k, v in expected.items() if k != "title"
    }
    assert {"api_url", "identity_url", "credentials", "dry_run", "mapping"} <= set(properties)
    assert set(properties["credentials"]["required"]) == {"client_id", "client_secret", "refresh_token"}
    assert all(properties["credentials"]["properties"][k]["airbyte_secret"] for k in ("client_secret", "refresh_token"))


def test_given_the_spec_when_read_then_only_the_implemented_sync_modes_are_advertised():
    assert sorted(_spec()["supported_destination_sync_modes"]) == ["append", "append_dedup"]
