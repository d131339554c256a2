"""The destination's config, validated once: where Exact is, which division, dry run, and the mapping rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from exact_online_client import ExactOnlineConnection
from ledgerbridge_mappings import ExactRules


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
        try:
            self.rules = ExactRules.model_validate(config.get("mapping") or {})
        except ValidationError as error:
            first = error.errors()[0]
            raise ConfigError(f"{_setting_of(first, 'mapping')}: {first['msg']}") from None
