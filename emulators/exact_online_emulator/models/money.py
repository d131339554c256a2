"""How Exact derives the money fields of sales orders and sales invoices, in one place for the seed and the API.

From the field descriptions (exact-online-rest-api.json, salesorder/SalesOrderLines and salesinvoice/SalesInvoiceLines):
a line's ``Discount`` is "(DefaultPrice - PriceItem in line) / DefaultPrice", a fraction; the header ``Discount`` is
the default Exact puts on every line. ``NetPrice`` = ``UnitPrice`` * (1 - ``Discount``); line ``AmountFC`` (excl. VAT,
"in the currency of the transaction") = ``Quantity`` * ``NetPrice``; line ``AmountDC`` = ``AmountFC`` * RateFC ("For
almost all lines this can be calculated like: AmountDC = AmountFC * RateFC"); the header's ``AmountDC`` is the sum of
its lines' ``AmountDC`` and VAT in the default currency (the sync view: "For the header lines … SUM(AmountDC) of all
lines"), so the ledger entry an invoice books balances in the default currency to the cent. ``AmountDiscount`` and
``AmountDiscountExclVat`` are "in the default currency of the company".

The division's default currency is EUR. Exact takes RateFC from the administration's exchange-rate table; offline
the emulator uses the fixed table below (emulators/README.md lists it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from exact_online_emulator.exceptions import BadRequest

DEFAULT_CURRENCY = "EUR"
# RateFC: euros per one unit of the foreign currency (AmountDC = AmountFC * RateFC). Fixed, so amounts replay.
RATES_TO_DEFAULT: dict[str, float] = {
    "EUR": 1.0,
    "SEK": 0.0873,
    "NOK": 0.0852,
    "DKK": 0.1341,
    "USD": 0.9218,
    "GBP": 1.1765,
    "CHF": 1.0486,
    "PLN": 0.2331,
}
NET_PRICE_DECIMALS = 4


def cents(amount: float) -> float:
    return round(amount, 2)


def rate_of(currency: str | None) -> float:
    """RateFC of a document currency; a currency the administration does not know is refused, naming the field."""
    code = (currency or DEFAULT_CURRENCY).upper()
    rate = RATES_TO_DEFAULT.get(code)
    if rate is None:
        known = ", ".join(sorted(RATES_TO_DEFAULT))
        raise BadRequest(f"Currency: '{currency}' is not an active currency of this administration ({known}).")
    return rate


def to_default(amount: float, rate: float) -> float:
    return cents(amount * rate)


def price_line(values: dict[str, Any], header_discount: float, rate: float, *, vat_field: str) -> None:
    """Fill Discount, NetPrice, AmountFC/DC and the VAT amount of one line from UnitPrice, Quantity and the VAT
    percentage already on it. A line without its own Discount takes the header's; a line sent with a NetPrice but no
    Discount gets the discount that NetPrice implies (the docs' formula). ``vat_field`` is ``VATAmount`` on order
    lines and ``VATAmountFC`` on invoice lines (which also carry ``VATAmountDC``)."""
    unit = values.get("UnitPrice") or 0.0
    values["UnitPrice"] = unit
    values["Quantity"] = values.get("Quantity") if values.get("Quantity") is not None else 1.0
    if values.get("Discount") is None:
        net = values.get("NetPrice")
        if net is not None and unit:
            values["Discount"] = (unit - net) / unit
        else:
            values["Discount"] = header_discount or 0.0
            values.pop("NetPrice", None)
    if values.get("NetPrice") is None:
        values["NetPrice"] = round(unit * (1 - values["Discount"]), NET_PRICE_DECIMALS)
    amount = cents(values["Quantity"] * values["NetPrice"])
    vat = cents(amount * (values.get("VATPercentage") or 0.0))
    values["AmountFC"] = amount
    values["AmountDC"] = to_default(amount, rate)
    values[vat_field] = vat
    if vat_field == "VATAmountFC":
        values["VATAmountDC"] = to_default(vat, rate)


def document_totals(lines: Iterable[Mapping[str, Any]], rate: float, *, vat_field: str) -> dict[str, Any]:
    """Header amounts from its lines: excl. VAT and incl. VAT in the document currency, the default-currency total as
    the sum of the lines' default-currency amounts and VAT, the total discount (list price * quantity minus the net
    amount) in the default currency. Invoices (``vat_field`` ``VATAmountFC``) also get their VAT totals."""
    lines = list(lines)
    excl = cents(sum(line.get("AmountFC") or 0.0 for line in lines))
    vat = cents(sum(line.get(vat_field) or 0.0 for line in lines))
    excl_dc = cents(sum(line.get("AmountDC") or 0.0 for line in lines))
    vat_dc = cents(sum(to_default(line.get(vat_field) or 0.0, rate) for line in lines))
    listed = sum((line.get("UnitPrice") or 0.0) * (line.get("Quantity") or 0.0) for line in lines)
    discount = to_default(cents(listed - excl), rate)
    totals = {
        "AmountFCExclVat": excl,
        "AmountFC": cents(excl + vat),
        "AmountDC": cents(excl_dc + vat_dc),
        "AmountDiscountExclVat": discount,
        "AmountDiscount": discount,
    }
    if vat_field == "VATAmountFC":
        totals.update(VATAmountFC=vat, VATAmountDC=vat_dc)
    return totals
