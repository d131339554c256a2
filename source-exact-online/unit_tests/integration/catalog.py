from __future__ import annotations

from typing import Any

from airbyte_cdk.models import ConfiguredAirbyteCatalog, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder, ConfiguredAirbyteStreamBuilder
from airbyte_cdk.test.state_builder import StateBuilder


def catalog(
    stream: str, sync_mode: SyncMode = SyncMode.full_refresh, columns: list[str] | None = None
) -> ConfiguredAirbyteCatalog:
    builder = ConfiguredAirbyteStreamBuilder().with_name(stream).with_sync_mode(sync_mode)
    if columns is not None:
        builder = builder.with_json_schema({"type": "object", "properties": {name: {} for name in columns}})
    return CatalogBuilder().with_stream(builder).build()


def state(stream: str, per_division: dict[int, dict[str, Any]]) -> list[Any]:
    return StateBuilder().with_stream_state(stream, {"divisions": {str(k): v for k, v in per_division.items()}}).build()
