"""ledgerbridge-mappings: pure transformation rules between Exact Online and Visma eAccounting records."""

from .config_check import ConfigProblem, check_eaccounting_rules
from .exact_accounts import AccountPlanner
from .exact_config_check import check_exact_rules
from .exact_items import ItemPlanner, PlannedItem
from .exact_lookups import (
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
from .financial_mutations import FinancialMutationPlanner, group_by_entry
from .lookups import (
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
from .orders import SalesDocumentPlanner
from .plan import Action, MappingError, PlannedWrite, RecordPlan, SourceRef
from .references import DocumentReference, document_reference, parse_document_reference
from .rules.eaccounting import EAccountingRules
from .rules.exact import ExactRules
from .schema import airbyte_schema, eaccounting_rules_schema, exact_rules_schema
from .shipments import GoodsDeliveryPlanner
from .stock import StockCountBatch, StockCountPlanner, stock_quantity

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
