from __future__ import annotations

from typing import Any

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.state_builder import StateBuilder

from source_eaccounting import SourceEAccounting


def read_stream(
    stream: str,
    config: dict[str, Any],
    sync_mode: SyncMode = SyncMode.full_refresh,
    state: dict[str, Any] | None = None,
    expecting_exception: bool = False,
) -> EntrypointOutput:
    catalog = CatalogBuilder().with_stream(stream, sync_mode).build()
    state_messages = StateBuilder().with_stream_state(stream, state).build() if state is not None else None
    return read(SourceEAccounting(), config, catalog, state_messages, expecting_exception=expecting_exception)
