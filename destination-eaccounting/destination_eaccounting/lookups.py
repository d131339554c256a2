"""The bulk reads of one sync: everything the rules consult, fetched once, whole collections at 1,000 per page.

Only what the configured streams need is read, each list narrowed with ``$select`` to the fields the indexes keep.
Nothing here runs per order; a sync of any size costs the same handful of calls plus one write per created object.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from eaccounting_client import EAccountingClient
from ledgerbridge_mappings import (
    ArticleIndex,
    CostCenterItemIndex,
    CustomerIndex,
    DeliveryMethodIndex,
    EAccountingLookups,
    EAccountingRules,
    ExistingReferences,
    TermsOfPaymentIndex,
    VatCodeIndex,
)
from ledgerbridge_mappings.exact_to_eaccounting.orders import TARGET_COLLECTION
from ledgerbridge_writer import DiskMap

from .existing_documents import add_documents, add_vouchers, document_query, voucher_query

CUSTOMER_FIELDS = "Id,CustomerNumber,EmailAddress,VatNumber,IsPrivatePerson,IsActive,CurrencyCode"
ARTICLE_FIELDS = "Id,Number,Name,IsActive,CodingId"


@dataclass(frozen=True)
class Needs:
    """Which parts of the rules this sync exercises, from the streams in the catalog."""

    documents: bool = False  # sales_orders / sales_invoices
    mutations: bool = False  # transaction_lines


def load_lookups(
    client: EAccountingClient, rules: EAccountingRules, needs: Needs, logger: logging.Logger | None = None
) -> EAccountingLookups:
    lookups = EAccountingLookups()
    prefix = rules.documents.reference.prefix
    existing = ExistingReferences(DiskMap())
    if needs.documents or needs.mutations:
        lookups.vat_codes = VatCodeIndex.from_records(client.list("vatcodes"))
        lookups.cost_center_items = CostCenterItemIndex.from_records(client.list("costcenters"))
    if needs.documents:
        lookups.company_currency = _text(client.get("companysettings").get("CurrencyCode"))
        lookups.customers = CustomerIndex.from_records(client.list("customers", {"$select": CUSTOMER_FIELDS}))
        lookups.articles = ArticleIndex.from_records(
            client.list("articles", {"$select": ARTICLE_FIELDS}), client.list("articleaccountcodings")
        )
        lookups.terms_of_payment = TermsOfPaymentIndex.from_records(client.list("termsofpayments"))
        lookups.delivery_methods = DeliveryMethodIndex.from_records(client.list("deliverymethods"))
        collection = TARGET_COLLECTION[rules.documents.target]
        if collection != "vouchers":
            field = rules.documents.reference.order_field
            add_documents(existing, collection, client.list(collection, document_query(field, prefix)), field, prefix)
    if needs.mutations or (needs.documents and TARGET_COLLECTION[rules.documents.target] == "vouchers"):
        add_vouchers(existing, client.list("vouchers", voucher_query(prefix)), prefix)
    lookups.existing = existing
    if logger is not None:
        logger.info(
            "eAccounting read once for this sync: %d customers, %d articles, %d VAT codes, %d documents written before",
            len({c.id for table in (lookups.customers.by_number, lookups.customers.by_email) for c in table.values()}),
            len(lookups.articles.by_number),
            len(lookups.vat_codes.by_code),
            len(existing),
        )
    return lookups


def _text(value: object) -> str | None:
    return value.strip().upper() if isinstance(value, str) and value.strip() else None
