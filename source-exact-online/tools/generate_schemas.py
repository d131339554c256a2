"""Writes source_exact_online/schemas/<stream>.json from Exact's field descriptions.

Usage: python tools/generate_schemas.py [path/to/exact-online-rest-api.json]
(default: $LEDGERBRIDGE_SPECS/exact-online-rest-api.json). The spec file itself is never copied into the repository;
only the derived, typed stream schemas are committed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from source_exact_online.endpoints import ENDPOINTS, MODIFIED, Endpoint

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "source_exact_online" / "schemas"

EDM_TYPES = {
    "Edm.String": {"type": ["null", "string"]},
    "Edm.Guid": {"type": ["null", "string"]},
    "Edm.DateTime": {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_with_timezone"},
    "Edm.Int16": {"type": ["null", "integer"]},
    "Edm.Int32": {"type": ["null", "integer"]},
    "Edm.Int64": {"type": ["null", "integer"]},
    "Edm.Byte": {"type": ["null", "integer"]},
    "Edm.Double": {"type": ["null", "number"]},
    "Edm.Decimal": {"type": ["null", "number"]},
    "Edm.Boolean": {"type": ["null", "boolean"]},
    "Edm.Binary": {"type": ["null", "string"], "contentEncoding": "base64"},
}


def _entities(spec: dict) -> dict[str, dict]:
    return {entity["uri"].split("{division}/", 1)[-1]: entity for entity in spec["entities"]}


def _property_schema(prop: dict) -> dict | None:
    if prop["type"] == "Collection":
        return None  # navigation collections other than the embedded lines are not part of the record
    schema = dict(EDM_TYPES.get(prop["type"], {"type": ["null", "string"]}))
    if prop.get("description"):
        schema["description"] = " ".join(prop["description"].split())[:300]
    return schema


def _object_schema(entity: dict, *, required: list[str]) -> dict:
    properties: dict[str, dict] = {}
    for prop in entity["properties"]:
        schema = _property_schema(prop)
        if schema is not None:
            properties[prop["name"]] = schema
    for name in required:
        properties.setdefault(name, {"type": ["null", "integer"]} if name == "Division" else {"type": "string"})
    return {"type": ["null", "object"], "properties": properties}


def stream_schema(endpoint: Endpoint, entities: dict[str, dict]) -> dict:
    entity = entities[endpoint.resource]
    schema = _object_schema(entity, required=["Division", endpoint.key, endpoint.cursor])
    schema["properties"]["Division"] = {"type": "integer", "description": "Division (company) the record belongs to"}
    schema["properties"][endpoint.key] = {"type": ["null", "string"], **{"description": "Primary key"}}
    if endpoint.lines:
        lines = _object_schema(entities[endpoint.lines_resource], required=[])
        schema["properties"][endpoint.lines] = {
            "type": ["null", "array"],
            "description": f"All current lines of the document ({endpoint.lines_resource})",
            "items": lines,
        }
    if endpoint.cursor == MODIFIED:
        schema["properties"][MODIFIED] = EDM_TYPES["Edm.DateTime"] | {"description": "Last modified (UTC)"}
    return {"$schema": "http://json-schema.org/draft-07/schema#", **schema, "type": "object"}


def main(argv: list[str]) -> int:
    default = Path(os.environ.get("LEDGERBRIDGE_SPECS", "")) / "exact-online-rest-api.json"
    spec_path = Path(argv[1]) if len(argv) > 1 else default
    if not spec_path.is_file():
        print(f"Exact Online field description not found at {spec_path}; pass its path or set LEDGERBRIDGE_SPECS.")
        return 2
    entities = _entities(json.loads(spec_path.read_text(encoding="utf-8")))
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for endpoint in ENDPOINTS:
        target = SCHEMA_DIR / f"{endpoint.stream}.json"
        target.write_text(json.dumps(stream_schema(endpoint, entities), indent=2, sort_keys=False) + "\n")
        print(f"wrote {target.relative_to(SCHEMA_DIR.parents[1])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
