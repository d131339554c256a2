"""Timestamps on the wire as .NET writes them: only the fractional digits needed, trailing zeros dropped.

Sources: research/eaccounting.md §0/§9 (the API is ASP.NET on .NET 8; "Date serialisation on the wire" is open) and
the 7-digit fraction the eAccounting client already handles (clients/eaccounting-client values.py); .NET's round-trip
DateTime format drops trailing fractional zeros (``2024-05-01T00:00:00Z``, ``…:28.12Z``). Before this change every
value had exactly six fractional digits, so a fixed-width parser passed every test.
"""

from __future__ import annotations

import re
from datetime import datetime

from tests.eaccounting.conftest import Emulator, wire_time

DOTNET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,6}[1-9])?Z$")


def _fixed_width(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        return None


def test_given_seeded_documents_when_listed_then_timestamps_have_no_trailing_fraction_zeros(emulator: Emulator, api):
    orders = api.get(f"{emulator.api_url}/orders", params={"$pagesize": 200}).json()["Data"]
    customers = api.get(f"{emulator.api_url}/customers", params={"$pagesize": 200}).json()["Data"]
    values = [o[f] for o in orders for f in ("OrderDate", "CreatedUtc", "ModifiedUtc")] + [
        c["ChangedUtc"] for c in customers
    ]

    assert values and all(DOTNET.match(value) for value in values), [v for v in values if not DOTNET.match(v)][:5]
    assert all(order["OrderDate"].endswith("T00:00:00Z") for order in orders)
    # A fixed-width parser (six digits, always a dot) cannot read what the API sends.
    assert any(_fixed_width(value) is None for value in values)


def test_given_a_wire_timestamp_when_filtering_gt_it_then_that_record_is_excluded(emulator: Emulator, api) -> None:
    newest = api.get(f"{emulator.api_url}/customers", params={"$orderby": "ChangedUtc desc", "$pagesize": 3}).json()
    second = newest["Data"][1]["ChangedUtc"]

    after = api.get(f"{emulator.api_url}/customers", params={"$filter": f"ChangedUtc gt {second}"}).json()["Data"]

    assert [c["Id"] for c in after] == [newest["Data"][0]["Id"]]
    assert wire_time(after[0]["ChangedUtc"]) > wire_time(second)
