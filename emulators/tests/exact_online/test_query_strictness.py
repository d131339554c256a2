"""Query options Exact refuses rather than ignores.

Source: OData v2 / WCF Data Services, which Exact's REST API runs on (research/exact-online.md §4: OData v2 verbose
JSON, ``$metadata``): an unrecognised option in the reserved ``$`` namespace is an error, not a no-op. Before this
change the emulator ignored e.g. ``$pagesize`` (an eAccounting option), so a client mixing up the two APIs read page
one only.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("option", ["$pagesize", "$page", "$count", "$search"])
def test_given_unknown_dollar_option_when_listing_then_400_naming_it(seeded, option):
    response = seeded.get("crm/Accounts", **{"$filter": "Country eq 'NL'", option: "10"})

    assert response.status_code == 400
    assert option in response.json()["error"]["message"]["value"]


def test_given_custom_option_without_dollar_when_listing_then_ignored(seeded):
    response = seeded.get("crm/Accounts", **{"$filter": "Country eq 'NL'", "$top": "1", "trace": "1"})

    assert response.status_code == 200
