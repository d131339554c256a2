"""The connection file (``CONNECTION.yaml``): which connector reads, which writes, with which settings, which streams.

Secrets are not in it: each connector's configuration (with its OAuth tokens) stays in its own file, referenced by
path, so the runner can write rotated tokens back there. Mapping rules and ``dry_run`` may be set here; they are laid
over the destination's configuration for the run.
"""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from .schedules import Schedule, ScheduleError

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class ConnectionFileError(ValueError):
    """A connection file that cannot run; the message names the file and each key at fault."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConnectorRef(_Strict):
    connector: str = Field(min_length=1, description="console script on PATH (or a path to one)")
    config: Path = Field(description="JSON or YAML configuration file; rotated tokens are written back to it")


class DestinationRef(ConnectorRef):
    mapping: dict[str, Any] | None = Field(default=None, description="mapping rules, laid over the config's `mapping`")
    dry_run: bool | None = None


class StreamChoice(_Strict):
    name: str = Field(min_length=1)
    sync_mode: Literal["incremental", "full_refresh"] | None = None


class AirbyteConnection(_Strict):
    """An Airbyte instance that runs this connection: ``serve`` starts its sync there instead of a local run."""

    url: str = Field(
        pattern=r"^https?://\S+$", description="the public API root, e.g. https://airbyte.example.com/api/public/v1"
    )
    connection_id: str = Field(min_length=1)
    client_id: str = Field(min_length=1)
    client_secret: SecretStr

    @field_validator("url")
    @classmethod
    def _https(cls, value: str) -> str:
        # The client secret travels to this URL: plain http only where it cannot leave the machine.
        from exact_online_client.webhook_subscriptions import check_callback_url

        check_callback_url(value)
        return value


class Connection(_Strict):
    name: str = Field(pattern=NAME_PATTERN)
    source: ConnectorRef
    destination: DestinationRef
    streams: list[StreamChoice] = Field(min_length=1)
    depends_on: list[str] = Field(default_factory=list)
    schedule: str | None = Field(default=None, description='cron syntax for `serve`, e.g. "*/10 * * * *"')
    every: str | None = Field(default=None, description="an interval for `serve`, e.g. 10m, 2h, 1d")
    airbyte: AirbyteConnection | None = None

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                Schedule.cron(value)
            except ScheduleError as error:
                raise ValueError(str(error)) from None
        return value

    @field_validator("every")
    @classmethod
    def _interval(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                Schedule.interval(value)
            except ScheduleError as error:
                raise ValueError(str(error)) from None
        return value

    @model_validator(mode="after")
    def _one_timing(self) -> Connection:
        if self.schedule is not None and self.every is not None:
            raise ValueError("schedule, every: give one of them, not both")
        return self

    @property
    def timing(self) -> Schedule | None:
        """When ``serve`` runs this connection by the clock (None: only on webhooks or not at all)."""
        if self.schedule is not None:
            return Schedule.cron(self.schedule)
        if self.every is not None:
            return Schedule.interval(self.every)
        return None

    @field_validator("streams", mode="before")
    @classmethod
    def _names_are_shorthand(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"name": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("streams")
    @classmethod
    def _each_stream_once(cls, value: list[StreamChoice]) -> list[StreamChoice]:
        seen: set[str] = set()
        for choice in value:
            if choice.name in seen:
                raise ValueError(f"stream {choice.name!r} is listed twice")
            seen.add(choice.name)
        return value


class ActivityLogSettings(_Strict):
    retention_days: int = Field(default=30, ge=1)


class WebhookSettings(_Strict):
    """Exact Online webhooks for ``serve``: where Exact reaches the service, and the app's secret that signs them."""

    callback_url: str = Field(description="public https URL of `serve`'s root (a reverse proxy in front of it)")
    secret: SecretStr = Field(description="the app's webhook secret (Exact App Center); signs every callback")
    debounce_seconds: float = Field(default=2.0, ge=0, le=300, description="events within this window: one run")

    @field_validator("callback_url")
    @classmethod
    def _https(cls, value: str) -> str:
        from exact_online_client.webhook_subscriptions import check_callback_url

        check_callback_url(value)
        return value.rstrip("/")


class ExactBudgetSettings(_Strict):
    """Exact Online's per-division call budget, and how much of it ``serve`` leaves untouched."""

    daily_limit: int = Field(default=5000, ge=1)
    reserve: int = Field(default=250, ge=0, description="below this many calls left today, scheduled runs wait")


class ConnectionFile(_Strict):
    connections: list[Connection] = Field(min_length=1)
    notify: list[str] = Field(default_factory=list, description="apprise URLs told about every failure")
    activity_log: ActivityLogSettings = Field(default_factory=ActivityLogSettings)
    webhooks: WebhookSettings | None = None
    exact_budget: ExactBudgetSettings = Field(default_factory=ExactBudgetSettings)

    @model_validator(mode="after")
    def _names_and_dependencies(self) -> ConnectionFile:
        names = [c.name for c in self.connections]
        for index, name in enumerate(names):
            if names.index(name) != index:
                raise ValueError(f"connections[{index}].name: {name!r} is used by another connection")
        for index, connection in enumerate(self.connections):
            for position, needed in enumerate(connection.depends_on):
                if needed not in names:
                    raise ValueError(f"connections[{index}].depends_on[{position}]: no connection is named {needed!r}")
        return self

    def in_dependency_order(self, only: set[str] | None = None, with_dependencies: bool = True) -> list[Connection]:
        """Connections ordered so each runs after those it depends on; file order breaks ties."""
        by_name = {c.name: c for c in self.connections}
        unknown = sorted((only or set()) - set(by_name))
        if unknown:
            raise ConnectionFileError(f"no connection is named {unknown[0]!r} (there are: {', '.join(by_name)})")
        wanted = set(only or by_name)
        if only and with_dependencies:
            wanted = _with_dependencies(only, by_name)
        sorter: TopologicalSorter[str] = TopologicalSorter()
        for connection in self.connections:
            if connection.name in wanted:
                sorter.add(connection.name, *(d for d in connection.depends_on if d in wanted))
        try:
            sorter.prepare()
        except CycleError as error:
            cycle = " -> ".join(error.args[1])
            raise ConnectionFileError(
                f"depends_on: the connections depend on each other in a circle: {cycle}"
            ) from None
        # File order wherever the dependencies allow it: the next connection is the first one whose needs have run.
        ordered: list[Connection] = []
        pending = [c for c in self.connections if c.name in wanted]
        while pending:
            done = {c.name for c in ordered}
            ready = next(c for c in pending if all(d in done for d in c.depends_on if d in wanted))
            ordered.append(ready)
            pending.remove(ready)
        return ordered


def _with_dependencies(names: set[str], by_name: dict[str, Connection]) -> set[str]:
    pending, found = list(names), set()
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.add(name)
        pending.extend(by_name[name].depends_on)
    return found


def _where(location: tuple[Any, ...], document: Any) -> str:
    """``connections[1].source.config`` (with the connection's name when it has one), from a pydantic location."""
    parts: list[str] = []
    node = document
    for step in location:
        if isinstance(step, int):
            parts[-1] = f"{parts[-1]}[{step}]"
            node = node[step] if isinstance(node, list) and step < len(node) else None
            if parts[-1].startswith("connections[") and isinstance(node, dict) and node.get("name"):
                parts[-1] += f" ({node['name']})"
        elif step in ("StreamChoice", "str") or step.startswith(("function-", "list[", "dict[")):
            continue
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


def load_connection_file(path: Path) -> ConnectionFile:
    """Parses and checks the file; connector config paths are made absolute (relative to the connection file)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConnectionFileError(f"{path}: file not found") from None
    except UnicodeDecodeError as error:
        raise ConnectionFileError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    except OSError as error:
        raise ConnectionFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    except yaml.YAMLError as error:
        raise ConnectionFileError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(document, dict):
        raise ConnectionFileError(f"{path}: must be a mapping with a `connections` list")
    try:
        parsed = ConnectionFile.model_validate(document)
    except ValidationError as error:
        problems = []
        for problem in error.errors(include_url=False, include_input=False):
            message = problem["msg"].removeprefix("Value error, ")
            if problem["type"] == "extra_forbidden":
                message = "unknown key (check its spelling)"
            where = _where(problem["loc"], document)
            problems.append(
                message if message.startswith("connections[") and not problem["loc"] else f"{where}: {message}"
            )
        raise ConnectionFileError(f"{path}: " + "; ".join(problems)) from None
    folder = path.resolve().parent
    connections, missing = [], []
    for index, connection in enumerate(parsed.connections):
        resolved = {}
        for role in ("source", "destination"):
            ref = getattr(connection, role)
            config = ref.config if ref.config.is_absolute() else folder / ref.config
            if not config.is_file():
                missing.append(f"connections[{index}] ({connection.name}).{role}.config: file not found: {config}")
            resolved[role] = ref.model_copy(update={"config": config})
        connections.append(connection.model_copy(update=resolved))
    if missing:
        raise ConnectionFileError(f"{path}: " + "; ".join(missing))
    return parsed.model_copy(update={"connections": connections})
