"""All rules of the Exact Online → eAccounting flow: the ``mapping`` object of destination-eaccounting's config."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from ledgerbridge_mappings.exact_to_eaccounting.rules.articles import ArticleRules
from ledgerbridge_mappings.exact_to_eaccounting.rules.cost_centres import CostCentreRules
from ledgerbridge_mappings.exact_to_eaccounting.rules.currency import CurrencyRules
from ledgerbridge_mappings.exact_to_eaccounting.rules.customers import CustomerRules
from ledgerbridge_mappings.exact_to_eaccounting.rules.discounts import DiscountRules
from ledgerbridge_mappings.exact_to_eaccounting.rules.documents import DocumentRules
from ledgerbridge_mappings.exact_to_eaccounting.rules.financial import FinancialMutationRules
from ledgerbridge_mappings.exact_to_eaccounting.rules.ledger import LedgerRules
from ledgerbridge_mappings.exact_to_eaccounting.rules.payment_terms import PaymentTermsRules
from ledgerbridge_mappings.exact_to_eaccounting.rules.shipping import ShippingRules
from ledgerbridge_mappings.exact_to_eaccounting.rules.vat import VatRules
from ledgerbridge_mappings.shared.rules.base import RuleModel
from ledgerbridge_mappings.shared.rules.field_map import FieldMapRules


class EAccountingRules(RuleModel):
    """Mapping rules from Exact Online records to eAccounting documents, customers and vouchers."""

    # The form shows the sections under these headings (Airbyte reads `group` on a field and `groups` beside it).
    model_config = ConfigDict(
        **RuleModel.model_config,
        json_schema_extra={
            "groups": [
                {"id": "documents", "title": "Documents and articles"},
                {"id": "customers", "title": "Customers"},
                {"id": "vat", "title": "VAT"},
                {"id": "payment", "title": "Payment terms"},
                {"id": "shipping", "title": "Shipping"},
                {"id": "discounts", "title": "Discounts"},
                {"id": "currency", "title": "Currencies"},
                {"id": "ledger", "title": "Ledger and vouchers"},
                {"id": "field_map", "title": "Field map"},
            ]
        },
    )

    documents: DocumentRules = Field(
        default_factory=DocumentRules,
        title="Documents",
        description=(
            "Which eAccounting document (order, invoice draft, invoice or voucher) an Exact order becomes, which "
            "statuses qualify, and where the Exact reference goes."
        ),
        json_schema_extra={"group": "documents"},
    )
    customers: CustomerRules = Field(
        default_factory=CustomerRules,
        title="Customers",
        description=(
            "How Exact accounts are matched to eAccounting customers, created when missing, and the default debtor."
        ),
        json_schema_extra={"group": "customers"},
    )
    articles: ArticleRules = Field(
        default_factory=ArticleRules,
        title="Articles",
        description=(
            "How Exact items on order lines find their eAccounting article, and whether missing ones are created."
        ),
        json_schema_extra={"group": "documents"},
    )
    vat: VatRules = Field(
        default_factory=VatRules,
        title="VAT",
        description="Which eAccounting VAT code each Exact VAT code or customer country becomes.",
        json_schema_extra={"group": "vat"},
    )
    payment_terms: PaymentTermsRules = Field(
        default_factory=PaymentTermsRules,
        title="Payment terms",
        description="Which eAccounting terms of payment each Exact payment condition becomes.",
        json_schema_extra={"group": "payment"},
    )
    shipping: ShippingRules = Field(
        default_factory=ShippingRules,
        title="Shipping",
        description="Delivery methods and how shipping costs become document rows.",
        json_schema_extra={"group": "shipping"},
    )
    discounts: DiscountRules = Field(
        default_factory=DiscountRules,
        title="Discounts",
        description="How Exact discounts are read and how an order-level discount not on the lines is written.",
        json_schema_extra={"group": "discounts"},
    )
    currency: CurrencyRules = Field(
        default_factory=CurrencyRules,
        title="Currencies",
        description="The Exact division's own currency and the exchange rates used for documents in other currencies.",
        json_schema_extra={"group": "currency"},
    )
    ledger: LedgerRules = Field(
        default_factory=LedgerRules,
        title="Ledger accounts (vouchers)",
        description="Receivable and revenue accounts (default and per country) used when orders become vouchers.",
        json_schema_extra={"group": "ledger"},
    )
    cost_centres: CostCentreRules = Field(
        default_factory=CostCentreRules,
        title="Cost centres",
        description=(
            "Which eAccounting dimensions carry Exact cost centres and cost units, and what an unknown one becomes."
        ),
        json_schema_extra={"group": "ledger"},
    )
    financial_mutations: FinancialMutationRules = Field(
        default_factory=FinancialMutationRules,
        title="Financial mutations",
        description="How Exact transaction lines become balanced eAccounting vouchers (G/L account map).",
        json_schema_extra={"group": "ledger"},
    )
    field_map: FieldMapRules = Field(
        default_factory=FieldMapRules,
        title="Custom fields",
        description="Extra values copied from Exact record paths into eAccounting bodies, with named transforms.",
        json_schema_extra={"group": "field_map"},
    )
