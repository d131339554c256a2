"""The destination's config, validated once: where Exact is, which division, dry run, and the mapping rules.

Connection keys are parsed by the Exact Online client (one definition for source and destination); the rules by the
mapping package's models. Errors name the setting (``mapping.customers.match_key``), never a secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from destination_exact_online.spec import MAPPING_PROPERTY
from exact_online_client import InvalidConfigError, parse_config
from ledgerbridge_mappings import ExactRules
from ledgerbridge_write_safety.settings_errors import invalid_settings
from ledgerbridge_writer import configured_in_flight

# Exact's 60 calls a minute per division is reached by one write at a time whenever a call takes under a second.
DEFAULT_CONCURRENT_WRITES = 1
MAX_CONCURRENT_WRITES = 8
# The division's minutely budget (the pacer keeps it from the X-RateLimit headers; this sizes the writes in flight).
DIVISION_CALLS_PER_MINUTE = 60


class ConfigError(ValueError):
    """A setting that cannot work; the message names it (``mapping.customers.match_key: …``)."""


class DestinationConfig:
    def __init__(self, config: Mapping[str, Any]) -> None:
        try:
            self.connection = parse_config(config)
        except InvalidConfigError as error:
            raise ConfigError(str(error)) from None
        division = config.get("division")
        if division in (None, ""):
            self.division: int | None = None
        elif isinstance(division, int) and not isinstance(division, bool) and division > 0:
            self.division = division
        else:
            raise ConfigError("division: must be a positive division number, or empty for the current division")
        self.dry_run = bool(config.get("dry_run", False))
        try:
            self.max_concurrent_writes = configured_in_flight(config, DEFAULT_CONCURRENT_WRITES, MAX_CONCURRENT_WRITES)
        except ValueError as error:
            raise ConfigError(str(error)) from None
        try:
            self.rules = ExactRules.model_validate(config.get(MAPPING_PROPERTY) or {})
        except ValidationError as error:
            raise ConfigError(invalid_settings(error, MAPPING_PROPERTY)) from None
