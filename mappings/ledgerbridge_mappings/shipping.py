"""Exact shipping method on an order → eAccounting delivery method fields and an optional shipping-cost row."""

from __future__ import annotations

from dataclasses import dataclass

from .lookups import DeliveryMethodIndex, DeliveryMethodRef
from .plan import RecordRejected
from .rules.shipping import ShippingRules


@dataclass(frozen=True, slots=True)
class ShippingDecision:
    method: DeliveryMethodRef | None
    shipping_cost: float | None


class ShippingResolver:
    def __init__(self, rules: ShippingRules, methods: DeliveryMethodIndex) -> None:
        self._rules = rules
        self._methods = methods
        self._map = {m.exact_method.strip().casefold(): m for m in rules.map}
        self.shipping_items = frozenset(code.strip().upper() for code in rules.shipping_item_codes)

    def resolve(self, exact_keys: tuple[str | None, ...], field_name: str) -> ShippingDecision:
        """``exact_keys``: the order's shipping method ID, code and description, any of which the map may name."""
        for key in exact_keys:
            entry = self._map.get(key.strip().casefold()) if key else None
            if entry is not None:
                return ShippingDecision(self._method(entry.eaccounting_method, field_name), entry.shipping_cost)
        if self._rules.default_method:
            return ShippingDecision(self._method(self._rules.default_method, field_name), None)
        return ShippingDecision(None, None)

    def is_shipping_item(self, item_code: str | None) -> bool:
        return bool(item_code) and item_code.strip().upper() in self.shipping_items

    def _method(self, name: str, field_name: str) -> DeliveryMethodRef:
        ref = self._methods.resolve(name)
        if ref is None:
            raise RecordRejected(field_name, f"eAccounting delivery method {name!r} does not exist")
        return ref
