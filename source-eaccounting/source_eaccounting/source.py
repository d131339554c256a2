"""The Airbyte source: configuration check and the list of streams."""

from __future__ import annotations

import logging
from collections.abc import Mapping, MutableMapping
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.sources import AbstractSource
from airbyte_cdk.sources.streams import Stream
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from eaccounting_client import EAccountingApiError, EAccountingClient, InvalidConfigError

from .streams import ALL_STREAMS


def _client(config: Mapping[str, Any], logger: logging.Logger | None = None) -> EAccountingClient:
    if not isinstance(config, MutableMapping):
        config = dict(config)
    try:
        # The client keeps this very mapping: token rotations are written into it and emitted from it.
        return EAccountingClient(config, logger=logger)
    except InvalidConfigError as exc:
        raise AirbyteTracedException(message=str(exc), failure_type=FailureType.config_error) from None


class SourceEAccounting(AbstractSource):
    def configure(self, config: Mapping[str, Any], temp_dir: str) -> Mapping[str, Any]:
        """The config as given: the CDK's default copies it (live tokens and all) into a temporary file, which a killed
        process leaves behind on disk."""
        return config

    def check_connection(self, logger: logging.Logger, config: Mapping[str, Any]) -> tuple[bool, Any]:
        try:
            client = _client(config, logger)
            # Company settings: proves the token, the API module and the sales read scope in one call.
            settings = client.get("companysettings")
            client.get("fiscalyears", {"$page": 1, "$pagesize": 1})  # and the accounting/fiscal-year side
        except AirbyteTracedException as exc:
            if exc.failure_type == FailureType.config_error:
                return False, exc.message
            raise
        except EAccountingApiError as exc:
            return False, str(exc)
        logger.info(f"Connected to eAccounting company {settings.get('Name')!r}")
        return True, None

    def streams(self, config: Mapping[str, Any]) -> list[Stream]:
        client = _client(config)
        return [stream_class(client) for stream_class in ALL_STREAMS]
