"""The reconciliation guard of the eAccounting → Exact direction: before a write is sent, every amount and quantity it
carries is recomputed from the eAccounting record and compared with what the write says. A write that does not
reconcile is not sent; the record fails naming the field and both values, and is read again next sync.

The planners call these checks on the bodies they built; the checks re-derive the expected figure from the source
values alone (price * VAT factor * rate, the stock balance, the shipped quantity), so a slip anywhere in between —
a rounding, a unit, a currency label, a line filled twice — is caught here instead of in Exact's books.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ledgerbridge_mappings.eaccounting_to_exact.lookups import ExactSalesOrder
from ledgerbridge_mappings.eaccounting_to_exact.prices import PriceCurrency, decimal_of, quantize
from ledgerbridge_mappings.plan import RecordRejected

_CENT_DECIMALS = 2


def _half_unit(decimals: int) -> Decimal:
    return Decimal(5).scaleb(-decimals - 1)


def _qty(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


def _show(value: Decimal, decimals: int) -> str:
    return f"{quantize(value, decimals):f}"


def reconcile_price(
    body: Mapping[str, Any],
    source_field: str,
    source_amount: float,
    vat_factor: Decimal,
    currency: PriceCurrency,
    decimals: int,
) -> None:
    """The written Price equals source * VAT factor * rate to the cent (to the configured rounding when that is
    coarser than a cent), in the Exact price list currency."""
    written_currency = body.get("Currency")
    if written_currency != currency.target:
        raise RecordRejected(
            "Currency",
            f"does not reconcile: the price would be written in {written_currency} but Exact's price list is in "
            f"{currency.target} (eAccounting price in {currency.source})",
        )
    expected = decimal_of(source_amount) * vat_factor * currency.rate
    written = decimal_of(body["Price"])
    shown = max(decimals, _CENT_DECIMALS)
    if abs(written - expected) > _half_unit(min(decimals, _CENT_DECIMALS)):
        conversion = "" if not currency.converts else f" * {currency.rate} {currency.target}/{currency.source}"
        raise RecordRejected(
            source_field,
            f"does not reconcile: Price {_show(written, shown)} {currency.target} ≠ {source_amount:g} "
            f"{currency.source}{conversion} = {_show(expected, shown)} {currency.target} "
            f"(difference {_show(written - expected, shown)})",
        )


def reconcile_stock(written: float, source_field: str, source_quantity: float, decimals: int) -> None:
    """The counted quantity equals the eAccounting quantity to the count's precision."""
    if abs(decimal_of(written) - decimal_of(source_quantity)) > _half_unit(decimals):
        raise RecordRejected(
            source_field,
            f"does not reconcile: QuantityNew {written:g} ≠ eAccounting {source_quantity:g} "
            f"(difference {float(decimal_of(written) - decimal_of(source_quantity)):g})",
        )


def reconcile_delivery(
    lines: Sequence[Mapping[str, Any]],
    shipped: Mapping[str, tuple[float, str]],
    order: ExactSalesOrder,
    delivered_before: Mapping[str, float],
    cancelled: frozenset[str],
    decimals: int,
) -> None:
    """Each delivered line stays within the quantity Exact still has open on it, and per article Exact's delivered
    total after this delivery equals the quantity eAccounting shows shipped (or, for a return eAccounting shows,
    nothing is delivered at all).

    ``delivered_before``: order line ID → quantity delivered by earlier writes of this sync. ``cancelled``: line IDs
    Exact will not deliver.
    """
    tolerance = _half_unit(decimals)
    by_line = {line.id: line for line in order.lines}
    written: dict[str, Decimal] = {}
    for index, line in enumerate(lines):
        line_id = str(line["SalesOrderLineID"])
        quantity = decimal_of(line["QuantityDelivered"])
        order_line = by_line.get(line_id)
        if order_line is None or line_id in cancelled:
            raise RecordRejected(
                f"GoodsDeliveryLines[{index}].SalesOrderLineID", f"line {line_id} is not an open line of the order"
            )
        remaining = decimal_of(order_line.quantity) - decimal_of(order_line.quantity_delivered)
        remaining -= decimal_of(delivered_before.get(line_id, 0.0))
        if quantity <= 0 or quantity > remaining + tolerance:
            raise RecordRejected(
                f"GoodsDeliveryLines[{index}].QuantityDelivered",
                f"does not reconcile: delivering {_qty(quantity)} of {order_line.item_code} but Exact has "
                f"{_qty(max(remaining, Decimal(0)))} open on line {order_line.line_number}",
            )
        written[line_id] = written.get(line_id, Decimal(0)) + quantity
    for article, (shipped_quantity, source_field) in shipped.items():
        article_lines = [line for line in order.lines if line.item_code == article and line.id not in cancelled]
        before = sum(
            (
                decimal_of(line.quantity_delivered) + decimal_of(delivered_before.get(line.id, 0.0))
                for line in article_lines
            ),
            Decimal(0),
        )
        now = sum((written.get(line.id, Decimal(0)) for line in article_lines), Decimal(0))
        source = decimal_of(shipped_quantity)
        if source < before - tolerance:
            if now > 0:
                raise RecordRejected(
                    source_field,
                    f"does not reconcile: eAccounting shows {_qty(source)} of {article} delivered, "
                    f"Exact {_qty(before)}, yet {_qty(now)} more would be delivered",
                )
            continue
        if abs(before + now - source) > tolerance:
            raise RecordRejected(
                source_field,
                f"does not reconcile: Exact would show {_qty(before + now)} of {article} delivered ≠ eAccounting "
                f"{_qty(source)} (difference {_qty(before + now - source)})",
            )
    stray = set(written) - {line.id for line in order.lines if line.item_code in shipped}
    if stray:
        raise RecordRejected(
            "GoodsDeliveryLines", f"does not reconcile: lines {sorted(stray)} deliver articles eAccounting did not ship"
        )
