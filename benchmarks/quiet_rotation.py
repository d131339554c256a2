"""Connector clients driven inside a benchmark process print each token rotation as a CONNECTOR_CONFIG message, new
tokens included, on stdout, where a platform would keep them. A benchmark has no platform and its stdout is a log,
which must never carry a secret; the rotated tokens still reach the config dict the client was given.

Use it as ``with quiet_rotation():`` around client calls, or as ``@quiet_rotation()`` on a function that drives one."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout


@contextmanager
def quiet_rotation() -> Iterator[None]:
    with redirect_stdout(io.StringIO()):
        yield
