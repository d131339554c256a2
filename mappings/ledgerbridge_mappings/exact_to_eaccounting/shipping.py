"""Exact shipping method on an order → eAccounting delivery method fields and an optional shipping-cost row."""

from __future__ import annotations

from dataclasses import dataclass

from ledgerbridge_mappings.exact_to_eaccounting.lookups import (
    DeliveryMethodIndex,
    DeliveryMethodRef,
    ExactShippingMethods,
)
from ledgerbridge_mappings.exact_to_eaccounting.rules.shipping import ShippingMethodMapping, ShippingRules
from ledgerbridge_mappings.plan import RecordRejected


@dataclass(frozen=True, slots=True)
class ShippingDecision:
    method: DeliveryMethodRef | None
    shipping_cost: float | None
    unmatched: str | None = None  # why a method the order names found no map entry, for the activity log


class ShippingResolver:
    def __init__(self, rules: ShippingRules, methods: DeliveryMethodIndex, exact: ExactShippingMethods) -> None:
        self._rules = rules
        self._methods = methods
        self._exact = exact
        self._map = {m.exact_method.strip().casefold(): m for m in rules.map}
        self.shipping_items = frozenset(code.strip().upper() for code in rules.shipping_item_codes)

    def resolve(self, exact_keys: tuple[str | None, ...], field_name: str) -> ShippingDecision:
        """``exact_keys``: what the record names its shipping method by (ID, code, description, in any order).

        A sales order carries only the method's ID and description; the ID is looked up in Exact's shipping methods
        so a map entry may also name the code, as users know their methods by it.
        """
        keys = [key for key in exact_keys if key]
        for key in list(keys):
            method = self._exact.get(key)
            if method is not None:
                keys.extend(k for k in (method.code, method.description) if k)
        entry = self._entry(keys)
        if entry is not None:
            return ShippingDecision(self._method(entry.eaccounting_method, field_name), entry.shipping_cost)
        unmatched = self._unmatched(keys) if keys and self._map else None
        if self._rules.default_method:
            return ShippingDecision(self._method(self._rules.default_method, field_name), None, unmatched)
        return ShippingDecision(None, None, unmatched)

    def is_shipping_item(self, item_code: str | None) -> bool:
        if not item_code:
            return False
        return item_code.strip().upper() in self.shipping_items

    def _entry(self, keys: list[str]) -> ShippingMethodMapping | None:
        for key in keys:
            entry = self._map.get(key.strip().casefold())
            if entry is not None:
                return entry
        return None

    def _unmatched(self, keys: list[str]) -> str:
        named = ", ".join(dict.fromkeys(keys))
        if not len(self._exact):
            return (
                f"shipping method {named} is not in shipping.map; Exact's shipping methods were not read (add the "
                "shipping_methods stream), so map entries by code cannot match"
            )
        return f"shipping method {named} is not in shipping.map"

    def _method(self, name: str, field_name: str) -> DeliveryMethodRef:
        ref = self._methods.resolve(name)
        if ref is None:
            raise RecordRejected(field_name, f"eAccounting delivery method {name!r} does not exist")
        return ref
