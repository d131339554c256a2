"""The destination's configuration: the shared eAccounting connection keys, ``dry_run``, the writes in flight per
endpoint (``max_concurrent_writes``) and the mapping rules.

Connection keys are parsed by the eAccounting client (one definition for source and destination); the rules by the
mapping package's models. Errors name the setting (``mapping.vat.code_map.0.eaccounting_code``), never a secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from eaccounting_client import InvalidConfigError, parse_config
from ledgerbridge_mappings import EAccountingRules
from ledgerbridge_write_safety.settings_errors import invalid_settings
from ledgerbridge_writer import configured_in_flight

from .spec import MAPPING_PROPERTY

# Enough to keep 600 calls a minute busy at round trips up to about 0.75 s (see ledgerbridge_writer.endpoint_lanes).
DEFAULT_CONCURRENT_WRITES = 10
MAX_CONCURRENT_WRITES = 32


class ConfigError(ValueError):
    """A setting that cannot work; the message names it (``mapping.vat.code_map.0.eaccounting_code: …``)."""


class DestinationConfig:
    def __init__(self, config: Mapping[str, Any]) -> None:
        try:
            self.connection = parse_config(config)
        except InvalidConfigError as error:
            raise ConfigError(str(error)) from None
        dry_run = config.get("dry_run", False)
        if not isinstance(dry_run, bool):
            raise ConfigError("Invalid destination configuration — dry_run: must be true or false")
        self.dry_run: bool = dry_run
        try:
            self.rules = EAccountingRules.model_validate(config.get(MAPPING_PROPERTY) or {})
        except ValidationError as error:
            raise ConfigError("Invalid mapping rules — " + invalid_settings(error, MAPPING_PROPERTY)) from None
        try:
            self.max_concurrent_writes = configured_in_flight(config, DEFAULT_CONCURRENT_WRITES, MAX_CONCURRENT_WRITES)
        except ValueError as error:
            raise ConfigError(f"Invalid destination configuration — {error}") from None
