"""``ledgerbridge webhooks subscribe|unsubscribe FILE``: Exact's webhook subscriptions for the file's connections.

One subscription per division and topic (Exact allows no second one), pointing at ``{webhooks.callback_url}/webhooks/
exact``; the service routes each event to the connections reading that topic. The calls go through
exact_online_client with the source's own config file, under that file's run lock (one refresh-token chain), and a
rotated token is written back to the file at once.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exact_online_client import ExactOnlineClient
from exact_online_client.webhook_subscriptions import list_subscriptions, subscribe, unsubscribe

from .config_files import ConnectorConfigFile, read_config
from .connection_file import ConnectionFile, ConnectionFileError
from .home import DataHome
from .run_lock import run_lock
from .serve_http import WEBHOOK_PREFIX
from .webhook_topics import topics_of

DESCRIPTION = "ledgerbridge serve"
# The client logs the way a connector does (Airbyte LOG lines on stdout); a command prints its own lines instead.
_QUIET = logging.getLogger("ledgerbridge.webhooks.exact")
_QUIET.propagate = False


@dataclass(frozen=True)
class SubscriptionChange:
    config: Path
    division: int
    topic: str
    action: str  # "subscribed", "already subscribed", "removed"


def callback_url(path: Path, connections: ConnectionFile) -> str:
    if connections.webhooks is None:
        raise ConnectionFileError(f"{path}: webhooks: missing (callback_url and secret are needed to subscribe)")
    return connections.webhooks.callback_url + WEBHOOK_PREFIX


def topics_by_config(connections: ConnectionFile) -> dict[Path, set[str]]:
    found: dict[Path, set[str]] = {}
    for connection in connections.connections:
        topics = topics_of(connection)
        if topics:
            found.setdefault(connection.source.config, set()).update(topics)
    return found


def subscribe_all(path: Path, connections: ConnectionFile, home: DataHome) -> list[SubscriptionChange]:
    url = callback_url(path, connections)
    changes = []
    for config_path, topics in topics_by_config(connections).items():
        with _client(config_path, home) as (client, divisions):
            for division in divisions:
                existing = {(s.topic, s.callback_url) for s in list_subscriptions(client, division)}
                for topic in sorted(topics):
                    made = subscribe(client, division, topic, url, DESCRIPTION)
                    action = "already subscribed" if (topic, url) in existing else "subscribed"
                    changes.append(SubscriptionChange(config_path, made.division, topic, action))
    return changes


def unsubscribe_all(path: Path, connections: ConnectionFile, home: DataHome) -> list[SubscriptionChange]:
    url = callback_url(path, connections)
    changes = []
    for config_path in topics_by_config(connections):
        with _client(config_path, home) as (client, divisions):
            for division in divisions:
                for subscription in list_subscriptions(client, division):
                    if subscription.callback_url == url:
                        unsubscribe(client, subscription)
                        changes.append(SubscriptionChange(config_path, division, subscription.topic, "removed"))
    return changes


@contextlib.contextmanager
def _client(config_path: Path, home: DataHome) -> Iterator[tuple[ExactOnlineClient, list[int]]]:
    """The Exact client on this config file, its token chain locked; rotated tokens are saved when done."""
    with run_lock(home.locks, [], [config_path], wait=60, command="ledgerbridge webhooks"):
        config: dict[str, Any] = read_config(config_path)
        before = repr(config.get("credentials"))
        # The CDK authenticator announces a rotated token as a CONTROL message on stdout, meant for a platform;
        # here the token goes straight into the file instead.
        pacer_logger = logging.getLogger("airbyte")  # the pacer's budget lines are for a runner reading a connector
        level = pacer_logger.level
        pacer_logger.setLevel(logging.WARNING)
        with contextlib.redirect_stdout(io.StringIO()):
            client = ExactOnlineClient(config, logger=_QUIET)
            try:
                listed = config.get("divisions")
                divisions = [int(d) for d in listed] if isinstance(listed, list) and listed else []
                if not divisions:
                    division = config.get("division")
                    divisions = [int(division)] if division is not None else [client.current_division()]
                yield client, divisions
            finally:
                pacer_logger.setLevel(level)
                if repr(config.get("credentials")) != before:
                    ConnectorConfigFile(config_path).absorb_rotated(config)
