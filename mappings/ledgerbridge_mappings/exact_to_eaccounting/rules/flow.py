"""All rules of the Exact Online → eAccounting flow: the ``mapping`` object of destination-eaccounting's config."""

from __future__ import annotations

from pydantic import ConfigDict

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
from ledgerbridge_mappings.shared.rules.base import RuleModel, section
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

    documents: DocumentRules = section(
        DocumentRules,
        "Documents",
        "Which eAccounting document (order, invoice draft, invoice or voucher) an Exact order becomes, which "
        "statuses qualify, and where the Exact reference goes.",
        "documents",
    )
    customers: CustomerRules = section(
        CustomerRules,
        "Customers",
        "How Exact accounts are matched to eAccounting customers, created when missing, and the default debtor.",
        "customers",
    )
    articles: ArticleRules = section(
        ArticleRules,
        "Articles",
        "How Exact items on order lines find their eAccounting article, and whether missing ones are created.",
        "documents",
    )
    vat: VatRules = section(
        VatRules, "VAT", "Which eAccounting VAT code each Exact VAT code or customer country becomes.", "vat"
    )
    payment_terms: PaymentTermsRules = section(
        PaymentTermsRules,
        "Payment terms",
        "Which eAccounting terms of payment each Exact payment condition becomes.",
        "payment",
    )
    shipping: ShippingRules = section(
        ShippingRules, "Shipping", "Delivery methods and how shipping costs become document rows.", "shipping"
    )
    discounts: DiscountRules = section(
        DiscountRules,
        "Discounts",
        "How Exact discounts are read and how an order-level discount not on the lines is written.",
        "discounts",
    )
    currency: CurrencyRules = section(
        CurrencyRules,
        "Currencies",
        "The Exact division's own currency and the exchange rates used for documents in other currencies.",
        "currency",
    )
    ledger: LedgerRules = section(
        LedgerRules,
        "Ledger accounts (vouchers)",
        "Receivable and revenue accounts (default and per country) used when orders become vouchers.",
        "ledger",
    )
    cost_centres: CostCentreRules = section(
        CostCentreRules,
        "Cost centres",
        "Which eAccounting dimensions carry Exact cost centres and cost units, and what an unknown one becomes.",
        "ledger",
    )
    financial_mutations: FinancialMutationRules = section(
        FinancialMutationRules,
        "Financial mutations",
        "How Exact transaction lines become balanced eAccounting vouchers (G/L account map).",
        "ledger",
    )
    field_map: FieldMapRules = section(
        FieldMapRules,
        "Custom fields",
        "Extra values copied from Exact record paths into eAccounting bodies, with named transforms.",
        "field_map",
    )
