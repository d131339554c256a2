"""logistics/ItemGroups as Exact serves it: read only, each item group by code and ID, and an item may name only a
group that exists."""

from __future__ import annotations

import pytest


def test_given_a_seeded_division_when_item_groups_are_read_then_each_has_code_description_and_one_default(seeded):
    rows = seeded.get("logistics/ItemGroups", **{"$select": "ID,Code,Description,IsDefault"}).json()["d"]["results"]
    assert {row["Code"] for row in rows} >= {"000", "100"}
    assert [row["Code"] for row in rows if row["IsDefault"] == 1] == ["000"]
    assert all(row["ID"] and row["Description"] for row in rows)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_given_item_groups_are_read_only_when_written_then_refused(fresh, method):
    group = fresh.get("logistics/ItemGroups", **{"$select": "ID"}).json()["d"]["results"][0]
    if method == "post":
        response = fresh.post("logistics/ItemGroups", {"Code": "900", "Description": "Nieuw"})
    elif method == "put":
        response = fresh.put(f"logistics/ItemGroups(guid'{group['ID']}')", {"Description": "Anders"})
    else:
        response = fresh.delete(f"logistics/ItemGroups(guid'{group['ID']}')")
    assert response.status_code in (400, 403, 405), response.text


def test_given_an_item_naming_a_group_when_posted_then_an_existing_group_is_kept_and_an_unknown_one_refused(fresh):
    groups = fresh.get("logistics/ItemGroups", **{"$select": "ID,Code"}).json()["d"]["results"]
    coffee = next(row["ID"] for row in groups if row["Code"] == "100")
    created = fresh.post("logistics/Items", {"Code": "GRP-1", "Description": "Espresso", "ItemGroup": coffee})
    unknown = fresh.post(
        "logistics/Items",
        {"Code": "GRP-2", "Description": "Lungo", "ItemGroup": "00000000-0000-4000-8000-000000000000"},
    )
    assert created.status_code == 201 and created.json()["d"]["ItemGroup"] == coffee
    assert unknown.status_code == 400 and "ItemGroup" in unknown.json()["error"]["message"]["value"]
