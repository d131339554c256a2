"""Dotted paths into JSON records: ``Rows[0].Text``, ``SalesOrderLines[*].Notes``.

Parsed once at config validation; reading and writing at mapping time walks the parsed steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

WILDCARD = "*"
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[(?:\d+|\*)\])*)")
_INDEX = re.compile(r"\[(\d+|\*)\]")

Step = str | int  # a key, a list index, or WILDCARD


@dataclass(frozen=True, slots=True)
class Path:
    text: str
    steps: tuple[Step, ...]

    @property
    def wildcards(self) -> int:
        return sum(1 for s in self.steps if s == WILDCARD)

    def __str__(self) -> str:
        return self.text


def parse_path(text: str) -> Path:
    if not text or text != text.strip():
        raise ValueError(f"path {text!r} is empty or has surrounding spaces")
    steps: list[Step] = []
    for segment in text.split("."):
        match = _SEGMENT.fullmatch(segment)
        if match is None:
            raise ValueError(f"path {text!r}: segment {segment!r} is not a name optionally followed by [n] or [*]")
        steps.append(match.group(1))
        for index in _INDEX.findall(match.group(2)):
            steps.append(WILDCARD if index == WILDCARD else int(index))
    return Path(text, tuple(steps))


SKIP = object()  # a value that leaves its target untouched


def read(record: Any, path: Path) -> list[Any]:
    """All values the path reaches (one per wildcard element); missing steps yield ``None`` for that element."""
    values: list[Any] = [record]
    for step in path.steps:
        following: list[Any] = []
        for value in values:
            if step == WILDCARD:
                following.extend(value if isinstance(value, list) else [])
            elif isinstance(step, int):
                following.append(value[step] if isinstance(value, list) and -len(value) <= step < len(value) else None)
            else:
                following.append(value.get(step) if isinstance(value, dict) else None)
        values = following
    return values


def read_one(record: Any, path: Path) -> Any:
    values = read(record, path)
    return values[0] if len(values) == 1 else values


def write(record: dict[str, Any], path: Path, values: list[Any]) -> None:
    """Write ``values`` along the path; with a wildcard, value *i* goes to list element *i* (which must exist)."""
    _write(record, path.steps, values, 0)


def _write(node: Any, steps: tuple[Step, ...], values: list[Any], position: int) -> int:
    step, rest = steps[0], steps[1:]
    if step == WILDCARD:
        if not isinstance(node, list):
            return position
        for element in node:
            if position >= len(values):
                break
            if rest:
                position = _write(element, rest, values, position)
            else:
                position += 1  # a bare [*] at the end would replace elements, which field maps never do
        return position
    if not rest:
        value = values[position]
        if value is SKIP:
            pass
        elif isinstance(node, dict):
            if isinstance(step, str):
                node[step] = value
        elif isinstance(node, list) and isinstance(step, int) and -len(node) <= step < len(node):
            node[step] = value
        return position + 1
    if isinstance(step, str):
        if not isinstance(node, dict):
            return position
        child = node.get(step)
        if child is None:
            child = [] if rest[0] == WILDCARD or isinstance(rest[0], int) else {}
            node[step] = child
        return _write(child, rest, values, position)
    if isinstance(node, list) and -len(node) <= step < len(node):
        return _write(node[step], rest, values, position)
    return position
