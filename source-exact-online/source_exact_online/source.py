"""The Airbyte source: builds one stream per Exact Online resource for the configured divisions."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from airbyte_cdk.models import AirbyteMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog, FailureType
from airbyte_cdk.sources import AbstractSource
from airbyte_cdk.sources.streams import Stream
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from exact_online_client import ExactOnlineClient, ExactOnlineConnection, ExactRateLimitPacer, InvalidConfigError
from exact_online_client.rate_limits import Clock
from source_exact_online.divisions import DivisionResolver
from source_exact_online.endpoints import ENDPOINTS
from source_exact_online.streams import ExactOnlineStream


class SourceExactOnline(AbstractSource):
    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__()
        self._clock = clock
        self._selected_fields: dict[str, list[str]] = {}
        self._client: ExactOnlineClient | None = None

    def _client_for(self, config: Mapping[str, Any]) -> ExactOnlineClient:
        # One client (one authenticator, one pacer) per run: every stream shares the refresh-token chain and budget.
        if self._client is None:
            try:
                self._client = ExactOnlineClient(config, clock=self._clock)  # type: ignore[arg-type]
            except InvalidConfigError as error:
                raise AirbyteTracedException(
                    message=f"The Exact Online configuration is invalid: {error}",
                    failure_type=FailureType.config_error,
                ) from None
        return self._client

    def configure(self, config: Mapping[str, Any], temp_dir: str) -> Mapping[str, Any]:
        """The config as given: the CDK's default copies it (live tokens and all) into a temporary file, which a killed
        process leaves behind on disk."""
        return config

    def check_connection(self, logger: logging.Logger, config: Mapping[str, Any]) -> tuple[bool, Any]:
        client = self._client_for(config)
        resolver = DivisionResolver(client, config.get("divisions") or [])
        missing = resolver.inaccessible()
        if missing:
            names = ", ".join(str(division) for division in missing)
            return False, (
                f"The authorising Exact Online user cannot access division(s) {names}. Remove them from 'divisions' "
                "or grant the user access to those companies."
            )
        return True, None

    def streams(self, config: Mapping[str, Any]) -> list[Stream]:
        client = self._client_for(config)
        connection: ExactOnlineConnection = client.connection
        pacer: ExactRateLimitPacer = client.pacer
        resolver = DivisionResolver(client, config.get("divisions") or [])
        return [
            ExactOnlineStream(
                endpoint,
                connection,
                resolver,
                client.authenticator,
                pacer,
                selected_fields=self._selected_fields.get(endpoint.stream),
            )
            for endpoint in ENDPOINTS
        ]

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: list[AirbyteStateMessage] | None = None,
    ) -> Iterator[AirbyteMessage]:
        # Only the columns the user selected are requested ($select): the configured catalog carries them.
        self._selected_fields = {
            configured.stream.name: list((configured.stream.json_schema or {}).get("properties") or {})
            for configured in catalog.streams
            if (configured.stream.json_schema or {}).get("properties")
        }
        yield from super().read(logger, config, catalog, state)
