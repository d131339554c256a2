"""The Docker tier's platform duties that need no Docker: configs take what a connector persisted, the destination's
committed states go to the next read, and the files a container reads are mounted readable, one option each."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from connector_container import MOUNT, ConnectorConfig, ConnectorImage, StateStore
from emulator_grants import connector_config, eaccounting_grant, exact_grant

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import Output


def _control(config: dict[str, object]) -> str:
    control = {"type": "CONNECTOR_CONFIG", "emitted_at": 1.0, "connectorConfig": {"config": config}}
    return json.dumps({"type": "CONTROL", "control": control})


def _state(stream: str, cursor: str) -> dict[str, object]:
    return {"type": "STREAM", "stream": {"stream_descriptor": {"name": stream}, "stream_state": {"cursor": cursor}}}


def test_given_a_run_that_persisted_two_configs_when_absorbed_then_the_last_one_is_stored_and_counted_once():
    stored = ConnectorConfig({"credentials": {"refresh_token": "first"}})
    printed = "\n".join(
        [
            _control({"credentials": {"refresh_token": "second"}}),
            "a log line",
            _control({"credentials": {"refresh_token": "third"}}),
        ]
    )

    stored.absorb(Output.parse(printed))

    assert stored.value == {"credentials": {"refresh_token": "third"}}
    assert stored.updates == 1


def test_given_a_run_that_persisted_nothing_when_absorbed_then_the_stored_config_is_kept():
    stored = ConnectorConfig({"credentials": {"refresh_token": "first"}})

    stored.absorb(Output.parse(json.dumps({"type": "LOG", "log": {"level": "INFO", "message": "hello"}})))

    assert stored.value == {"credentials": {"refresh_token": "first"}}
    assert stored.updates == 0


def test_given_states_committed_twice_for_a_stream_when_the_next_read_starts_then_it_gets_the_latest_per_stream():
    states = StateStore()
    assert states.as_input() is None

    states.commit([_state("orders", "1"), _state("customers", "a")])
    states.commit(Output.parse(json.dumps({"type": "STATE", "state": _state("orders", "2")})).states())

    assert states.as_input() == [_state("orders", "2"), _state("customers", "a")]


def test_given_a_config_and_a_catalog_when_the_command_is_built_then_each_is_a_readable_file_mounted_read_only(
    tmp_path: Path,
):
    image = ConnectorImage("source-eaccounting", "airbyte/source-eaccounting:dev", tmp_path)

    command, container = image.command("read", config={"a": 1}, catalog={"streams": []}, state=None)

    mount = command[command.index("-v") + 1]
    folder = Path(mount.split(":")[0])
    assert mount.endswith(f":{MOUNT}:ro")
    assert command[-5:] == ["read", "--config", f"{MOUNT}/config.json", "--catalog", f"{MOUNT}/catalog.json"]
    assert json.loads((folder / "config.json").read_text()) == {"a": 1}
    assert stat.S_IMODE((folder / "catalog.json").stat().st_mode) == 0o644
    assert "-i" not in command and container in command


def test_given_fresh_emulators_when_grants_are_made_then_each_config_points_at_its_emulator_on_a_new_chain():
    with (
        EmulatorProcess("exact-online-emulator", "--minutely-limit", "0") as exact,
        EmulatorProcess("eaccounting-emulator") as eaccounting,
    ):
        exact_credentials = exact_grant(exact)
        eaccounting_credentials = eaccounting_grant(eaccounting)
        source = connector_config("source-exact-online", exact, exact_credentials)
        destination = connector_config("destination-exact-online", exact, exact_credentials)
        eaccounting_source = connector_config("source-eaccounting", eaccounting, eaccounting_credentials)
        eaccounting_destination = connector_config("destination-eaccounting", eaccounting, eaccounting_credentials)

    division = exact.start_line["division"]
    assert source == {"base_url": exact.root_url, "divisions": [division], "credentials": exact_credentials}
    assert (destination["division"], destination["base_url"]) == (division, exact.root_url)
    assert (
        exact_credentials["access_token"] and exact_credentials["refresh_token"] != exact.credentials["refresh_token"]
    )
    assert eaccounting_source["identity_url"] == eaccounting.root_url
    assert eaccounting_destination == {**eaccounting_source, "mapping": {}}
    assert eaccounting_credentials["refresh_token"] != eaccounting.credentials["refresh_token"]
