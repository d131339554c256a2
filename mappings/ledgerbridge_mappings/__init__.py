"""ledgerbridge-mappings: pure transformation rules between Exact Online and Visma eAccounting records."""

from ledgerbridge_mappings.eaccounting_to_exact.accounts import AccountPlanner
from ledgerbridge_mappings.eaccounting_to_exact.config_check import check_exact_rules
from ledgerbridge_mappings.eaccounting_to_exact.items import ItemPlanner, PlannedItem
from ledgerbridge_mappings.eaccounting_to_exact.lookups import (
    CodeIndex,
    ExactAccountIndex,
    ExactContactIndex,
    ExactItemIndex,
    ExactLookups,
    ExactOrderLine,
    ExactSalesOrder,
    SalesOrderIndex,
    SalesPriceIndex,
    ShippingMethodIndex,
    StockPositionIndex,
    WarehouseIndex,
)
from ledgerbridge_mappings.eaccounting_to_exact.rules.flow import ExactRules
from ledgerbridge_mappings.eaccounting_to_exact.shipments import GoodsDeliveryPlanner
from ledgerbridge_mappings.eaccounting_to_exact.stock import StockCountBatch, StockCountPlanner, stock_quantity
from ledgerbridge_mappings.exact_to_eaccounting.config_check import check_eaccounting_rules
from ledgerbridge_mappings.exact_to_eaccounting.financial_mutations import FinancialMutationPlanner, group_by_entry
from ledgerbridge_mappings.exact_to_eaccounting.lookups import (
    ArticleIndex,
    CostCenterItemIndex,
    CustomerIndex,
    DeliveryMethodIndex,
    EAccountingLookups,
    ExactParties,
    ExistingReferences,
    TermsOfPaymentIndex,
    VatCodeIndex,
)
from ledgerbridge_mappings.exact_to_eaccounting.orders import SalesDocumentPlanner
from ledgerbridge_mappings.exact_to_eaccounting.rules.flow import EAccountingRules
from ledgerbridge_mappings.plan import Action, MappingError, PlannedWrite, RecordPlan, SourceRef
from ledgerbridge_mappings.schema import airbyte_schema, eaccounting_rules_schema, exact_rules_schema
from ledgerbridge_mappings.shared.config_problems import ConfigProblem
from ledgerbridge_mappings.shared.references import DocumentReference, document_reference, parse_document_reference

__all__ = [
    "AccountPlanner",
    "Action",
    "ArticleIndex",
    "CodeIndex",
    "ConfigProblem",
    "CostCenterItemIndex",
    "CustomerIndex",
    "DeliveryMethodIndex",
    "DocumentReference",
    "EAccountingLookups",
    "EAccountingRules",
    "ExactAccountIndex",
    "ExactContactIndex",
    "ExactItemIndex",
    "ExactLookups",
    "ExactOrderLine",
    "ExactParties",
    "ExactRules",
    "ExactSalesOrder",
    "ExistingReferences",
    "FinancialMutationPlanner",
    "GoodsDeliveryPlanner",
    "ItemPlanner",
    "MappingError",
    "PlannedItem",
    "PlannedWrite",
    "RecordPlan",
    "SalesDocumentPlanner",
    "SalesOrderIndex",
    "SalesPriceIndex",
    "ShippingMethodIndex",
    "SourceRef",
    "StockCountBatch",
    "StockCountPlanner",
    "StockPositionIndex",
    "TermsOfPaymentIndex",
    "VatCodeIndex",
    "WarehouseIndex",
    "airbyte_schema",
    "check_eaccounting_rules",
    "check_exact_rules",
    "document_reference",
    "eaccounting_rules_schema",
    "exact_rules_schema",
    "group_by_entry",
    "parse_document_reference",
    "stock_quantity",
]
