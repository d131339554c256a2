"""The table of everything the emulator serves: one row per collection (key, fields and types from the generated
``schema`` module, mandatory fields, references, mandatory filters, lines, sync/Deleted entity type) and one per
route view (regular, bulk, sync). Behaviour is data here; ``models`` only applies it."""

from __future__ import annotations

from dataclasses import dataclass, field

from exact_online_emulator.schema import DELETED_ENTITY_TYPES, ENTITIES

REGULAR_PAGE = 60
LARGE_PAGE = 1000


@dataclass(frozen=True)
class Lines:
    field: str  # header property holding the lines, e.g. "SalesOrderLines"
    collection: str  # e.g. "salesorder/SalesOrderLines"
    parent_field: str  # line property pointing at the header, e.g. "OrderID"


@dataclass(frozen=True)
class Entity:
    path: str
    key: str
    verbs: str
    type_name: str
    fields: dict[str, str]  # name -> EDM type, in documented order
    creatable: frozenset[str]
    updatable: frozenset[str]
    required: tuple[str, ...]
    references: dict[str, str] = field(default_factory=dict)  # field -> collection whose key it must match
    mandatory_filter: frozenset[str] | None = None
    lines: Lines | None = None
    parent: tuple[str, str] | None = None  # (header collection, field) for line collections
    deleted_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class View:
    path: str
    kind: str  # "regular", "bulk", "sync", "deleted"
    entity: Entity
    fields: dict[str, str]
    type_name: str
    page_size: int
    merge_lines: bool = False  # sync/SalesInvoice/SalesInvoices: header rows (LineNumber 0) and line rows


# path -> (model name, mandatory beyond the docs' flags (or None to use the docs'), references, mandatory filter
# fields, deleted entity types)
_BEHAVIOUR: dict[str, dict] = {
    "crm/Accounts": {
        "model": "Account",
        "deleted": ("Accounts",),
        # The error Exact returns lists the allowed fields; the sources only quote part of the list (see README).
        "mandatory_filter": (
            "Accountant AccountManager ActivitySector ActivitySubSector BusinessType ChamberOfCommerce City "
            "Classification1 Classification2 Classification3 Classification4 Classification5 Classification6 "
            "Classification7 Classification8 Code CodeAtSupplier Country Created Email ID InvoiceAccount IsSupplier "
            "MainContact Modified Name Parent Phone Postcode SearchCode Status VATNumber Website"
        ),
        "references": {
            "InvoiceAccount": "crm/Accounts",
            "Parent": "crm/Accounts",
            "ShippingMethod": "sales/ShippingMethods",
        },
    },
    "crm/Contacts": {
        "model": "Contact",
        "deleted": ("Contacts",),
        "required": ("Account",),
        "references": {"Account": "crm/Accounts"},
    },
    "crm/Addresses": {
        "model": "Address",
        "deleted": ("Addresses",),
        # The docs flag nothing but the key; an address without a type means nothing, so Type is asked for (a client
        # that passes here also passes on Exact). Account-or-Warehouse and the Type enum are checked in rules.
        "required": ("Type",),
        "references": {
            "Account": "crm/Accounts",
            "Contact": "crm/Contacts",
            "Warehouse": "inventory/Warehouses",
        },
    },
    "logistics/Items": {
        "model": "Item",
        "deleted": ("Items",),
        "mandatory_filter": (
            "Barcode Class_01 Class_02 Class_03 Class_04 Class_05 Class_06 Class_07 Class_08 Class_09 Class_10 Code "
            "CostPriceNew Created Description EndDate ExtraDescription FreeBoolField_01 FreeBoolField_02 "
            "FreeBoolField_03 FreeBoolField_04 FreeBoolField_05 ID IsSalesItem IsStockItem ItemGroup Modified "
            "SearchCode StartDate Unit"
        ),
        "references": {"ItemGroup": "logistics/ItemGroups"},
    },
    "logistics/SalesItemPrices": {
        "model": "SalesItemPrice",
        "deleted": ("ItemPrices",),
        "required": ("Item",),
        "references": {"Item": "logistics/Items", "Account": "crm/Accounts"},
    },
    "logistics/Units": {"model": "Unit"},
    "logistics/ItemGroups": {"model": "ItemGroup"},
    "salesorder/SalesOrders": {
        "model": "SalesOrder",
        "deleted": ("SalesOrderHeaders",),
        "references": {
            "OrderedBy": "crm/Accounts",
            "DeliverTo": "crm/Accounts",
            "InvoiceTo": "crm/Accounts",
            "ShippingMethod": "sales/ShippingMethods",
            "WarehouseID": "inventory/Warehouses",
        },
        "lines": Lines("SalesOrderLines", "salesorder/SalesOrderLines", "OrderID"),
    },
    "salesorder/SalesOrderLines": {
        "model": "SalesOrderLine",
        "deleted": ("SalesOrderLines",),
        "references": {"Item": "logistics/Items", "OrderID": "salesorder/SalesOrders"},
        "parent": ("salesorder/SalesOrders", "OrderID"),
    },
    "salesinvoice/SalesInvoices": {
        "model": "SalesInvoice",
        "deleted": ("SalesInvoices",),
        "references": {
            "OrderedBy": "crm/Accounts",
            "DeliverTo": "crm/Accounts",
            "InvoiceTo": "crm/Accounts",
            "ShippingMethod": "sales/ShippingMethods",
        },
        "lines": Lines("SalesInvoiceLines", "salesinvoice/SalesInvoiceLines", "InvoiceID"),
    },
    "salesinvoice/SalesInvoiceLines": {
        "model": "SalesInvoiceLine",
        # GLAccount is flagged mandatory in the docs but defaults from the item's revenue account in practice.
        "required": ("ID", "InvoiceID", "Item"),
        "references": {
            "Item": "logistics/Items",
            "InvoiceID": "salesinvoice/SalesInvoices",
            "GLAccount": "financial/GLAccounts",
        },
        "parent": ("salesinvoice/SalesInvoices", "InvoiceID"),
    },
    "salesorder/GoodsDeliveries": {
        "model": "GoodsDelivery",
        "deleted": ("GoodsDeliveries",),
        "references": {"ShippingMethod": "sales/ShippingMethods"},
        "lines": Lines("GoodsDeliveryLines", "salesorder/GoodsDeliveryLines", "EntryID"),
    },
    "salesorder/GoodsDeliveryLines": {
        "model": "GoodsDeliveryLine",
        "deleted": ("GoodsDeliveryLines",),
        "references": {"SalesOrderLineID": "salesorder/SalesOrderLines", "EntryID": "salesorder/GoodsDeliveries"},
        "parent": ("salesorder/GoodsDeliveries", "EntryID"),
    },
    "inventory/StockCounts": {
        "model": "StockCount",
        "references": {"Warehouse": "inventory/Warehouses"},
        "lines": Lines("StockCountLines", "inventory/StockCountLines", "StockCountID"),
    },
    "inventory/StockCountLines": {
        "model": "StockCountLine",
        "references": {"Item": "logistics/Items", "StockCountID": "inventory/StockCounts"},
        "parent": ("inventory/StockCounts", "StockCountID"),
    },
    "inventory/ItemWarehouses": {
        "model": "ItemWarehouse",
        "deleted": ("ItemWarehouses", "StockPositions"),
        "references": {"Item": "logistics/Items", "Warehouse": "inventory/Warehouses"},
    },
    "inventory/Warehouses": {"model": "Warehouse"},
    "vat/VATCodes": {"model": "VATCode"},
    "cashflow/PaymentConditions": {"model": "PaymentCondition"},
    "sales/ShippingMethods": {"model": "ShippingMethod"},
    "financial/GLAccounts": {"model": "GLAccount", "deleted": ("GLAccounts",)},
    "financial/Journals": {"model": "Journal"},
    "hrm/Costcenters": {"model": "Costcenter"},
    "hrm/Costunits": {"model": "Costunit"},
    "hrm/Divisions": {"model": "Division"},
    "system/Divisions": {"model": "SystemDivision"},
    "financialtransaction/TransactionLines": {"model": "TransactionLine", "deleted": ("TransactionLines",)},
    "generaljournalentry/GeneralJournalEntries": {
        "model": "GeneralJournalEntry",
        "lines": Lines("GeneralJournalEntryLines", "generaljournalentry/GeneralJournalEntryLines", "EntryID"),
    },
    "generaljournalentry/GeneralJournalEntryLines": {
        "model": "GeneralJournalEntryLine",
        "references": {
            "GLAccount": "financial/GLAccounts",
            "Account": "crm/Accounts",
            "EntryID": "generaljournalentry/GeneralJournalEntries",
        },
        "parent": ("generaljournalentry/GeneralJournalEntries", "EntryID"),
    },
}

# sync/bulk route -> (collection it reads, merge header and lines)
_SYNC: dict[str, str] = {
    "sync/CRM/Accounts": "crm/Accounts",
    "sync/CRM/Contacts": "crm/Contacts",
    "sync/CRM/Addresses": "crm/Addresses",
    "sync/Logistics/Items": "logistics/Items",
    "sync/Logistics/SalesItemPrices": "logistics/SalesItemPrices",
    "sync/SalesOrder/SalesOrderHeaders": "salesorder/SalesOrders",
    "sync/SalesOrder/SalesOrderLines": "salesorder/SalesOrderLines",
    "sync/SalesOrder/GoodsDeliveries": "salesorder/GoodsDeliveries",
    "sync/SalesOrder/GoodsDeliveryLines": "salesorder/GoodsDeliveryLines",
    "sync/SalesInvoice/SalesInvoices": "salesinvoice/SalesInvoices",
    "sync/Financial/TransactionLines": "financialtransaction/TransactionLines",
    "sync/Financial/GLAccounts": "financial/GLAccounts",
    "sync/Inventory/StockPositions": "inventory/ItemWarehouses",
    "sync/Inventory/ItemWarehouses": "inventory/ItemWarehouses",
}
_BULK: dict[str, str] = {
    "bulk/CRM/Accounts": "crm/Accounts",
    "bulk/CRM/Contacts": "crm/Contacts",
    "bulk/CRM/Addresses": "crm/Addresses",
    "bulk/Logistics/Items": "logistics/Items",
    "bulk/Logistics/SalesItemPrices": "logistics/SalesItemPrices",
    "bulk/SalesOrder/SalesOrders": "salesorder/SalesOrders",
    "bulk/SalesOrder/SalesOrderLines": "salesorder/SalesOrderLines",
    "bulk/SalesOrder/GoodsDeliveries": "salesorder/GoodsDeliveries",
    "bulk/SalesOrder/GoodsDeliveryLines": "salesorder/GoodsDeliveryLines",
    "bulk/SalesInvoice/SalesInvoices": "salesinvoice/SalesInvoices",
    "bulk/SalesInvoice/SalesInvoiceLines": "salesinvoice/SalesInvoiceLines",
    "bulk/Financial/TransactionLines": "financialtransaction/TransactionLines",
    "bulk/Financial/GLAccounts": "financial/GLAccounts",
}


def _fields(path: str) -> dict[str, str]:
    return {name: edm for name, edm, _flags in ENTITIES[path][2]}


def _build_entity(path: str, behaviour: dict) -> Entity:
    key, verbs, properties = ENTITIES[path]
    required = behaviour.get("required") or tuple(name for name, _edm, flags in properties if "R" in flags)
    mandatory = behaviour.get("mandatory_filter")
    for deleted in behaviour.get("deleted", ()):
        if deleted not in DELETED_ENTITY_TYPES:
            raise ValueError(f"{path}: unknown sync/Deleted entity type {deleted}")
    return Entity(
        path=path,
        key=key,
        verbs=verbs,
        type_name=f"Exact.Web.Api.Models.{behaviour['model']}",
        fields=_fields(path),
        creatable=frozenset(name for name, _edm, flags in properties if "C" in flags),
        updatable=frozenset(name for name, _edm, flags in properties if "U" in flags),
        required=tuple(name for name in required if name != key),
        references=behaviour.get("references", {}),
        mandatory_filter=frozenset(mandatory.split()) if mandatory else None,
        lines=behaviour.get("lines"),
        parent=behaviour.get("parent"),
        deleted_types=tuple(behaviour.get("deleted", ())),
    )


ENTITY_BY_PATH: dict[str, Entity] = {path: _build_entity(path, spec) for path, spec in _BEHAVIOUR.items()}

DELETED_ENTITY = Entity(
    path="sync/Deleted",
    key="Timestamp",
    verbs="G",
    type_name="Exact.Web.Api.Models.Sync.Deleted",
    fields=_fields("sync/Deleted"),
    creatable=frozenset(),
    updatable=frozenset(),
    required=(),
)
ME_FIELDS = _fields("current/Me")


def _views() -> dict[str, View]:
    views: dict[str, View] = {}
    for path, entity in ENTITY_BY_PATH.items():
        views[path] = View(path, "regular", entity, entity.fields, entity.type_name, REGULAR_PAGE)
    for path, source in _SYNC.items():
        entity = ENTITY_BY_PATH[source]
        name = path.rsplit("/", 1)[1]
        views[path] = View(
            path,
            "sync",
            entity,
            _fields(path),
            f"Exact.Web.Api.Models.Sync.{path.split('/')[1]}.{name}",
            LARGE_PAGE,
            merge_lines=path == "sync/SalesInvoice/SalesInvoices",
        )
    for path, source in _BULK.items():
        entity = ENTITY_BY_PATH[source]
        views[path] = View(
            path, "bulk", entity, _fields(path), entity.type_name.replace(".Models.", ".Models.Bulk."), LARGE_PAGE
        )
    views["sync/Deleted"] = View(
        "sync/Deleted", "deleted", DELETED_ENTITY, DELETED_ENTITY.fields, DELETED_ENTITY.type_name, LARGE_PAGE
    )
    return views


VIEWS: dict[str, View] = _views()
# Paths are matched case-insensitively, as Exact's IIS front end does.
VIEWS_BY_LOWER_PATH: dict[str, View] = {path.lower(): view for path, view in VIEWS.items()}
# EDM types by OData type name (``__metadata.type``), for the Atom rendering of any payload.
TYPES_BY_NAME: dict[str, dict[str, str]] = {
    **{view.type_name: view.fields for view in VIEWS.values()},
    "Exact.Web.Api.System.Me": ME_FIELDS,
}
