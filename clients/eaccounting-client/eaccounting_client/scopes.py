"""OAuth scopes: what every token needs, and which scope unlocks which resource (spec operation descriptions)."""

from __future__ import annotations

from urllib.parse import urlsplit

REQUIRED_SCOPES = ("ea:api", "offline_access")

SALES_READ = ("ea:sales", "ea:sales_readonly")
ACCOUNTING_READ = ("ea:accounting", "ea:accounting_readonly")
PURCHASE_READ = ("ea:purchase", "ea:purchase_readonly")

# Any one scope of a tuple grants reading the collection (the spec's "Requires any of the following scopes").
READ_SCOPES_BY_RESOURCE: dict[str, tuple[str, ...]] = {
    "customers": SALES_READ,
    "articles": SALES_READ,
    "orders": SALES_READ,
    "customerinvoicedrafts": SALES_READ,
    "customerinvoices": SALES_READ,
    "termsofpayments": SALES_READ + PURCHASE_READ,
    "deliverymethods": SALES_READ,
    "deliveryterms": SALES_READ,
    "articleaccountcodings": SALES_READ,
    "units": SALES_READ,
    "countries": SALES_READ,
    "currencies": SALES_READ + PURCHASE_READ,
    "companysettings": SALES_READ,
    "fiscalyears": SALES_READ + ACCOUNTING_READ,
    "costcenters": ACCOUNTING_READ + SALES_READ,
    "costcenteritems": ACCOUNTING_READ + SALES_READ,
    "projects": ACCOUNTING_READ + SALES_READ + PURCHASE_READ,
    "vatcodes": ACCOUNTING_READ,
    "vouchers": ACCOUNTING_READ,
    "accounts": ACCOUNTING_READ,
}

# What a read-only sync of every stream asks for at authorisation time.
READ_ONLY_SYNC_SCOPES = (*REQUIRED_SCOPES, "ea:sales_readonly", "ea:accounting_readonly")
# What `ledgerbridge authorize` asks for: reading and writing sales and accounting (both directions of the bridge).
AUTHORIZE_SCOPES = (*REQUIRED_SCOPES, "ea:sales", "ea:accounting")


def resource_of(url: str) -> str:
    """`https://…/v2/customers/123?x` → `customers` (the server matches paths case-insensitively)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if segments and segments[0].lower() in ("v1", "v2"):
        segments = segments[1:]
    return segments[0].lower() if segments else ""


def scopes_for(url: str) -> tuple[str, ...]:
    return READ_SCOPES_BY_RESOURCE.get(resource_of(url), ())
