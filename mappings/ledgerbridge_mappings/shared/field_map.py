"""Applies a configured field map to a request body, after the built-in rules have produced it."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ledgerbridge_mappings.shared import paths
from ledgerbridge_mappings.shared.rules.field_map import FieldMapEntry
from ledgerbridge_mappings.shared.transforms import apply_transform


@lru_cache(maxsize=256)
def _parsed(text: str) -> paths.Path:
    return paths.parse_path(text)


def apply_field_map(entries: Sequence[FieldMapEntry], source: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Copy each entry's source value(s) through its transforms into ``body`` (changed in place and returned).

    A transform that cannot handle a value raises ``RecordRejected`` naming the target field.
    """
    for entry in entries:
        source_path, target_path = _parsed(entry.source), _parsed(entry.target)
        values = paths.read(source, source_path)
        out: list[Any] = []
        for index, value in enumerate(values):
            field_name = entry.target.replace("[*]", f"[{index}]")
            for transform in entry.transforms:
                value = apply_transform(transform, value, source, field_name)
            # A missing source never blanks a field the rules filled.
            out.append(paths.SKIP if value is None else value)
        if out:
            paths.write(body, target_path, out)
    return body
