"""Regenerates ``exact_online_emulator/schema.json`` (read by ``schema.py``) from Exact's field-level description.

Run once when the description changes:
    LEDGERBRIDGE_SPECS=../shared/specs python -m exact_online_emulator.tools.generate_schema

Only the collections the emulator serves are kept, and only the facts the emulator needs (field names, EDM types, key,
mandatory flag, verbs); the descriptions stay in the spec file.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

SERVED = [
    "crm/Accounts",
    "crm/Contacts",
    "crm/Addresses",
    "logistics/Items",
    "logistics/SalesItemPrices",
    "logistics/Units",
    "logistics/ItemGroups",
    "salesorder/SalesOrders",
    "salesorder/SalesOrderLines",
    "salesinvoice/SalesInvoices",
    "salesinvoice/SalesInvoiceLines",
    "salesorder/GoodsDeliveries",
    "salesorder/GoodsDeliveryLines",
    "inventory/StockCounts",
    "inventory/StockCountLines",
    "inventory/ItemWarehouses",
    "inventory/Warehouses",
    "vat/VATCodes",
    "cashflow/PaymentConditions",
    "sales/ShippingMethods",
    "financial/GLAccounts",
    "financial/Journals",
    "hrm/Costcenters",
    "hrm/Costunits",
    "hrm/Divisions",
    "system/Divisions",
    "financialtransaction/TransactionLines",
    "generaljournalentry/GeneralJournalEntries",
    "generaljournalentry/GeneralJournalEntryLines",
    "current/Me",
    "sync/CRM/Accounts",
    "sync/CRM/Contacts",
    "sync/CRM/Addresses",
    "sync/Logistics/Items",
    "sync/Logistics/SalesItemPrices",
    "sync/SalesOrder/SalesOrderHeaders",
    "sync/SalesOrder/SalesOrderLines",
    "sync/SalesOrder/GoodsDeliveries",
    "sync/SalesOrder/GoodsDeliveryLines",
    "sync/SalesInvoice/SalesInvoices",
    "sync/Financial/TransactionLines",
    "sync/Financial/GLAccounts",
    "sync/Inventory/StockPositions",
    "sync/Inventory/ItemWarehouses",
    "sync/Deleted",
    "bulk/CRM/Accounts",
    "bulk/CRM/Contacts",
    "bulk/CRM/Addresses",
    "bulk/Logistics/Items",
    "bulk/Logistics/SalesItemPrices",
    "bulk/SalesOrder/SalesOrders",
    "bulk/SalesOrder/SalesOrderLines",
    "bulk/SalesOrder/GoodsDeliveries",
    "bulk/SalesOrder/GoodsDeliveryLines",
    "bulk/SalesInvoice/SalesInvoices",
    "bulk/SalesInvoice/SalesInvoiceLines",
    "bulk/Financial/TransactionLines",
    "bulk/Financial/GLAccounts",
]

_VERB = {"GET": "G", "POST": "C", "PUT": "U", "DELETE": "D"}


def collection_path(uri: str) -> str:
    if "{division}/" in uri:
        return uri.split("{division}/", 1)[1]
    return uri.split("/api/v1/", 1)[1]


def render(spec: dict) -> dict:
    by_path = {collection_path(entity["uri"]): entity for entity in spec["entities"]}
    entities = {}
    for path in SERVED:
        entity = by_path[path]
        keys = [p["name"] for p in entity["properties"] if p.get("key")]
        fields = []
        for prop in entity["properties"]:
            edm = prop["type"].removeprefix("Edm.")
            if edm not in {"String", "Guid", "DateTime", "Int16", "Int32", "Int64", "Byte", "Double", "Boolean"}:
                edm = "Collection" if edm == "Collection" else "Binary" if edm == "Binary" else "Object"
            flags = ("K" if prop.get("key") else "") + ("R" if prop.get("required") else "")
            flags += "".join(_VERB[m] for m in prop.get("methods", []))
            fields.append([prop["name"], edm, flags])
        entities[path] = {"key": keys[0], "verbs": "".join(_VERB[m] for m in entity["methods"]), "fields": fields}
    deleted = sorted(spec["deleted_entity_types"].items(), key=lambda kv: int(kv[0]))
    return {"entities": entities, "deleted_entity_types": {name.split(" ")[0]: int(code) for code, name in deleted}}


def main() -> int:
    specs = os.environ.get("LEDGERBRIDGE_SPECS")
    if not specs:
        print("set LEDGERBRIDGE_SPECS to the folder holding exact-online-rest-api.json", file=sys.stderr)
        return 2
    spec = json.loads((Path(specs) / "exact-online-rest-api.json").read_text())
    target = Path(__file__).resolve().parent.parent / "schema.json"
    target.write_text(json.dumps(render(spec), indent=1) + "\n")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
