"""The connector spec: the connection settings from ``spec_connection.yaml`` plus the ``mapping`` rules, whose schema
is generated from the rule models in ``ledgerbridge_mappings`` (one source of truth for config and UI)."""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from typing import Any

import yaml
from airbyte_cdk.models import ConnectorSpecification, ConnectorSpecificationSerializer

from ledgerbridge_mappings import exact_rules_schema

MAPPING_PROPERTY = "mapping"


@cache
def _connection_part() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("spec_connection.yaml").read_text(encoding="utf-8")
    connection: dict[str, Any] = yaml.safe_load(text)
    return connection


def spec_dict() -> dict[str, Any]:
    spec = copy.deepcopy(_connection_part())
    mapping = exact_rules_schema()
    mapping["title"] = "Mapping rules"
    mapping["description"] = (
        "How eAccounting customers, articles, stock and orders become Exact accounts, items, stock counts and goods "
        "deliveries. Every setting has a default; see the docs page for a reference with examples."
    )
    properties = spec["connectionSpecification"]["properties"]
    mapping["order"] = 1 + max(field.get("order", 0) for field in properties.values())  # the form shows it last
    properties[MAPPING_PROPERTY] = mapping
    return spec


def connector_specification() -> ConnectorSpecification:
    return ConnectorSpecificationSerializer.load(spec_dict())
