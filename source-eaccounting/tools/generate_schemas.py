"""Derive the stream JSON schemas from the official eAccounting OpenAPI description.

Usage:  python tools/generate_schemas.py [path/to/eaccounting-v2.openapi-3.1.1.yaml]
        (default: $LEDGERBRIDGE_SPECS/eaccounting-v2.openapi-3.1.1.yaml)

The spec describes what the API *accepts*; a source must describe what it *returns* and keep reading when the
API sends something the spec did not promise. So every property becomes nullable, and write-side constraints
(required, pattern, maxLength, minimum/maximum, enum) are dropped. Formats are kept only where Airbyte uses them
(date-time), and `$ref`s are inlined because the standard tests reject unresolved references.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import yaml

SPEC_FILE_NAME = "eaccounting-v2.openapi-3.1.1.yaml"
SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "source_eaccounting" / "schemas"

# stream name -> the GET path whose 200 response describes one record (list envelopes are unwrapped).
STREAM_PATHS: dict[str, str] = {
    "customers": "/customers",
    "articles": "/articles",
    "orders": "/orders",
    "customer_invoice_drafts": "/customerinvoicedrafts",
    "customer_invoices": "/customerinvoices",
    "vouchers": "/vouchers",
    "vat_codes": "/vatcodes",
    "terms_of_payments": "/termsofpayments",
    "delivery_methods": "/deliverymethods",
    "delivery_terms": "/deliveryterms",
    "cost_centers": "/costcenters",
    "projects": "/projects",
    "accounts": "/accounts/{fiscalyearId}",
    "article_account_codings": "/articleaccountcodings",
    "units": "/units",
    "fiscal_years": "/fiscalyears",
    "countries": "/countries",
    "currencies": "/currencies",
    "company_settings": "/companysettings",
}

_HTML_TAG = re.compile(r"<[^>]+>")
_SCOPE_NOTE = re.compile(r"_{3,}.*", re.DOTALL)


def _clean_description(text: str) -> str:
    text = _HTML_TAG.sub(" ", text.replace("<br/>", "; ").replace("<br>", "; "))
    text = _SCOPE_NOTE.sub("", text)
    return re.sub(r"\s+", " ", text).strip(" ;")


def _nullable(types: Any) -> list[str]:
    listed = [types] if isinstance(types, str) else list(types or [])
    return ["null", *[t for t in listed if t != "null"]]


class SchemaConverter:
    def __init__(self, components: dict[str, Any]) -> None:
        self._components = components

    def record_schema(self, response_schema: dict[str, Any]) -> dict[str, Any]:
        name = response_schema["$ref"].rsplit("/", 1)[-1]
        component = self._components[name]
        if name.startswith("PaginatedResponseOf"):
            name = component["properties"]["Data"]["items"]["$ref"].rsplit("/", 1)[-1]
        converted = self._convert({"$ref": f"#/components/schemas/{name}"}, stack=(), field_name="")
        converted["type"] = "object"
        return {"$schema": "http://json-schema.org/draft-07/schema#", **converted}

    def _convert(self, schema: dict[str, Any], stack: tuple[str, ...], field_name: str) -> dict[str, Any]:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name in stack:  # self-referencing structures are cut; the nested object stays readable, untyped
                return {"type": ["null", "object"]}
            merged = {**self._components[name], **{k: v for k, v in schema.items() if k != "$ref"}}
            return self._convert(merged, (*stack, name), field_name)

        out: dict[str, Any] = {}
        types = _nullable(schema.get("type") or ("object" if "properties" in schema else []))
        if types != ["null"]:
            out["type"] = types
        if schema.get("description"):
            description = _clean_description(schema["description"])
            if description:
                out["description"] = description
        if "object" in types:
            out["properties"] = {
                key: self._convert(value, stack, key) for key, value in (schema.get("properties") or {}).items()
            }
        if "array" in types:
            out["items"] = self._convert(schema.get("items") or {}, stack, field_name)
        if schema.get("format") == "date-time" and "string" in types:
            out["format"] = "date-time"
            # The API's *Utc fields carry a zone; business dates (OrderDate, VoucherDate, …) are local dates.
            out["airbyte_type"] = (
                "timestamp_with_timezone" if field_name.endswith("Utc") else "timestamp_without_timezone"
            )
        return out


def generate(spec_path: Path, out_dir: Path) -> list[Path]:
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    converter = SchemaConverter(spec["components"]["schemas"])
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stream, path in STREAM_PATHS.items():
        response = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        target = out_dir / f"{stream}.json"
        target.write_text(json.dumps(converter.record_schema(response), indent=2, ensure_ascii=False) + "\n")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    specs_dir = os.environ.get("LEDGERBRIDGE_SPECS", "")
    parser.add_argument("spec", nargs="?", default=str(Path(specs_dir) / SPEC_FILE_NAME) if specs_dir else None)
    parser.add_argument("--out", default=str(SCHEMAS_DIR))
    args = parser.parse_args(argv)
    if not args.spec or not Path(args.spec).is_file():
        print(f"spec not found: pass the path to {SPEC_FILE_NAME} or set LEDGERBRIDGE_SPECS", file=sys.stderr)
        return 2
    for path in generate(Path(args.spec), Path(args.out)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
