"""The spec the connector serves: DESIGN's config keys, dry run, and the mapping schema generated from the rules."""

import json
from pathlib import Path

import jsonschema

from destination_exact_online import DestinationExactOnline
from destination_exact_online.spec import spec_dict
from ledgerbridge_mappings import exact_rules_schema

SAMPLE = Path(__file__).resolve().parents[1] / "integration_tests" / "sample_config.json"


def served_spec():
    import logging

    return DestinationExactOnline().spec(logging.getLogger("test")).connectionSpecification


def test_given_the_served_spec_then_its_mapping_part_is_exactly_the_generated_rules_schema():
    mapping = dict(served_spec()["properties"]["mapping"])
    generated = exact_rules_schema()
    assert {k: v for k, v in mapping.items() if k not in ("title", "description", "order")} == {
        k: v for k, v in generated.items() if k not in ("title", "description")
    }


def test_given_the_spec_then_it_has_the_design_config_keys_and_only_implemented_sync_modes():
    spec = spec_dict()
    properties = spec["connectionSpecification"]["properties"]
    assert {"base_url", "division", "credentials", "dry_run", "mapping"} <= set(properties)
    assert set(properties["credentials"]["properties"]) >= {
        "client_id",
        "client_secret",
        "refresh_token",
        "access_token",
        "token_expiry_date",
    }
    assert spec["supported_destination_sync_modes"] == ["append", "append_dedup"]
    assert all(properties["credentials"]["properties"][name]["airbyte_secret"] for name in ("client_secret",))


def test_given_the_sample_config_then_it_validates_against_the_spec():
    jsonschema.validate(json.loads(SAMPLE.read_text()), served_spec())
