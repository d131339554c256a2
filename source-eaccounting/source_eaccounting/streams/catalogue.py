"""The streams this source offers: endpoint, primary key and change cursor of each (schemas/<name>.json)."""

from __future__ import annotations

from .base import EAccountingStream, SingleObjectStream
from .change_tracked import ChangeTrackedStream
from .fiscal_year_sliced import FiscalYearSlicedStream


class Customers(ChangeTrackedStream):
    resource = "customers"
    cursor_field = "ChangedUtc"


class Articles(ChangeTrackedStream):
    """Includes StockBalance, StockBalanceReserved and StockBalanceAvailable."""

    resource = "articles"
    cursor_field = "ChangedUtc"


class Orders(ChangeTrackedStream):
    """Order rows come embedded as `Rows`; `Status` is 1 Draft, 2 Ongoing, 3 Shipped, 4 Invoiced."""

    resource = "orders"
    cursor_field = "ModifiedUtc"


class CustomerInvoiceDrafts(EAccountingStream):
    """Drafts carry only CreatedUtc, which does not move on edits, so they are always read in full."""

    resource = "customerinvoicedrafts"


class CustomerInvoices(ChangeTrackedStream):
    resource = "customerinvoices"
    cursor_field = "ModifiedUtc"


class Vouchers(ChangeTrackedStream):
    """All fiscal years; voucher rows come embedded as `Rows`."""

    resource = "vouchers"
    cursor_field = "ModifiedUtc"


class VatCodes(EAccountingStream):
    resource = "vatcodes"


class TermsOfPayments(EAccountingStream):
    resource = "termsofpayments"


class DeliveryMethods(EAccountingStream):
    resource = "deliverymethods"


class DeliveryTerms(EAccountingStream):
    resource = "deliveryterms"


class CostCenters(EAccountingStream):
    """Each cost center carries its items as `Items`."""

    resource = "costcenters"


class Projects(ChangeTrackedStream):
    resource = "projects"
    cursor_field = "ModifiedUtc"


class Accounts(FiscalYearSlicedStream):
    resource = "accounts"
    primary_key = ["FiscalYearId", "Number"]


class ArticleAccountCodings(ChangeTrackedStream):
    resource = "articleaccountcodings"
    cursor_field = "ChangedUtc"


class Units(EAccountingStream):
    resource = "units"


class FiscalYears(EAccountingStream):
    resource = "fiscalyears"


class Countries(EAccountingStream):
    resource = "countries"
    primary_key = "Code"


class Currencies(EAccountingStream):
    resource = "currencies"
    primary_key = "Code"


class CompanySettings(SingleObjectStream):
    resource = "companysettings"
    primary_key = "CompanyIdentifier"


ALL_STREAMS: tuple[type[EAccountingStream], ...] = (
    Customers,
    Articles,
    Orders,
    CustomerInvoiceDrafts,
    CustomerInvoices,
    Vouchers,
    VatCodes,
    TermsOfPayments,
    DeliveryMethods,
    DeliveryTerms,
    CostCenters,
    Projects,
    Accounts,
    ArticleAccountCodings,
    Units,
    FiscalYears,
    Countries,
    Currencies,
    CompanySettings,
)
