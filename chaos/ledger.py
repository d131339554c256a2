"""What landed in eAccounting, compared with what the source sent: missing documents and duplicates, from the dump."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

REFERENCE_PREFIX = "Exact SO "


def order_reference(order_number: Any) -> str:
    return f"{REFERENCE_PREFIX}{order_number}"


@dataclass
class LedgerDiff:
    missing: list[str]
    duplicates: dict[str, int]  # reference or key → copies beyond the first
    delivered: int

    @property
    def duplicate_count(self) -> int:
        return sum(self.duplicates.values())


def diff_orders(expected_numbers: Iterable[Any], dump: dict[str, Any]) -> LedgerDiff:
    expected = {order_reference(n) for n in expected_numbers}
    written = Counter(o.get("OurReference") for o in dump["orders"] if (o.get("OurReference") or "") in expected)
    duplicates = {ref: count - 1 for ref, count in written.items() if count > 1}
    # Orders the flow never sent may not appear either (another reference prefix would hide a duplicate).
    strays = Counter(
        o["OurReference"]
        for o in dump["orders"]
        if (o.get("OurReference") or "").startswith(REFERENCE_PREFIX) and o["OurReference"] not in expected
    )
    duplicates.update({ref: count for ref, count in strays.items()})
    return LedgerDiff(missing=sorted(expected - set(written)), duplicates=duplicates, delivered=len(written))


def duplicate_customers(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """Customers the flow created whose e-mail address another customer already has (a customer written twice)."""
    known = {c["Id"] for c in before["customers"]}
    emails = Counter((c.get("EmailAddress") or "").lower() for c in after["customers"] if c.get("EmailAddress"))
    created = [c for c in after["customers"] if c["Id"] not in known and c.get("EmailAddress")]
    return {
        c["EmailAddress"]: emails[c["EmailAddress"].lower()] - 1
        for c in created
        if emails[c["EmailAddress"].lower()] > 1
    }


def duplicate_articles(dump: dict[str, Any]) -> dict[str, int]:
    numbers = Counter(a["Number"] for a in dump["articles"])
    return {number: count - 1 for number, count in numbers.items() if count > 1}
