"""All rules of the Exact Online → eAccounting flow: the ``mapping`` object of destination-eaccounting's config."""

from __future__ import annotations

from pydantic import Field

from .articles import ArticleRules
from .base import RuleModel
from .cost_centres import CostCentreRules
from .currency import CurrencyRules
from .customers import CustomerRules
from .discounts import DiscountRules
from .documents import DocumentRules
from .field_map import FieldMapRules
from .financial import FinancialMutationRules
from .ledger import LedgerRules
from .payment_terms import PaymentTermsRules
from .shipping import ShippingRules
from .vat import VatRules


class EAccountingRules(RuleModel):
    """Mapping rules from Exact Online records to eAccounting documents, customers and vouchers."""

    documents: DocumentRules = Field(default_factory=DocumentRules, title="Documents")
    customers: CustomerRules = Field(default_factory=CustomerRules, title="Customers")
    articles: ArticleRules = Field(default_factory=ArticleRules, title="Articles")
    vat: VatRules = Field(default_factory=VatRules, title="VAT")
    payment_terms: PaymentTermsRules = Field(default_factory=PaymentTermsRules, title="Payment terms")
    shipping: ShippingRules = Field(default_factory=ShippingRules, title="Shipping")
    discounts: DiscountRules = Field(default_factory=DiscountRules, title="Discounts")
    currency: CurrencyRules = Field(default_factory=CurrencyRules, title="Currencies")
    ledger: LedgerRules = Field(default_factory=LedgerRules, title="Ledger accounts (vouchers)")
    cost_centres: CostCentreRules = Field(default_factory=CostCentreRules, title="Cost centres")
    financial_mutations: FinancialMutationRules = Field(
        default_factory=FinancialMutationRules, title="Financial mutations"
    )
    field_map: FieldMapRules = Field(default_factory=FieldMapRules, title="Custom fields")
