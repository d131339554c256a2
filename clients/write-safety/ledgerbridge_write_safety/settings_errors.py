"""How every ledgerbridge package words a configuration pydantic refused: each setting at fault by its dotted path,
with pydantic's reason, and never the value given (it may be a secret)."""

from __future__ import annotations

from pydantic import ValidationError

# pydantic names the validator step in the location of an error an after-validator raised; a user never wrote it.
_NOT_SETTINGS = frozenset({"function-after"})


def invalid_settings(error: ValidationError, root: str = "") -> str:
    """``mapping.stock.calculation: Input should be …; mapping.items.colour: Extra inputs are not permitted``."""
    problems = []
    for problem in error.errors(include_url=False, include_input=False):
        parts = [root] if root else []
        parts += [str(part) for part in problem["loc"] if part not in _NOT_SETTINGS]
        problems.append(f"{'.'.join(parts) or 'config'}: {problem['msg']}")
    return "; ".join(problems)
