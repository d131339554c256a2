"""The config file a package's ``acceptance-test-config.yml`` names for the CDK's standard tests.

It only exists while a test session has an emulator running for it (the file is git-ignored): written when the
session starts, removed when it ends, so no stale config of a stopped emulator is ever read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def acceptance_config(path: Path, config: dict[str, Any]) -> Iterator[Path]:
    path.write_text(json.dumps(config, indent=2))
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
