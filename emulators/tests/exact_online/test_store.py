"""The row store's lines-by-document index follows every insert, update and removal."""

from __future__ import annotations

from exact_online_emulator.models.store import Table


def _line(key: str, order: str, timestamp: int) -> dict:
    return {"ID": key, "OrderID": order, "Timestamp": timestamp}


def test_given_lines_moved_and_removed_when_asked_by_document_then_the_index_matches_the_rows():
    table = Table("ID")
    table.load([_line("l1", "o1", 1), _line("l2", "o1", 2), _line("l3", "o2", 3)])
    assert sorted(r["ID"] for r in table.where("OrderID", "o1")) == ["l1", "l2"]
    table.put(_line("l2", "o2", 4))  # an update that moves the line to another document
    table.put(_line("l4", "o1", 5))
    table.remove("l1")
    assert sorted(r["ID"] for r in table.where("OrderID", "o1")) == ["l4"]
    assert sorted(r["ID"] for r in table.where("OrderID", "o2")) == ["l2", "l3"]
    assert table.where("OrderID", "o3") == []


def test_given_any_change_when_the_table_changes_then_its_version_moves_on():
    table = Table("ID")
    versions = [table.version]
    table.load([_line("l1", "o1", 1)])
    versions.append(table.version)
    table.put(_line("l2", "o1", 2))
    versions.append(table.version)
    table.remove("l2")
    versions.append(table.version)
    assert len(set(versions)) == 4
    assert Table("ID").version not in versions  # a replacement table never reuses a version
