"""Regenerates ``eaccounting_emulator/spec_schemas.json`` (read by ``spec_schemas.py``) from the official eAccounting
OpenAPI description.

The emulator must run without the spec present, so it ships only what validation and response shaping need: the
operations of the resources it emulates (method, path, required scopes, body and response schema names, success status)
and the schemas those operations reach, stripped to their validation keywords.

Usage: python -m eaccounting_emulator.tools.generate_spec_module [SPEC_JSON]
(default: $LEDGERBRIDGE_SPECS/eaccounting-v2.swagger.json)
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

RESOURCE_ROOTS = (
    "accounts",
    "articleaccountcodings",
    "articles",
    "companysettings",
    "costcenteritems",
    "costcenters",
    "countries",
    "currencies",
    "customerinvoicedrafts",
    "customerinvoices",
    "customers",
    "deliverymethods",
    "deliveryterms",
    "fiscalyears",
    "orders",
    "projects",
    "termsofpayments",
    "units",
    "vatcodes",
    "vouchers",
)
KEPT_KEYWORDS = (
    "type",
    "required",
    "properties",
    "items",
    "$ref",
    "maxLength",
    "minLength",
    "minimum",
    "maximum",
    "enum",
    "format",
    "readOnly",
    "additionalProperties",
)
SCOPE_LINE = re.compile(r"^\*\s*(\S+)\s*$", re.MULTILINE)
TARGET = Path(__file__).resolve().parents[1] / "spec_schemas.json"


def schema_name(node: dict | None) -> str | None:
    if not node:
        return None
    if "$ref" in node:
        return node["$ref"].rsplit("/", 1)[-1]
    if node.get("type") == "array" and "$ref" in node.get("items", {}):
        return node["items"]["$ref"].rsplit("/", 1)[-1] + "[]"
    return None


def json_schema_of(content: dict | None) -> dict | None:
    return ((content or {}).get("application/json") or {}).get("schema")


def extract_operations(spec: dict) -> list[dict]:
    operations = []
    for path, item in spec["paths"].items():
        if path.strip("/").split("/")[0] not in RESOURCE_ROOTS:
            continue
        for method, operation in item.items():
            if method not in ("get", "post", "put", "delete"):
                continue
            responses = operation.get("responses", {})
            success = min((code for code in responses if code.startswith("2")), default="200")
            scopes_text = (operation.get("description") or "").split("Requires any of the following scopes:")
            operations.append(
                {
                    "method": method.upper(),
                    "path": "/v2" + path,
                    "scopes": SCOPE_LINE.findall(scopes_text[1]) if len(scopes_text) > 1 else [],
                    "body": schema_name(json_schema_of(operation.get("requestBody", {}).get("content"))),
                    "response": schema_name(json_schema_of(responses.get(success, {}).get("content"))),
                    "status": int(success),
                }
            )
    return operations


def strip(node: object) -> object:
    if isinstance(node, dict):
        kept = {key: strip(value) for key, value in node.items() if key in KEPT_KEYWORDS}
        if "properties" in node:
            kept["properties"] = {name: strip(value) for name, value in node["properties"].items()}
        return kept
    if isinstance(node, list):
        return [strip(value) for value in node]
    return node


def referenced(node: object, found: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                found.add(value.rsplit("/", 1)[-1])
            else:
                referenced(value, found)
    elif isinstance(node, list):
        for value in node:
            referenced(value, found)


def reachable_schemas(spec: dict, operations: list[dict]) -> dict[str, dict]:
    all_schemas = spec["components"]["schemas"]
    pending = {name.removesuffix("[]") for op in operations for name in (op["body"], op["response"]) if name}
    pending.add("CommonExtendedBadRequest")
    kept: dict[str, dict] = {}
    while pending:
        name = pending.pop()
        if name in kept:
            continue
        kept[name] = strip(all_schemas[name])
        found: set[str] = set()
        referenced(kept[name], found)
        pending |= found - kept.keys()
    return dict(sorted(kept.items()))


def render(source: Path, operations: list[dict], schemas: dict[str, dict]) -> str:
    generated = {"source": f"{source.name}, {spec_title(source)}", "operations": operations, "schemas": schemas}
    return json.dumps(generated, indent=1) + "\n"


def spec_title(source: Path) -> str:
    info = json.loads(source.read_text())["info"]
    return f"{info['title']} {info['version']}"


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        source = Path(argv[1])
    else:
        specs = os.environ.get("LEDGERBRIDGE_SPECS")
        if not specs:
            print("pass the spec path or set LEDGERBRIDGE_SPECS", file=sys.stderr)
            return 2
        source = Path(specs) / "eaccounting-v2.swagger.json"
    spec = json.loads(source.read_text())
    operations = extract_operations(spec)
    schemas = reachable_schemas(spec, operations)
    TARGET.write_text(render(source, operations, schemas))
    print(f"wrote {TARGET} ({len(operations)} operations, {len(schemas)} schemas)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
