"""Both flows run through the real PyAirbyte (pinned, installed by `make tools`), offline, against both emulators.

Each flow runs twice, both ways PyAirbyte users write: from a per-source cache (`destination.write(read_result)`, where
records come back with lower-cased column names and PyAirbyte's own `_airbyte_*` columns) and straight from the
source (`cache=False`). The emulator dumps must then hold every source record once, the token chains must survive the
rotations (no refused token call, and the saved configs keep working), and nothing may fail silently.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit.connector_process import console_script, run_connector
from ledgerbridge_testkit.emulator_config import emulator_config

REPOSITORY = Path(__file__).resolve().parent.parent
PYAIRBYTE_PYTHON = REPOSITORY / ".venv-pyairbyte" / "bin" / "python"
DRIVER = Path(__file__).parent / "pyairbyte_flow.py"
FLOWS = yaml.safe_load((REPOSITORY / "acceptance-test-config.yml").read_text())["flows"]
PARTY_STREAMS = ["accounts", "contacts", "addresses"]
TOKEN_PATHS = ("/api/oauth2/token", "/connect/token")


@pytest.fixture
def emulators() -> Iterator[dict[str, EmulatorProcess]]:
    with (
        EmulatorProcess("exact-online-emulator", "--minutely-limit", "0", "--daily-limit", "0", seed=1) as exact,
        EmulatorProcess("eaccounting-emulator", seed=1) as eaccounting,
    ):
        yield {
            "source-exact-online": exact,
            "destination-exact-online": exact,
            "source-eaccounting": eaccounting,
            "destination-eaccounting": eaccounting,
        }


def _config(connector: str, emulator: EmulatorProcess, mapping: dict[str, Any] | None) -> dict[str, Any]:
    config = emulator_config(emulator)
    if connector == "destination-exact-online":
        config = {
            "base_url": config["base_url"],
            "division": config["divisions"][0],
            "credentials": config["credentials"],
        }
    if mapping is not None:
        config["mapping"] = dict(mapping)
    if connector == "destination-exact-online":
        # The one rule without a default (checked by `check`): the currency of eAccounting's prices.
        config["mapping"].setdefault("items", {"prices": {"currency": "EUR"}})
    return config


def _run_flow(flow: dict[str, Any], mode: str, workdir: Path, emulators: dict[str, EmulatorProcess]) -> dict[str, Any]:
    source, destination = flow["source"], flow["destination"]
    for connector, mapping in ((source, None), (destination, flow.get("mapping", {}))):
        path = workdir / f"{connector}.json"
        if not path.exists():  # the second run starts from what the first saved (rotated tokens included)
            path.write_text(json.dumps(_config(connector, emulators[connector], mapping)))
    streams = [stream["name"] for stream in flow["streams"]]
    job = {
        "source": {"name": source, "executable": console_script(source), "config": str(workdir / f"{source}.json")},
        "destination": {
            "name": destination,
            "executable": console_script(destination),
            "config": str(workdir / f"{destination}.json"),
        },
        "streams": streams,
        "full_refresh_streams": [name for name in streams if name in PARTY_STREAMS],
        "cache_name": source.replace("-", "_"),
        "cache_dir": str(workdir / "cache" / source),
        "mode": mode,
    }
    job_path = workdir / "job.json"
    job_path.write_text(json.dumps(job))
    environment = {
        **os.environ,
        "AIRBYTE_OFFLINE_MODE": "1",
        "DO_NOT_TRACK": "1",
        "AIRBYTE_LOGGING_ROOT": str(workdir / "logs"),
        "AIRBYTE_LOCAL_ROOT": str(workdir / "local"),
        "TMPDIR": str(workdir),
    }
    completed = subprocess.run(
        [str(PYAIRBYTE_PYTHON), str(DRIVER), str(job_path)],
        capture_output=True,
        text=True,
        timeout=600,
        env=environment,
    )
    assert completed.returncode == 0, f"PyAirbyte run failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-6000:]}"
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _failed_records(workdir: Path, destination: str) -> list[dict[str, Any]]:
    """The destination's per-record failures, from the log files PyAirbyte keeps of each connector run."""
    failed = []
    for log in (workdir / "logs" / destination).glob("*.log"):
        for line in log.read_text().splitlines():
            payload = line.split(" - ", 2)[-1]
            if payload.startswith('{"event":"activity"'):
                entry = json.loads(payload)
                if entry.get("action") == "failed":
                    failed.append(entry)
    return failed


def _check(connector: str, config_path: Path, workdir: Path) -> str:
    output = run_connector([console_script(connector), "check", "--config", str(config_path)], workdir)
    statuses = [message["connectionStatus"]["status"] for message in output.of_type("CONNECTION_STATUS")]
    return statuses[0] if statuses else f"no status: {output.stderr[-1000:]}"


def _written_keys(flow_name: str, records: list[dict[str, Any]]) -> list[str]:
    if flow_name == "exact-orders-to-eaccounting":
        return [record["OurReference"] for record in records]
    return [record["Name"] for record in records]


@pytest.mark.parametrize(
    ("flow_name", "mode"),
    [
        ("exact-orders-to-eaccounting", "cache"),
        ("eaccounting-customers-to-exact", "cache"),
        ("exact-orders-to-eaccounting", "direct"),
    ],
)
def test_given_a_flow_run_twice_with_pyairbyte_when_the_emulators_are_dumped_then_everything_landed_once(
    flow_name, mode, emulators, tmp_path
):
    if not PYAIRBYTE_PYTHON.is_file():
        pytest.fail(f"PyAirbyte is not installed at {PYAIRBYTE_PYTHON}: run `make tools`", pytrace=False)
    flow = FLOWS[flow_name]
    target, collection = emulators[flow["destination"]], flow["written_collection"]
    before = {json.dumps(record, sort_keys=True) for record in target.dump()[collection]}

    _run_flow(flow, mode, tmp_path, emulators)
    first = [record for record in target.dump()[collection] if json.dumps(record, sort_keys=True) not in before]
    _run_flow(flow, mode, tmp_path, emulators)
    second = [record for record in target.dump()[collection] if json.dumps(record, sort_keys=True) not in before]

    assert first, f"{flow_name} via PyAirbyte ({mode}) wrote nothing to {collection}"
    keys = _written_keys(flow_name, second)
    assert len(keys) == len(set(keys)) == len(first), "the second run wrote nothing again, and nothing twice"
    assert _failed_records(tmp_path, flow["destination"]) == []
    for emulator in {id(e): e for e in emulators.values()}.values():
        refused = [r for r in emulator.requests_log() if r["path"].endswith(TOKEN_PATHS) and r["status"] != 200]
        assert refused == [], "a token call was refused: the rotated token chain broke"
    # The configs PyAirbyte's callback saved still hold a live token chain for the next run.
    for connector in (flow["source"], flow["destination"]):
        assert _check(connector, tmp_path / f"{connector}.json", tmp_path) == "SUCCEEDED"
