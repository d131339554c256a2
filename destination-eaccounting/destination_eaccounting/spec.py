"""The destination's spec: the connection part from spec.yaml, the rules part generated from the rule models.

The ``mapping`` property is never written by hand: ``eaccounting_rules_schema()`` derives it from the same pydantic
models that validate the config, so the form and the validation cannot drift apart.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from airbyte_cdk.models import ConnectorSpecification, ConnectorSpecificationSerializer

from ledgerbridge_mappings import eaccounting_rules_schema

MAPPING_PROPERTY = "mapping"


@cache
def _spec_dict() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(files(__package__).joinpath("spec.yaml").read_text(encoding="utf-8"))
    rules = eaccounting_rules_schema()
    rules["title"] = "Mapping rules"
    properties = spec["connectionSpecification"]["properties"]
    # Last in the form, after every connection setting, whatever their number.
    rules["order"] = 1 + max(field.get("order", 0) for field in properties.values())
    properties[MAPPING_PROPERTY] = rules
    return spec


def spec_dict() -> dict[str, Any]:
    """A fresh copy of the whole spec as JSON-compatible data."""
    import copy

    return copy.deepcopy(_spec_dict())


def connector_specification() -> ConnectorSpecification:
    return ConnectorSpecificationSerializer.load(spec_dict())
