"""The summary counts writes per target entity: a record that creates a customer and updates a widget shows one
customer created and one widget updated, not two creates."""

from __future__ import annotations

import re

from ledgerbridge.cli import main


def _row(output: str, entity: str) -> list[str]:
    line = next(line for line in output.splitlines() if f"→ {entity} " in line)
    return [cell.strip() for cell in re.split(r"[│┃|]", line)[1:-1]]


def test_given_records_that_create_and_update_when_synced_then_each_entity_counts_its_own_creates_and_updates(
    widgets_file, capsys
):
    path = widgets_file(source={"count": 5}, destination={"updates": [2, 4]})

    assert main(["sync", str(path)]) == 0

    output = capsys.readouterr().out
    # connection, entity, read, created, updated, skipped, failed, time
    assert _row(output, "widgets")[3:5] == ["3", "2"]
    assert _row(output, "customers")[3:5] == ["2", "0"]
