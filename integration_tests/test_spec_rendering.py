"""What the Airbyte form needs from each connector's spec, walked field by field over the real `spec` output.

Airbyte's acceptance rules and form renderer expect: `additionalProperties` true or absent (the platform may add keys),
one `order` per position on each level (the form sorts by it), a title and a description on every field and
sub-object (the form shows both), fixed choices as enums, every secret-looking field masked, and — on the big mapping
form of destination-eaccounting — `group`s that the form declares, so the sections are labelled.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

CONNECTORS = ["source-exact-online", "source-eaccounting", "destination-exact-online", "destination-eaccounting"]
SECRET_NAME = re.compile(r"(^|_)(secret|password|token|api_key|private_key)$")
MODE_NAME = re.compile(r"(^|_)(mode|strategy)$")
MAPPING_GROUPS = {
    "documents",
    "customers",
    "vat",
    "payment",
    "shipping",
    "discounts",
    "currency",
    "ledger",
    "field_map",
}


@cache
def spec_of(connector: str) -> dict[str, Any]:
    executable = shutil.which(connector, path=str(Path(sys.executable).parent))
    if executable is None:
        pytest.fail(f"{connector} is not installed next to {sys.executable} (run `make venv`)")
    completed = subprocess.run([executable, "spec"], capture_output=True, text=True, timeout=120, check=True)
    for line in completed.stdout.splitlines():
        message = json.loads(line) if line.startswith("{") else {}
        if message.get("type") == "SPEC":
            return message["spec"]
    raise AssertionError(f"{connector} spec printed no SPEC message")


def objects(node: Any, path: str = "connectionSpecification") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object in the spec with its path, descending through properties, branches and array items."""
    if not isinstance(node, dict):
        return
    yield path, node
    for name, child in (node.get("properties") or {}).items():
        yield from objects(child, f"{path}.{name}")
    for keyword in ("oneOf", "anyOf", "allOf"):
        for index, branch in enumerate(node.get(keyword) or []):
            yield from objects(branch, f"{path}[{keyword} {index}]")
    if isinstance(node.get("items"), dict):
        yield from objects(node["items"], f"{path}[]")
    if isinstance(node.get("additionalProperties"), dict):
        yield from objects(node["additionalProperties"], f"{path}{{*}}")


def fields(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, name, schema) of every named field on every level."""
    for path, node in objects(spec["connectionSpecification"]):
        for name, child in (node.get("properties") or {}).items():
            if isinstance(child, dict):
                yield f"{path}.{name}", name, child


@pytest.mark.parametrize("connector", CONNECTORS)
def test_given_the_spec_when_walked_then_no_level_forbids_additional_properties(connector):
    closed = [
        path
        for path, node in objects(spec_of(connector)["connectionSpecification"])
        if node.get("additionalProperties") is False
    ]

    assert closed == [], f"{connector}: additionalProperties: false at {closed}"


@pytest.mark.parametrize("connector", CONNECTORS)
def test_given_the_spec_when_walked_then_each_level_uses_every_order_once(connector):
    clashes = []
    for path, node in objects(spec_of(connector)["connectionSpecification"]):
        siblings = [child for child in (node.get("properties") or {}).values() if isinstance(child, dict)]
        orders = Counter(child["order"] for child in siblings if "order" in child)
        clashes += [f"{path}: order {order} used {count} times" for order, count in orders.items() if count > 1]

    assert clashes == []


@pytest.mark.parametrize("connector", CONNECTORS)
def test_given_the_spec_when_walked_then_every_field_and_branch_has_a_title_and_a_description(connector):
    spec = spec_of(connector)
    bare = [
        f"{path} lacks {key}"
        for path, _, schema in fields(spec)
        for key in ("title", "description")
        if not str(schema.get(key) or "").strip()
    ]
    for path, node in objects(spec["connectionSpecification"]):
        for index, branch in enumerate(node.get("oneOf") or []):
            bare += [f"{path}[oneOf {index}] lacks {key}" for key in ("title", "description") if not branch.get(key)]

    assert bare == []


@pytest.mark.parametrize("connector", CONNECTORS)
def test_given_a_mode_field_when_rendered_then_the_user_picks_from_an_enum(connector):
    free_text = [
        path
        for path, name, schema in fields(spec_of(connector))
        if MODE_NAME.search(name) and not ({"enum", "const", "oneOf"} & set(schema))
    ]

    assert free_text == []


@pytest.mark.parametrize("connector", CONNECTORS)
def test_given_a_secret_looking_field_when_rendered_then_it_is_masked(connector):
    shown = [
        path
        for path, name, schema in fields(spec_of(connector))
        if SECRET_NAME.search(name) and schema.get("type") == "string" and schema.get("airbyte_secret") is not True
    ]

    assert shown == []


def test_given_the_eaccounting_mapping_form_when_rendered_then_its_sections_carry_declared_groups():
    mapping = spec_of("destination-eaccounting")["connectionSpecification"]["properties"]["mapping"]
    declared = {group["id"]: group for group in mapping.get("groups") or []}
    sections = {name: schema.get("group") for name, schema in mapping["properties"].items()}

    assert set(declared) >= MAPPING_GROUPS, f"groups declared on the mapping form: {sorted(declared)}"
    assert all(group.get("title") for group in declared.values())
    assert {name: group for name, group in sections.items() if group not in declared} == {}
