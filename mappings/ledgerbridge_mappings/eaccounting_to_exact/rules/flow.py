"""All rules of the eAccounting → Exact Online flow: the ``mapping`` object of destination-exact-online's config."""

from __future__ import annotations

from ledgerbridge_mappings.eaccounting_to_exact.rules.accounts import AccountRules
from ledgerbridge_mappings.eaccounting_to_exact.rules.items import ItemRules
from ledgerbridge_mappings.eaccounting_to_exact.rules.shipments import ShipmentRules
from ledgerbridge_mappings.eaccounting_to_exact.rules.stock import StockRules
from ledgerbridge_mappings.shared.rules.base import RuleModel, section
from ledgerbridge_mappings.shared.rules.field_map import FieldMapRules


class ExactRules(RuleModel):
    """Mapping rules from eAccounting customers, articles and orders to Exact accounts, items, stock and deliveries."""

    customers: AccountRules = section(
        AccountRules,
        "Customers → accounts",
        "How eAccounting customers become Exact accounts (and contacts): matching, VAT and revenue accounts.",
    )
    items: ItemRules = section(
        ItemRules,
        "Articles → items",
        "How eAccounting articles become Exact items with sales prices: matching by SKU, VAT and units.",
    )
    stock: StockRules = section(
        StockRules, "Stock", "Whether and where eAccounting stock balances become Exact stock counts."
    )
    shipments: ShipmentRules = section(
        ShipmentRules,
        "Shipments",
        "How shipped eAccounting orders become goods deliveries on the originating Exact sales order.",
    )
    field_map: FieldMapRules = section(
        FieldMapRules,
        "Custom fields",
        "Entries with applies_to account, contact or item copy eAccounting values into Exact bodies.",
    )
