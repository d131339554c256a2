"""Ids created earlier in the same sync are filled into later bodies at the linked path."""

import pytest

from ledgerbridge_writer import UnresolvedLink, resolve_links


def test_given_links_into_nested_lines_when_resolved_then_each_path_gets_the_created_id():
    body = {"StockCountLines": [{"Item": None, "QuantityNew": 1}, {"Item": None, "QuantityNew": 2}]}
    links = {"StockCountLines[1].Item": "items/B", "Warehouse": "wh"}
    resolved = resolve_links(body, links, {"items/B": "guid-b", "wh": "guid-w"})
    assert resolved == {
        "StockCountLines": [{"Item": None, "QuantityNew": 1}, {"Item": "guid-b", "QuantityNew": 2}],
        "Warehouse": "guid-w",
    }
    assert body["StockCountLines"][1]["Item"] is None  # the planned body is left as planned


def test_given_a_link_to_a_write_that_did_not_happen_when_resolved_then_it_names_the_path():
    with pytest.raises(UnresolvedLink, match=r"Account: .*accounts/1"):
        resolve_links({"LastName": "x"}, {"Account": "accounts/1"}, {})


def test_given_dry_run_when_resolved_then_a_placeholder_names_the_object_that_would_be_created():
    assert resolve_links({}, {"Item": "items/A"}, {}, placeholder=True) == {"Item": "<new items/A>"}


@pytest.mark.parametrize("path", ["", "Rows[x].Id", "Rows[1]]"])
def test_given_a_malformed_path_when_resolved_then_it_is_refused(path):
    with pytest.raises(ValueError, match="malformed"):
        resolve_links({}, {path: "k"}, {"k": "v"})
