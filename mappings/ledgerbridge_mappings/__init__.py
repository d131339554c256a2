"""ledgerbridge-mappings: pure transformation rules between Exact Online and Visma eAccounting records."""

from .config_check import ConfigProblem, check_eaccounting_rules
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
from .orders import SalesDocumentPlanner, document_reference
from .plan import Action, MappingError, PlannedWrite, RecordPlan, SourceRef
from .rules.eaccounting import EAccountingRules
from .schema import airbyte_schema, eaccounting_rules_schema

__all__ = [
    "Action",
    "ArticleIndex",
    "ConfigProblem",
    "CostCenterItemIndex",
    "CustomerIndex",
    "DeliveryMethodIndex",
    "EAccountingLookups",
    "EAccountingRules",
    "ExactParties",
    "ExistingReferences",
    "FinancialMutationPlanner",
    "MappingError",
    "PlannedWrite",
    "RecordPlan",
    "SalesDocumentPlanner",
    "SourceRef",
    "TermsOfPaymentIndex",
    "VatCodeIndex",
    "airbyte_schema",
    "check_eaccounting_rules",
    "document_reference",
    "eaccounting_rules_schema",
    "group_by_entry",
]
