"""Fault injection per route: the failures real networks and real APIs produce, at rates a test chooses."""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import dataclass

KINDS = ("429", "500", "503", "slow", "timeout", "drop", "500-after", "drop-after")
STATUS_KINDS = ("429", "500", "503")
# Faults that strike once the API has handled the request (and committed any write): the client loses an answer to a
# request that took effect, which is what a retried POST turns into a duplicate.
AFTER_KINDS = ("500-after", "drop-after")
# A read changes nothing, so an answer lost "after" it is no different from one lost before: after-faults strike writes.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class FaultRule:
    kind: str
    rate: float
    path_glob: str = "*"

    @classmethod
    def parse(cls, text: str) -> FaultRule:
        """Reads ``KIND:RATE[:PATH_GLOB]``, e.g. ``429:0.1:*/salesorder/*`` or ``drop:0.05``."""
        parts = text.split(":", 2)
        if len(parts) < 2:
            raise ValueError(f"fault rule {text!r}: expected KIND:RATE[:PATH_GLOB]")
        kind, rate_text = parts[0].strip(), parts[1].strip()
        if kind not in KINDS:
            raise ValueError(f"fault rule {text!r}: kind must be one of {', '.join(KINDS)}")
        try:
            rate = float(rate_text)
        except ValueError:
            raise ValueError(f"fault rule {text!r}: rate {rate_text!r} is not a number") from None
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rule {text!r}: rate must be between 0 and 1")
        return cls(kind=kind, rate=rate, path_glob=parts[2].strip() if len(parts) == 3 and parts[2].strip() else "*")

    def __str__(self) -> str:
        return f"{self.kind}:{self.rate}:{self.path_glob}"


class FaultPlan:
    """Decides, per request, which fault (if any) to inject; seeded so a failing run can be replayed."""

    def __init__(self, rules: list[FaultRule] | None = None, seed: int = 1) -> None:
        self._rules = list(rules or [])
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    @classmethod
    def parse(cls, texts: list[str] | None, seed: int = 1) -> FaultPlan:
        return cls([FaultRule.parse(text) for text in texts or []], seed)

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def replace(self, rules: list[FaultRule]) -> None:
        with self._lock:
            self._rules = list(rules)

    def pick(self, path: str, method: str = "GET") -> str | None:
        with self._lock:
            for rule in self._rules:
                if rule.kind in AFTER_KINDS and method.upper() in READ_METHODS:
                    continue
                if fnmatch.fnmatchcase(path, rule.path_glob) and self._random.random() < rule.rate:
                    return rule.kind
        return None
