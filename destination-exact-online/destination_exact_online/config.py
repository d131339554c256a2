"""The destination's config, validated once: where Exact is, which division, dry run, and the mapping rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from exact_online_client import ExactOnlineConnection
from ledgerbridge_mappings import ExactRules

# Exact's 60 calls a minute per division is reached by one write at a time whenever a call takes under a second.
DEFAULT_CONCURRENT_WRITES = 1
MAX_CONCURRENT_WRITES = 8
# The division's minutely budget (the pacer keeps it from the X-RateLimit headers; this sizes the writes in flight).
DIVISION_CALLS_PER_MINUTE = 60


class ConfigError(ValueError):
    """A setting that cannot work; the message names it (``mapping.customers.match_key: …``)."""


def _setting_of(error: dict[str, Any], prefix: str) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()) if part not in ("function-after",))
    return f"{prefix}.{location}" if location else prefix


class DestinationConfig:
    def __init__(self, config: Mapping[str, Any]) -> None:
        try:
            self.connection = ExactOnlineConnection.model_validate(config)
        except ValidationError as error:
            first = error.errors()[0]
            raise ConfigError(f"{_setting_of(first, 'config').removeprefix('config.')}: {first['msg']}") from None
        division = config.get("division")
        if division in (None, ""):
            self.division: int | None = None
        elif isinstance(division, int) and not isinstance(division, bool) and division > 0:
            self.division = division
        else:
            raise ConfigError("division: must be a positive division number, or empty for the current division")
        self.dry_run = bool(config.get("dry_run", False))
        in_flight = config.get("max_concurrent_writes", DEFAULT_CONCURRENT_WRITES)
        if isinstance(in_flight, bool) or not isinstance(in_flight, int) or not 1 <= in_flight <= MAX_CONCURRENT_WRITES:
            raise ConfigError(f"max_concurrent_writes: must be a whole number from 1 to {MAX_CONCURRENT_WRITES}")
        self.max_concurrent_writes = in_flight
        try:
            self.rules = ExactRules.model_validate(config.get("mapping") or {})
        except ValidationError as error:
            first = error.errors()[0]
            raise ConfigError(f"{_setting_of(first, 'mapping')}: {first['msg']}") from None
