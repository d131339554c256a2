"""``preview`` shows each planned write's values on the terminal (amounts, currency, customer, article), and keeps
them out of the activity log and the log files."""

from __future__ import annotations

from pathlib import Path

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit.runner_process import ledgerbridge, write_orders_connection


def test_given_new_orders_when_previewed_then_each_planned_write_shows_its_values_on_the_terminal_only(tmp_path: Path):
    with (
        EmulatorProcess("exact-online-emulator", "--scale", "1", "--minutely-limit", "0") as exact,
        EmulatorProcess("eaccounting-emulator") as eaccounting,
    ):
        connections = write_orders_connection(tmp_path / "files", exact, eaccounting)
        home = tmp_path / "home"
        run = ledgerbridge(home, "preview", str(connections))
        out, err = run.communicate(timeout=300)
        order = next(o for o in exact.dump()["salesorder/SalesOrders"] if o["Division"] == exact.start_line["division"])

    assert run.returncode == 0, out + err
    planned = [
        line for line in out.splitlines() if f"sales_orders {order['OrderNumber']}: would create orders:" in line
    ]
    assert len(planned) == 1
    assert f"OurReference=Exact SO {order['OrderNumber']}" in planned[0]
    assert f"CurrencyCode={order['Currency']}" in planned[0]
    assert "CustomerId=" in planned[0] and "Rows[0].UnitPrice=" in planned[0] and "Rows[0].Quantity=" in planned[0]
    stored = [(home / "activity.jsonl").read_text(), *(p.read_text() for p in (home / "logs").iterdir())]
    assert not any("UnitPrice" in text or "would create orders:" in text for text in stored)
