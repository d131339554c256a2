"""Each connector image, run as the platform runs it: spec, check (good and bad), discover and read for sources."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import IMAGES, REPOSITORY, start_emulator
from connector_container import ConnectorConfig
from emulator_grants import connector_config, grant_for, revoked

pytestmark = pytest.mark.docker_tier

SOURCES = [name for name in IMAGES if name.startswith("source-")]
CHECK_SCENARIOS = [
    pytest.param(connector, scenario, id=f"{connector}-{scenario['status'].lower()}-{index}")
    for connector, spec in IMAGES.items()
    for index, scenario in enumerate(spec["check"])
]


def _secrets_of(config: dict) -> list[str]:
    credentials = config.get("credentials", {})
    return [str(credentials[key]) for key in ("client_secret", "refresh_token", "access_token") if credentials.get(key)]


@pytest.mark.parametrize("connector", list(IMAGES))
def test_given_an_image_when_inspected_then_it_runs_its_console_script_as_airbyte_with_a_writable_airbyte_dir(
    connector, connector_images
):
    (inspected,) = json.loads(
        subprocess.run(
            ["docker", "image", "inspect", connector_images[connector]], capture_output=True, text=True, check=True
        ).stdout
    )
    config = inspected["Config"]
    environment = dict(entry.split("=", 1) for entry in config["Env"])

    assert config["User"] == "airbyte"
    assert config["Entrypoint"] == [environment["AIRBYTE_ENTRYPOINT"]]
    assert environment["AIRBYTE_ENTRYPOINT"] == f"/usr/local/bin/{connector}"
    probe = subprocess.run(
        ["docker", "run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", connector_images[connector], "-c",
         "id -u && touch /airbyte/probe && echo writable"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert probe.stdout.split() == ["1000", "writable"], probe.stderr


@pytest.mark.parametrize("connector", list(IMAGES))
def test_given_an_image_when_asked_for_its_spec_then_it_prints_the_same_spec_as_the_package(connector, image_of):
    in_image = image_of(connector).run("spec")
    local = subprocess.run(
        [shutil.which(connector, path=str(Path(sys.executable).parent)) or connector, "spec"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    local_specs = [json.loads(line)["spec"] for line in local.stdout.splitlines() if line.startswith('{"type":"SPEC"')]

    assert in_image.returncode == 0, in_image.describe()
    assert [in_image.spec()] == local_specs


@pytest.mark.parametrize(("connector", "scenario"), CHECK_SCENARIOS)
def test_given_a_config_when_the_image_checks_it_then_the_status_is_as_expected_and_no_secret_is_printed(
    connector, scenario, image_of, stored_configs, emulators
):
    if "config_path" in scenario:
        config = json.loads((REPOSITORY / scenario["config_path"]).read_text())
    elif scenario.get("revoked_refresh_token"):
        config = dict(stored_configs[connector].value)
        config["credentials"] = revoked(config["credentials"])
    else:
        config = stored_configs[connector]

    given = dict(config.value if isinstance(config, ConnectorConfig) else config)

    output = image_of(connector).run("check", config)

    assert output.connection_statuses() == [scenario["status"]], output.describe()
    # CONTROL messages carry the config to the platform by design; nothing else may show a secret.
    printed = json.dumps([m for m in output.messages if m.get("type") != "CONTROL"]) + output.stderr
    assert [secret for secret in _secrets_of(given) if secret in printed] == []


@pytest.mark.parametrize("connector", list(IMAGES))
def test_given_a_grant_due_for_refresh_when_the_image_refreshes_then_the_platform_must_persist_the_rotated_token(
    connector, image_of
):
    kind = IMAGES[connector]["emulator"]
    emulator = start_emulator(kind)  # its own: ageing the grant moves this emulator's clock
    try:
        _refresh_and_persist(connector, kind, emulator, image_of(connector))
    finally:
        emulator.stop()


def _refresh_and_persist(connector, kind, emulator, image) -> None:
    granted = grant_for(kind, emulator, aged=True)
    stored = ConnectorConfig(connector_config(connector, emulator, granted))

    first = image.run("check", stored)

    assert first.connection_statuses() == ["SUCCEEDED"], first.describe()
    assert stored.updates == 1, "the refresh rotated the token, so the connector must print a CONNECTOR_CONFIG"
    assert stored.value["credentials"]["refresh_token"] != granted["refresh_token"]
    # A platform that ignored the message would keep the old token, which the server no longer accepts.
    forgotten = connector_config(connector, emulator, granted)
    assert image.run("check", forgotten).connection_statuses() == ["FAILED"]
    assert image.run("check", stored).connection_statuses() == ["SUCCEEDED"]


@pytest.mark.parametrize("connector", SOURCES)
def test_given_a_source_image_when_discovering_then_the_catalog_offers_the_streams_the_flows_need(
    connector, image_of, stored_configs
):
    output = image_of(connector).run("discover", stored_configs[connector])

    assert output.returncode == 0, output.describe()
    streams = {stream["name"]: stream for stream in output.catalog()["streams"]}
    assert set(IMAGES[connector]["discover"]["streams"]) <= set(streams)
    for stream in streams.values():
        jsonschema.Draft7Validator.check_schema(stream["json_schema"])
        assert "full_refresh" in stream["supported_sync_modes"]


@pytest.mark.parametrize("connector", SOURCES)
def test_given_a_source_image_when_reading_then_every_chosen_stream_yields_records_matching_its_schema(
    connector, image_of, stored_configs
):
    image, stored = image_of(connector), stored_configs[connector]
    discovered = {stream["name"]: stream for stream in image.run("discover", stored).catalog()["streams"]}
    chosen = IMAGES[connector]["read"]["streams"]
    catalog = {
        "streams": [
            {"stream": discovered[name], "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}
            for name in chosen
        ]
    }

    output = image.run("read", stored, catalog=catalog)

    assert output.returncode == 0, output.describe()
    assert output.errors() == []
    for name in chosen:
        records = output.records_of(name)
        assert records, f"{connector} read no {name}"
        validator = jsonschema.Draft7Validator(discovered[name]["json_schema"])
        problems = [f"{name} record {index}: {error.message}" for index, record in enumerate(records)
                    for error in validator.iter_errors(record)]  # fmt: skip
        assert problems[:5] == []
