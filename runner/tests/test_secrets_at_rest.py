"""No secrets at rest beyond the user's own config files: those are kept 0600, the data directory 0700 with 0600
files. (That no handed-over config survives a SIGKILL of the runner is tested with real connectors in
test_stop_signals.py.)"""

from __future__ import annotations

import stat
from pathlib import Path

from ledgerbridge.cli import main


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_given_a_config_with_tokens_readable_by_others_when_synced_then_it_becomes_0600_and_the_user_is_told_once(
    widgets_file, tmp_path: Path, capsys
):
    connections = widgets_file()
    (tmp_path / "source.json").chmod(0o644)

    first = main(["sync", str(connections)])
    told = capsys.readouterr().err
    second = main(["sync", str(connections)])
    told_again = capsys.readouterr().err

    assert (first, second) == (0, 0)
    assert _mode(tmp_path / "source.json") == 0o600
    assert f"{tmp_path / 'source.json'} holds credentials" in told
    assert "0644" in told
    assert "holds credentials" not in told_again


def test_given_a_data_directory_left_open_by_an_older_run_when_synced_then_folders_are_0700_and_files_0600(
    widgets_file, ledgerbridge_home: Path
):
    connections = widgets_file()
    (ledgerbridge_home / "logs").mkdir(parents=True)
    ledgerbridge_home.chmod(0o755)
    (ledgerbridge_home / "logs").chmod(0o755)
    (ledgerbridge_home / "activity.jsonl").write_text("")
    (ledgerbridge_home / "activity.jsonl").chmod(0o644)

    assert main(["sync", str(connections)]) == 0

    folders = [ledgerbridge_home, *(p for p in ledgerbridge_home.rglob("*") if p.is_dir())]
    files = [p for p in ledgerbridge_home.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"state.sqlite3", "activity.jsonl"}
    assert {str(p): _mode(p) for p in folders if _mode(p) != 0o700} == {}
    assert {str(p): _mode(p) for p in files if _mode(p) != 0o600} == {}
