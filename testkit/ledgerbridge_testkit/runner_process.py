"""The ``ledgerbridge`` runner as a user runs it, for suites that test it from the outside (runner tests, chaos): the
Exact → eAccounting orders connection on fresh emulators as files a user would have, the runner as its own process,
and what to look at afterwards (orders landed per reference, connector processes left, files holding a secret)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .eaccounting_company import company_rules, goods_coding_and_unit
from .emulator_config import emulator_config

if TYPE_CHECKING:
    from emulator_kit.process import EmulatorProcess

ORDER_REFERENCE = "Exact SO "


def write_orders_connection(folder: Path, exact: EmulatorProcess, eaccounting: EmulatorProcess) -> Path:
    """connections.yaml plus the two connector config files (mode 0600), each with its own token chain."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, config in (
        ("exact-source.json", emulator_config(exact)),
        ("eaccounting-destination.json", emulator_config(eaccounting)),
    ):
        path = folder / name
        path.write_text(json.dumps(config))
        path.chmod(0o600)
    rules = {**company_rules(*goods_coding_and_unit(eaccounting.dump())), "documents": {"target": "order"}}
    connection = {
        "name": "orders",
        "source": {"connector": "source-exact-online", "config": "exact-source.json"},
        "destination": {"connector": "destination-eaccounting", "config": "eaccounting-destination.json",
                        "mapping": rules},
        "streams": [
            {"name": "accounts", "sync_mode": "full_refresh"},
            {"name": "contacts", "sync_mode": "full_refresh"},
            {"name": "addresses", "sync_mode": "full_refresh"},
            "sales_orders",
        ],
    }  # fmt: skip
    path = folder / "connections.yaml"
    path.write_text(json.dumps({"connections": [connection]}, indent=2))  # JSON is YAML
    return path


def ledgerbridge(home: Path, *arguments: str, env: dict[str, str] | None = None, **popen: Any) -> subprocess.Popen[str]:
    """``ledgerbridge ARGUMENTS`` as its own process (the console script of this virtualenv)."""
    command = [str(Path(sys.executable).parent / "ledgerbridge"), *arguments]
    environment = {**os.environ, "LEDGERBRIDGE_HOME": str(home), **(env or {})}
    return subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen
    )


def order_copies(eaccounting: EmulatorProcess) -> Counter[str]:
    """How many eAccounting orders carry each Exact order's reference."""
    references = (o.get("OurReference") or "" for o in eaccounting.dump()["orders"])
    return Counter(r for r in references if r.startswith(ORDER_REFERENCE))


def force_refresh(emulator: EmulatorProcess, config_file: Path) -> None:
    """Ten minutes pass (Exact hands out one token per 570 s) and the stored access token is dropped: the next
    connector run must spend the file's refresh token, which proves the chain is intact."""
    emulator.advance_clock(600)
    config = json.loads(config_file.read_text())
    config["credentials"].pop("access_token", None)
    config["credentials"].pop("token_expiry_date", None)
    config_file.write_text(json.dumps(config))


def children_of(pid: int) -> list[int]:
    """Live processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def order_posts(eaccounting: EmulatorProcess) -> int:
    return sum(
        1 for r in eaccounting.requests_log() if r["method"] == "POST" and r["path"].rstrip("/").endswith("orders")
    )


def wait_until(condition: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the condition did not come true in time")
        time.sleep(0.05)


def secrets_of(exact: EmulatorProcess, eaccounting: EmulatorProcess, files: Path) -> set[str]:
    """Client secrets and every token the config files hold now, plus the refresh tokens the emulators started with."""
    found = {e.credentials[key] for e in (exact, eaccounting) for key in ("client_secret", "refresh_token")}
    for path in files.glob("*.json"):
        credentials = json.loads(path.read_text()).get("credentials", {})
        found |= {credentials[k] for k in ("client_secret", "refresh_token", "access_token") if credentials.get(k)}
    return found


def files_holding(secrets: set[str], *folders: Path) -> list[str]:
    """Every file under ``folders`` whose bytes contain one of ``secrets`` (with the secret's kind, never its value)."""
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                content = path.read_bytes()
                found += [str(path) for secret in secrets if secret.encode() in content]
    return sorted(set(found))
