"""A connector config as the platform keeps it: the last CONNECTOR_CONFIG a run printed replaces it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .airbyte_output import Output


class ConfigFile:
    def __init__(self, path: Path, config: dict[str, Any]) -> None:
        self.path = path
        self.write(config)

    def read(self) -> dict[str, Any]:
        config: dict[str, Any] = json.loads(self.path.read_text())
        return config

    def write(self, config: dict[str, Any]) -> None:
        self.path.write_text(json.dumps(config, ensure_ascii=False))

    def absorb(self, output: Output) -> bool:
        """Keeps what the run persisted (a rotated refresh token); True when there was something."""
        rotated = output.last_config()
        if rotated is not None:
            self.write(rotated)
        return rotated is not None
