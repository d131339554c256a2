"""Secret masking for connector output that never garbles ordinary words.

The CDK masks the configured secrets (and every access token it refreshes) in each log line, trace and error by
replacing every substring equal to a secret with ``****``. A short secret then rewrites ordinary text: with a client
secret ``e``, "Connection refused" becomes "Conn****ction ****fus****d", and a user can no longer read why a check
failed. Here a secret is masked where it stands as a token of its own: not glued to a letter, a digit, an underscore
or (before it) a backslash, so JSON escapes such as ``\\n`` stay intact. A real secret is a random string that appears
in output only as a whole value (``token=…``, ``"…"``, ``Bearer …``), so whole-token masking hides every real leak.
Longer secrets are masked first, so one secret that contains another is hidden whole.

The CDK keeps its secret list in ``airbyte_cdk.utils.airbyte_secrets_utils`` and each of its modules imports
``filter_secrets`` by name; ``install`` rebinds that name wherever it was imported, so the CDK's own call sites (the
log formatter, traced exceptions, HTTP error messages, the OAuth authenticator) all use this masking.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache

from airbyte_cdk.utils import airbyte_secrets_utils

MASK = "****"
_SECRETS_GLOBAL = "__SECRETS_FROM_CONFIG"  # module-level name (not mangled) the CDK's update_secrets rebinds
_WORD = re.compile(r"\w")


def mask_secrets(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every whole-token occurrence of any of ``secrets`` replaced by ``MASK``."""
    pattern = _pattern(tuple(sorted({s for s in secrets if s}, key=len, reverse=True)))
    return pattern.sub(MASK, text) if pattern is not None else text


def filter_configured_secrets(string: str) -> str:
    """Drop-in for the CDK's ``filter_secrets``: masks the secrets the CDK collected from the config and tokens."""
    secrets = airbyte_secrets_utils.__dict__.get(_SECRETS_GLOBAL) or []
    return mask_secrets(string, tuple(str(secret) for secret in secrets))


def install() -> None:
    """Make every CDK call site mask with ``filter_configured_secrets``; call once at process start, before
    ``launch``. Modules imported later bind the replacement through ``airbyte_secrets_utils`` itself."""
    original = airbyte_secrets_utils.filter_secrets
    if original is filter_configured_secrets:
        return
    for module in list(sys.modules.values()):
        if getattr(module, "filter_secrets", None) is original:
            module.filter_secrets = filter_configured_secrets  # type: ignore[attr-defined]


@lru_cache(maxsize=32)
def _pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    if not secrets:
        return None
    return re.compile("|".join(_token(secret) for secret in secrets))


def _token(secret: str) -> str:
    # The boundary applies only at an edge that is itself a word character: a secret ending in "=" is hidden in "…=x".
    before = r"(?<![\w\\])" if _WORD.match(secret[0]) else ""
    after = r"(?!\w)" if _WORD.match(secret[-1]) else ""
    return f"{before}{re.escape(secret)}{after}"
