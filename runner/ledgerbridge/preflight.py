"""Everything a run needs, checked before any connector reads data, every problem at once, each with its key path.

- each connector config file: readable, UTF-8, one JSON/YAML object, and valid against the connector's own spec
  (``CONNECTOR spec``, the platform's contract): missing keys, wrong types, bad enum values, and keys the spec does not
  know at any depth (a misspelt key would otherwise be silently ignored);
- the destination's mapping rules (the connection file's ``mapping`` laid over the config's) against the mappings
  package's rule models, which forbid unknown keys: ``connections[0] (orders).destination.mapping.documents.targt:
  unknown key``.

Values are never quoted in the messages: a wrong value may be a secret.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError as SchemaError
from pydantic import BaseModel
from pydantic import ValidationError as RulesError

from ledgerbridge_mappings import EAccountingRules, ExactRules

from .config_files import ConfigFileError
from .connection_file import Connection, ConnectionFile, ConnectionFileError
from .connector import ConnectorError, spec
from .home import DataHome
from .pipe import config_files_of

MAPPING = "mapping"
# The destinations whose rules this runner knows; any other destination's mapping is checked by its spec alone.
RULE_MODELS: dict[str, type[BaseModel]] = {
    "destination-eaccounting": EAccountingRules,
    "destination-exact-online": ExactRules,
}


class PreflightError(ConnectionFileError):
    """The run cannot start; ``problems`` lists every one found, each starting with its key path."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{path}: {len(self.problems)} problem(s), nothing was run:\n{lines}")


def preflight(path: Path, connection_file: ConnectionFile, connections: Sequence[Connection], home: DataHome) -> None:
    """Raises :class:`PreflightError` naming every problem of these connections' configs and rules."""
    problems: list[str] = []
    connectors = sorted({ref.connector for c in connections for ref in (c.source, c.destination)})
    schemas = _schemas(connectors, home)
    for connection in connections:
        where = f"connections[{connection_file.connections.index(connection)}] ({connection.name})"
        source_file, destination_file = config_files_of(connection)
        for role, ref, config_file in (
            ("source", connection.source, source_file),
            ("destination", connection.destination, destination_file),
        ):
            try:
                config = config_file.effective()
            except ConfigFileError as error:
                problems.append(f"{where}.{role}.config: {error}")
                continue
            schema = schemas[ref.connector]
            if isinstance(schema, str):
                problems.append(f"{where}.{role}.connector: {schema}")
                continue
            model = RULE_MODELS.get(ref.connector) if role == "destination" else None
            label = f"{where}.{role}.config ({ref.config.name})"
            problems += [f"{label}.{p}" for p in config_problems(config, schema, skip=MAPPING if model else None)]
            if model is not None:
                rules_from = f"{where}.destination.mapping" if MAPPING in config_file.overlay else f"{label}.mapping"
                problems += [f"{rules_from}{p}" for p in rules_problems(config.get(MAPPING) or {}, model)]
    if problems:
        raise PreflightError(path, problems)


def _schemas(connectors: Sequence[str], home: DataHome) -> dict[str, dict[str, Any] | str]:
    """Each connector's config schema from its ``spec`` (all at once: each is a process start), or why not."""

    def one(connector: str) -> dict[str, Any] | str:
        try:
            schema: dict[str, Any] = spec(connector, home.logs / f"spec-{Path(connector).name}.log")[
                "connectionSpecification"
            ]
            return schema
        except ConnectorError as error:
            return str(error)

    with ThreadPoolExecutor(max_workers=max(len(connectors), 1)) as pool:
        return dict(zip(connectors, pool.map(one, connectors), strict=True))


def config_problems(config: Mapping[str, Any], schema: Mapping[str, Any], skip: str | None = None) -> list[str]:
    """``key.path: what is wrong`` for each schema violation and each key the schema does not describe."""
    found = []
    for error in Draft7Validator(schema).iter_errors(config):
        path = list(error.absolute_path)
        if skip is not None and path[:1] == [skip]:
            continue
        found.append(_schema_problem(path, error))
    found += [f"{_dotted(path)}: unknown key (check its spelling)" for path in _unknown_keys(config, schema, [], skip)]
    return sorted(set(found))


def rules_problems(rules: Any, model: type[BaseModel]) -> list[str]:
    """``.documents.targt: unknown key`` (the leading dot joins it to the place the rules came from)."""
    try:
        model.model_validate(rules)
    except RulesError as error:
        found = []
        for problem in error.errors(include_url=False, include_input=False):
            message = problem["msg"].removeprefix("Value error, ")
            if problem["type"] == "extra_forbidden":
                message = "unknown key (check its spelling)"
            location = _dotted(list(problem["loc"]))
            found.append(f".{location}: {message}" if location else f": {message}")
        return found
    return []


def _schema_problem(path: list[str | int], error: SchemaError) -> str:
    """The violation in words, without the offending value."""
    kind, expected = error.validator, error.validator_value
    if kind == "required":
        wanted: list[str] = list(expected) if isinstance(expected, list) else []
        missing = [key for key in wanted if isinstance(error.instance, dict) and key not in error.instance]
        return f"{_dotted([*path, missing[0]] if missing else path)}: missing (required)"
    texts = {
        "type": f"wrong type: should be {' or '.join(expected) if isinstance(expected, list) else expected}",
        "enum": f"should be one of {', '.join(repr(v) for v in expected)}" if isinstance(expected, list) else "",
        "const": f"should be {expected!r}",
        "pattern": f"does not match the pattern {expected}",
        "minLength": f"too short (at least {expected} characters)",
        "maxLength": f"too long (at most {expected} characters)",
        "minimum": f"too small (at least {expected})",
        "maximum": f"too large (at most {expected})",
        "minItems": f"needs at least {expected} item(s)",
        "format": f"not a valid {expected}",
    }
    return f"{_dotted(path) or '(top level)'}: {texts.get(str(kind)) or f'not valid ({kind})'}"


def _unknown_keys(value: Any, schema: Any, path: list[str | int], skip: str | None) -> Iterator[list[str | int]]:
    if not isinstance(schema, Mapping):
        return
    if isinstance(value, dict):
        properties = _properties(schema)
        extra = schema.get("additionalProperties")
        if properties is None or isinstance(extra, Mapping) or schema.get("patternProperties"):
            return  # a free-form object or a map of names to values: any key is fine
        for key, item in value.items():
            if not path and key == skip:
                continue
            if key in properties:
                yield from _unknown_keys(item, properties[key], [*path, key], skip)
            else:
                yield [*path, key]
    elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for index, item in enumerate(value):
            yield from _unknown_keys(item, schema["items"], [*path, index], skip)


def _properties(schema: Mapping[str, Any]) -> dict[str, Any] | None:
    """The keys an object may have; for ``oneOf``/``anyOf`` the keys of any branch."""
    if "properties" in schema:
        return dict(schema["properties"])
    branches = [b for b in schema.get("oneOf", []) + schema.get("anyOf", []) if isinstance(b, Mapping)]
    listed = [dict(b["properties"]) for b in branches if "properties" in b]
    if not listed:
        return None
    merged: dict[str, Any] = {}
    for properties in listed:
        for key, item in properties.items():
            merged.setdefault(key, item)
    return merged


def _dotted(path: Sequence[str | int]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text
