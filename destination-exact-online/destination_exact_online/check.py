"""``check``: the credentials work and the rules fit this Exact division, or a message naming the setting that does
not. Reads only the reference data the configured rules name (``ExactState.for_check``), a few calls at most."""

from __future__ import annotations

from destination_exact_online.lookups import ExactState
from destination_exact_online.spec import MAPPING_PROPERTY
from exact_online_client import ExactOnlineClient
from ledgerbridge_mappings import ExactRules, check_exact_rules


def config_problems(client: ExactOnlineClient, division: int | None, rules: ExactRules) -> list[str]:
    """Each setting that cannot work for this division, by its path in the config (``mapping.vat.…: …``)."""
    division = division or client.current_division()
    lookups = ExactState(client, division, rules).for_check()
    return [f"{MAPPING_PROPERTY}.{p.setting}: {p.message}" for p in check_exact_rules(rules, lookups)]
