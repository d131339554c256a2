"""`make demo` runs this module; a user sees real rows from both emulators or the demo fails."""

import re
import subprocess
import sys


def test_given_fresh_emulators_when_demo_runs_then_every_table_shows_seeded_rows():
    result = subprocess.run(
        [sys.executable, "-m", "emulator_kit.demo"], capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr
    tables = re.split(r"\n\n(?=\S)", result.stdout)
    titled = {table.splitlines()[0]: table.splitlines()[2:] for table in tables if table.strip()}
    for title in ("Sales orders", "Customers", "Orders", "Articles"):
        assert len(titled[title]) == 5, f"{title}: {titled.get(title)}"
    assert any(title.startswith("Accounts (") for title in titled)
    assert any(title.startswith("Stock positions") for title in titled)
    assert "client_secret" not in result.stdout and "refresh_token" not in result.stdout
