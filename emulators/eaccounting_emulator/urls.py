"""Routing: one werkzeug rule per operation of the official description (spec_schemas.OPERATIONS).

The real API matches paths case-insensitively (clients call ``/v2/accounttypes`` and ``/v2/Customers``), so rules
are lower-cased and so is every path before matching.
"""

from __future__ import annotations

import re
from typing import Any

from werkzeug.routing import Map, Rule

from eaccounting_emulator.spec_schemas import OPERATIONS

TOKEN_PATH = "/connect/token"  # noqa: S105 - a URL path, not a secret
AUTHORIZE_PATH = "/connect/authorize"


def operation_key(operation: dict[str, Any]) -> str:
    return f"{operation['method']} {operation['path']}"


def build_map() -> Map:
    rules = []
    for operation in OPERATIONS:
        template = "".join(
            f"<{piece[1:-1]}>" if piece.startswith("{") else piece.lower()
            for piece in re.split(r"(\{\w+\})", operation["path"])
        )
        rules.append(Rule(template, endpoint=operation_key(operation), methods=[operation["method"]]))
    return Map(rules, strict_slashes=False, merge_slashes=True)


OPERATIONS_BY_KEY = {operation_key(operation): operation for operation in OPERATIONS}
