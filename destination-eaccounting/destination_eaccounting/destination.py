"""The Airbyte destination: spec, check and write for Visma eAccounting."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from airbyte_cdk.destinations import Destination
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteMessage,
    ConfiguredAirbyteCatalog,
    ConnectorSpecification,
    DestinationSyncMode,
    FailureType,
    Level,
    Status,
    SyncMode,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from eaccounting_client import EAccountingApiError, EAccountingClient
from ledgerbridge_writer import WriteConcurrency, Writer, log_message

from .check import config_problems
from .config import ConfigError, DestinationConfig
from .lookups import Needs
from .parties import PARTY_STREAMS
from .spec import connector_specification
from .target import DOCUMENT_STREAMS, HANDLED_STREAMS, MUTATION_STREAMS, EAccountingTarget


class DestinationEaccounting(Destination):
    def spec(self, logger: logging.Logger) -> ConnectorSpecification:
        return connector_specification()

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        try:
            settings = DestinationConfig(config)
            client = EAccountingClient(_mutable(config), logger=logger)
            problems = config_problems(client, settings.rules)
        except (ConfigError, EAccountingApiError) as error:
            return AirbyteConnectionStatus(status=Status.FAILED, message=str(error))
        except AirbyteTracedException as error:
            if error.failure_type == FailureType.system_error:
                raise
            return AirbyteConnectionStatus(status=Status.FAILED, message=error.message or str(error))
        if problems:
            return AirbyteConnectionStatus(status=Status.FAILED, message="; ".join(problems))
        return AirbyteConnectionStatus(status=Status.SUCCEEDED)

    def write(
        self,
        config: Mapping[str, Any],
        configured_catalog: ConfiguredAirbyteCatalog,
        input_messages: Iterable[AirbyteMessage],
    ) -> Iterable[AirbyteMessage]:
        try:
            settings = DestinationConfig(config)
        except ConfigError as error:
            raise AirbyteTracedException(message=str(error), failure_type=FailureType.config_error) from None
        names = {configured.stream.name for configured in configured_catalog.streams}
        _refuse_overwrite(configured_catalog)
        yield from _party_stream_warnings(configured_catalog)
        needs = Needs(documents=bool(names & DOCUMENT_STREAMS), mutations=bool(names & MUTATION_STREAMS))
        # The client keeps this very mapping: rotated tokens land in it and are emitted as CONNECTOR_CONFIG.
        client = EAccountingClient(_mutable(config), logger=logging.getLogger("airbyte"))
        target = EAccountingTarget(client, settings.rules, needs)
        if settings.dry_run:
            yield log_message("dry run: every write is planned and logged, nothing is sent to eAccounting")
        concurrency = WriteConcurrency(
            max_in_flight=settings.max_concurrent_writes,
            calls_per_minute=settings.connection.calls_per_minute,
            throttled=client.budget.throttled,
        )
        writer = Writer(target, dry_run=settings.dry_run, concurrency=concurrency)
        yield from writer.write(configured_catalog, input_messages)


def _mutable(config: Mapping[str, Any]) -> MutableMapping[str, Any]:
    return config if isinstance(config, MutableMapping) else dict(config)


def _refuse_overwrite(catalog: ConfiguredAirbyteCatalog) -> None:
    for configured in catalog.streams:
        if (
            configured.stream.name in HANDLED_STREAMS
            and configured.destination_sync_mode == DestinationSyncMode.overwrite
        ):
            raise AirbyteTracedException(
                message=f"Stream {configured.stream.name!r}: the overwrite mode would delete accounting documents and "
                "is not supported; choose append or append_dedup.",
                failure_type=FailureType.config_error,
            )


def _party_stream_warnings(catalog: ConfiguredAirbyteCatalog) -> Iterable[AirbyteMessage]:
    """Documents name their customer by Exact account id; the rules need every account, not only changed ones."""
    names = {configured.stream.name for configured in catalog.streams}
    if not names & DOCUMENT_STREAMS:
        return
    if "accounts" not in names:
        yield log_message(
            "the catalog has no 'accounts' stream: orders can only be booked on the default debtor", Level.WARN
        )
    for configured in catalog.streams:
        if configured.stream.name in PARTY_STREAMS and configured.sync_mode == SyncMode.incremental:
            yield log_message(
                f"stream {configured.stream.name!r} is incremental: orders of accounts unchanged since the last sync "
                "cannot be matched to a customer; sync it as full refresh",
                Level.WARN,
            )
