"""Exact cost centre / cost unit codes on a line → eAccounting CostCenterItemId1..3."""

from __future__ import annotations

from ledgerbridge_mappings.exact_to_eaccounting.lookups import CostCenterItemIndex
from ledgerbridge_mappings.exact_to_eaccounting.rules.cost_centres import CostCentreRules
from ledgerbridge_mappings.plan import RecordRejected


class CostCentreResolver:
    def __init__(self, rules: CostCentreRules, items: CostCenterItemIndex) -> None:
        self._rules = rules
        self._items = items

    def fields(self, cost_center: str | None, cost_unit: str | None, field_prefix: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for code, dimension, name in (
            (cost_center, self._rules.cost_center_dimension, "CostCenter"),
            (cost_unit, self._rules.cost_unit_dimension, "CostUnit"),
        ):
            if dimension is None or code is None or not str(code).strip():
                continue
            item = self._items.get(dimension, str(code))
            if item is None or not item.is_active:
                if self._rules.unknown_item == "ignore":
                    continue
                state = "inactive" if item is not None else "no"
                raise RecordRejected(
                    f"{field_prefix}.{name}",
                    f"{state} eAccounting cost-centre item {str(code).strip()!r} in cost centre {dimension}",
                )
            out[f"CostCenterItemId{dimension}"] = item.id
        return out
