"""The two connections a customer runs, image to image: Exact orders → eAccounting, eAccounting customers → Exact.

``read`` of the source image is piped into ``write`` of the destination image. Between the two syncs the platform's
duties are done here: configs take what the connectors persisted, and the state the destination committed goes to
the second read, which must then write nothing at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import FLOWS, IMAGES, start_emulator
from connector_container import ConnectorConfig, StateStore, sync
from emulator_grants import connector_config, grant_for

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import writes

pytestmark = pytest.mark.docker_tier


def configured_catalog(discovered: dict[str, Any], choices: list[dict[str, str]]) -> dict[str, Any]:
    by_name = {stream["name"]: stream for stream in discovered["streams"]}
    configured = []
    for choice in choices:
        stream = by_name[choice["name"]]
        incremental = choice["sync_mode"] == "incremental"
        configured.append(
            {
                "stream": stream,
                "sync_mode": choice["sync_mode"],
                "destination_sync_mode": "append_dedup" if incremental else "append",
                "cursor_field": stream.get("default_cursor_field") or [],
                "primary_key": stream.get("source_defined_primary_key") or [],
            }
        )
    return {"streams": configured}


@pytest.fixture
def flow_emulators() -> Iterator[dict[str, EmulatorProcess]]:
    """Fresh emulators per connection, so its counts and its state start from the seed."""
    running = {kind: start_emulator(kind) for kind in ("exact-online", "eaccounting")}
    yield running
    for emulator in running.values():
        emulator.stop()


@pytest.mark.parametrize("name", list(FLOWS))
def test_given_a_connection_between_two_images_when_synced_twice_then_the_first_writes_and_the_second_writes_nothing(
    name, image_of, flow_emulators
):
    flow = FLOWS[name]
    source_kind, destination_kind = IMAGES[flow["source"]]["emulator"], IMAGES[flow["destination"]]["emulator"]
    source_emulator, destination_emulator = flow_emulators[source_kind], flow_emulators[destination_kind]
    source, destination = image_of(flow["source"]), image_of(flow["destination"])
    source_config = ConnectorConfig(
        connector_config(flow["source"], source_emulator, grant_for(source_kind, source_emulator, aged=True))
    )
    destination_config = ConnectorConfig(
        connector_config(
            flow["destination"],
            destination_emulator,
            grant_for(destination_kind, destination_emulator, aged=True),
            mapping=flow["mapping"],
        )
    )
    discovered = source.run("discover", source_config)
    assert discovered.returncode == 0, discovered.describe()
    catalog = configured_catalog(discovered.catalog(), flow["streams"])
    states = StateStore()
    collection, incremental = flow["written_collection"], flow["incremental_stream"]
    before = len(destination_emulator.dump()[collection])
    destination_emulator.clear_requests_log()

    first = sync(source, destination, source_config, destination_config, catalog, states)

    assert first.source.returncode == 0, first.source.describe()
    assert first.destination.returncode == 0, first.destination.describe()
    assert first.destination.errors() == []
    read_first = len(first.source.records_of(incremental))
    assert read_first > 0
    written = len(destination_emulator.dump()[collection]) - before
    assert written > 0, f"{name}: nothing landed in {collection}"
    assert writes(destination_emulator.requests_log())
    committed = {state["stream"]["stream_descriptor"]["name"] for state in first.destination.states()}
    assert incremental in committed, "the destination echoes a stream's state once its records are written"

    destination_emulator.clear_requests_log()
    second = sync(source, destination, source_config, destination_config, catalog, states)

    assert second.source.returncode == 0, second.source.describe()
    assert second.destination.returncode == 0, second.destination.describe()
    assert writes(destination_emulator.requests_log()) == [], f"{name}: the incremental rerun wrote again"
    assert len(second.source.records_of(incremental)) < read_first, "the second read started from the committed state"
    assert len(destination_emulator.dump()[collection]) - before == written
    # eAccounting rotates its refresh token at every grant: without the persisted configs the second sync would fail.
    assert source_config.updates + destination_config.updates >= 1
