"""The rule models as an Airbyte-spec-friendly JSON schema: one source of truth for config and UI.

Airbyte's form renderer wants every object inline (no ``$ref``/``$defs``), no ``allOf`` wrappers, optional values as a
plain type rather than ``anyOf [T, null]``, and each ``oneOf`` branch an object with a constant discriminator.
Airbyte's acceptance tests also want ``additionalProperties`` true or absent on every spec object, so the models'
``extra="forbid"`` is left out of the form: unknown keys are still refused when the config is validated by the models.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel


def airbyte_schema(model: type[BaseModel]) -> dict[str, Any]:
    raw = model.model_json_schema(mode="validation")
    definitions = raw.pop("$defs", {})
    schema: dict[str, Any] = _clean(_inline(raw, definitions))
    schema.setdefault("title", model.__name__)
    schema.setdefault("description", (model.__doc__ or "").strip())
    return schema


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_inline(n, definitions) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        target = copy.deepcopy(definitions[name])
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        merged = {**_inline(target, definitions), **_inline(siblings, definitions)}
        return merged
    return {k: _inline(v, definitions) for k, v in node.items()}


def _clean(node: Any) -> Any:
    if isinstance(node, list):
        return [_clean(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _clean(v) for k, v in node.items() if k != "discriminator"}
    if node.get("additionalProperties") is False:
        del node["additionalProperties"]
    if "allOf" in node and len(node["allOf"]) == 1:
        inner = node.pop("allOf")[0]
        node = {**inner, **node}
    if "anyOf" in node:
        branches = [b for b in node["anyOf"] if b.get("type") != "null"]
        if len(branches) == 1:
            node.pop("anyOf")
            node = {**branches[0], **node}
        elif all(set(b) <= {"type"} for b in branches):
            node.pop("anyOf")
            node["type"] = [b["type"] for b in branches]
    if "oneOf" in node:
        for branch in node["oneOf"]:
            for name, prop in branch.get("properties", {}).items():
                if "const" in prop:
                    prop.setdefault("default", prop["const"])
                    prop.setdefault("type", "string")
                    branch.setdefault("title", str(prop["const"]))
                    if name not in branch.get("required", []):
                        branch.setdefault("required", []).append(name)
    if "enum" in node and "type" not in node:
        kinds = {type(v) for v in node["enum"]}
        node["type"] = "integer" if kinds == {int} else "string"
    return node


def eaccounting_rules_schema() -> dict[str, Any]:
    from ledgerbridge_mappings.exact_to_eaccounting.rules.flow import EAccountingRules

    return airbyte_schema(EAccountingRules)


def exact_rules_schema() -> dict[str, Any]:
    from ledgerbridge_mappings.eaccounting_to_exact.rules.flow import ExactRules

    return airbyte_schema(ExactRules)
