"""Where the runner keeps what must survive between runs: the state database, the activity log, connector logs.

``$LEDGERBRIDGE_HOME`` wins; otherwise ``$XDG_DATA_HOME/ledgerbridge``; otherwise ``~/.local/share/ledgerbridge``.
Nothing here holds secrets: OAuth tokens stay in the configuration files the user points at. Still, the folders are
0700 and the files 0600 (the activity log and connector logs name customers' records): made so, and kept so on
every run for folders an older version or another umask created.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PRIVATE_FOLDER, PRIVATE_FILE = 0o700, 0o600


def default_home() -> Path:
    explicit = os.environ.get("LEDGERBRIDGE_HOME")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "ledgerbridge"


@dataclass(frozen=True)
class DataHome:
    root: Path

    @classmethod
    def resolve(cls, explicit: str | os.PathLike[str] | None = None) -> DataHome:
        home = cls(Path(explicit).expanduser() if explicit else default_home())
        home.root.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
        for folder in (home.root, home.logs, home.scratch, home.locks):
            folder.mkdir(exist_ok=True, mode=PRIVATE_FOLDER)
            folder.chmod(PRIVATE_FOLDER)
            for entry in folder.iterdir():
                if entry.is_file() and not entry.is_symlink() and entry.stat().st_mode & 0o077:
                    entry.chmod(PRIVATE_FILE)
        return home

    @property
    def state_db(self) -> Path:
        return self.root / "state.sqlite3"

    @property
    def activity_log(self) -> Path:
        return self.root / "activity.jsonl"

    @property
    def logs(self) -> Path:
        """Connector stderr, one file per connector run (the CDK's own diagnostics; the runner never parses them)."""
        return self.root / "logs"

    @property
    def locks(self) -> Path:
        """One lock file per connection (run_lock.py): held by the run that syncs it, freed by the kernel on exit."""
        return self.root / "locks"

    @property
    def scratch(self) -> Path:
        """Per-run catalog and config copies handed to the connectors; removed when the run ends."""
        return self.root / "run"
