"""The destination's configuration: the shared eAccounting connection keys, ``dry_run``, the writes in flight per
endpoint (``max_concurrent_writes``) and the mapping rules.

Connection keys are parsed by the eAccounting client (one definition for source and destination); the rules by the
mapping package's models. Errors name the setting (``mapping.vat.code_map.0.eaccounting_code``), never a secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from eaccounting_client import EAccountingConfig, InvalidConfigError, parse_config
from ledgerbridge_mappings import EAccountingRules

from .spec import MAPPING_PROPERTY

# Enough to keep 600 calls a minute busy at round trips up to about 0.75 s (see ledgerbridge_writer.endpoint_lanes).
DEFAULT_CONCURRENT_WRITES = 10
MAX_CONCURRENT_WRITES = 32


@dataclass(frozen=True)
class DestinationSettings:
    connection: EAccountingConfig
    rules: EAccountingRules
    dry_run: bool
    max_concurrent_writes: int = DEFAULT_CONCURRENT_WRITES


def parse_settings(config: Mapping[str, Any]) -> DestinationSettings:
    """Raises ``InvalidConfigError`` naming each setting that cannot work."""
    connection = parse_config(config)
    dry_run = config.get("dry_run", False)
    if not isinstance(dry_run, bool):
        raise InvalidConfigError("Invalid destination configuration — dry_run: must be true or false")
    in_flight = config.get("max_concurrent_writes", DEFAULT_CONCURRENT_WRITES)
    if isinstance(in_flight, bool) or not isinstance(in_flight, int) or not 1 <= in_flight <= MAX_CONCURRENT_WRITES:
        raise InvalidConfigError(
            "Invalid destination configuration — max_concurrent_writes: "
            f"must be a whole number from 1 to {MAX_CONCURRENT_WRITES}"
        )
    try:
        rules = EAccountingRules.model_validate(config.get(MAPPING_PROPERTY) or {})
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            where = ".".join(str(part) for part in (MAPPING_PROPERTY, *error["loc"]))
            problems.append(f"{where}: {error['msg']}")
        raise InvalidConfigError("Invalid mapping rules — " + "; ".join(problems)) from None
    return DestinationSettings(connection, rules, dry_run, in_flight)
