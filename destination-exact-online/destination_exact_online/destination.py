"""The Airbyte destination: spec, check and write for Exact Online."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, MutableMapping
from datetime import date
from typing import Any

from airbyte_cdk.destinations import Destination
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteMessage,
    ConfiguredAirbyteCatalog,
    ConnectorSpecification,
    FailureType,
    Status,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_exact_online.check import config_problems
from destination_exact_online.config import DIVISION_CALLS_PER_MINUTE, ConfigError, DestinationConfig
from destination_exact_online.quiet_http_log import http_logger
from destination_exact_online.spec import connector_specification
from destination_exact_online.target import ExactOnlineTarget
from exact_online_client import ExactOnlineApiError, ExactOnlineClient
from exact_online_client.rate_limits import Clock
from ledgerbridge_writer import WriteConcurrency, Writer


class DestinationExactOnline(Destination):
    def __init__(self, clock: Clock | None = None, today: date | None = None) -> None:
        self._clock = clock  # tests pass the emulator's fast clock
        self._today = today

    def spec(self, logger: logging.Logger) -> ConnectorSpecification:
        return connector_specification()

    def _client(self, config: MutableMapping[str, Any]) -> ExactOnlineClient:
        # The client's authenticator writes rotated tokens into this very mapping and emits it as CONNECTOR_CONFIG.
        return ExactOnlineClient(config, clock=self._clock, logger=http_logger(), name="destination_exact_online")

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        try:
            settings = DestinationConfig(config)
            client = self._client(_mutable(config))
            problems = config_problems(client, settings.division, settings.rules)
        except (ConfigError, ExactOnlineApiError) as error:
            return AirbyteConnectionStatus(status=Status.FAILED, message=str(error))
        except AirbyteTracedException as error:
            return AirbyteConnectionStatus(status=Status.FAILED, message=error.message or "Exact Online refused")
        except Exception as error:  # check reports, it does not crash (Airbyte destination contract)
            return AirbyteConnectionStatus(
                status=Status.FAILED, message=f"Could not reach Exact Online: {type(error).__name__}"
            )
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
        client = self._client(_mutable(config))
        streams = frozenset(configured.stream.name for configured in configured_catalog.streams)
        target = ExactOnlineTarget(settings, client, self._today or date.today(), streams)
        concurrency = WriteConcurrency(
            max_in_flight=settings.max_concurrent_writes,
            calls_per_minute=DIVISION_CALLS_PER_MINUTE,
            throttled=client.pacer.throttled,
        )
        writer = Writer(target, dry_run=settings.dry_run, concurrency=concurrency)
        yield from writer.write(configured_catalog, input_messages)


def _mutable(config: Mapping[str, Any]) -> MutableMapping[str, Any]:
    return config if isinstance(config, MutableMapping) else dict(config)
