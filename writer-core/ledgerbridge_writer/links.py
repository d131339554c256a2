"""Filling ids created earlier in the same sync into later request bodies (``PlannedWrite.links``).

A link maps a body path (``"Account"``, ``"Rows[2].ArticleId"``, ``"StockCountLines[0].Item"``) to the ``key`` of
another planned write; once that write has been executed its new id is known and is set at the path.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Mapping
from typing import Any

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class UnresolvedLink(LookupError):
    """The write a link points at was not executed (it failed, or it was never planned)."""

    def __init__(self, path: str, key: str) -> None:
        super().__init__(f"{path}: the object it refers to ({key}) was not created in this sync")
        self.path = path
        self.key = key


def parse_path(path: str) -> list[str | int]:
    steps: list[str | int] = []
    position = 0
    for match in _STEP.finditer(path):
        if match.start() != position and path[position] != ".":
            raise ValueError(f"malformed body path {path!r}")
        steps.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        position = match.end()
        if position < len(path) and path[position] == ".":
            position += 1
    if not steps or position != len(path):
        raise ValueError(f"malformed body path {path!r}")
    return steps


def set_path(body: dict[str, Any], path: str, value: Any) -> None:
    steps = parse_path(path)
    node: Any = body
    for step, following in itertools.pairwise(steps):
        if isinstance(step, int):
            node = node[step]
        else:
            if step not in node or node[step] is None:
                node[step] = [] if isinstance(following, int) else {}
            node = node[step]
    last = steps[-1]
    node[last] = value


def resolve_links(
    body: Mapping[str, Any], links: Mapping[str, str], created: Mapping[str, str], placeholder: bool = False
) -> dict[str, Any]:
    """A copy of ``body`` with every link filled from ``created`` (key → id).

    With ``placeholder`` (dry run) a link to a write that would have been executed is shown as ``<new key>``.
    """
    resolved = copy.deepcopy(dict(body))
    for path, key in links.items():
        if key in created:
            set_path(resolved, path, created[key])
        elif placeholder:
            set_path(resolved, path, f"<new {key}>")
        else:
            raise UnresolvedLink(path, key)
    return resolved
