"""Exact Online webhooks on the wire: ``webhooks/WebhookSubscriptions`` and the signed callbacks Exact sends.

A subscription is per division and topic (``Topic``, ``CallbackURL``); Exact POSTs an empty body to the callback
before it keeps one, and answers a second subscription of a topic with 500 "Data already exists". A callback is
``{"Content":{Topic, ClientId, Division, Action, Key, ExactOnlineEndpoint, EventCreatedOn},"HashCode":"…"}`` where
HashCode is the upper-case hex HMAC-SHA256 of the *raw* Content text keyed with the app's webhook secret — so the
signature is checked on the bytes as received, never on a re-serialised object.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import orjson

from exact_online_client.client import ExactOnlineClient

COLLECTION = "webhooks/WebhookSubscriptions"
# The envelope as Exact sends it: Content first, HashCode last, no whitespace between the members.
_ENVELOPE = re.compile(rb'^\s*\{\s*"Content"\s*:\s*(\{.*\})\s*,\s*"HashCode"\s*:\s*"([0-9A-Fa-f]*)"\s*\}\s*$', re.S)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class BadCallback(ValueError):
    """A callback that is not a signed Exact notification (bad shape or a HashCode that does not match)."""


@dataclass(frozen=True)
class WebhookEvent:
    topic: str
    division: int
    action: str
    key: str
    endpoint: str
    created_on: str


@dataclass(frozen=True)
class WebhookSubscription:
    id: str
    division: int
    topic: str
    callback_url: str


def check_callback_url(url: str) -> None:
    """Exact delivers to HTTPS only; plain HTTP is accepted for a loopback receiver (tests, a local proxy)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return
    raise ValueError("must be an https:// URL (plain http:// only for a loopback host such as 127.0.0.1)")


def is_validation_request(body: bytes) -> bool:
    """Exact's first POST to a new callback carries no notification: an empty body (answer 200)."""
    return not body.strip()


def verified_event(body: bytes, secret: str) -> WebhookEvent:
    """The notification in ``body`` if its HashCode matches; raises :class:`BadCallback` otherwise."""
    match = _ENVELOPE.match(body)
    if match is None:
        raise BadCallback("not an Exact notification ({'Content':…,'HashCode':…})")
    raw, sent = match.group(1), match.group(2).decode()
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest().upper()
    if not hmac.compare_digest(expected, sent):
        raise BadCallback("HashCode does not match the content (wrong webhook secret, or the body was altered)")
    try:
        content = orjson.loads(raw)
        return WebhookEvent(
            topic=str(content["Topic"]),
            division=int(content["Division"]),
            action=str(content["Action"]),
            key=str(content["Key"]),
            endpoint=str(content.get("ExactOnlineEndpoint") or ""),
            created_on=str(content.get("EventCreatedOn") or ""),
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise BadCallback(f"Content lacks a field or has a wrong type: {error}") from None


def list_subscriptions(client: ExactOnlineClient, division: int) -> list[WebhookSubscription]:
    return [_subscription(row) for row in client.list(COLLECTION, division=division)]


def subscribe(
    client: ExactOnlineClient, division: int, topic: str, callback_url: str, description: str
) -> WebhookSubscription:
    """Creates the subscription, or returns the one this division already has for ``topic`` at ``callback_url``."""
    check_callback_url(callback_url)
    for existing in list_subscriptions(client, division):
        if existing.topic == topic and existing.callback_url == callback_url:
            return existing
    body = {"Topic": topic, "CallbackURL": callback_url, "Description": description}
    row = client.create(COLLECTION, body, division=division)
    return _subscription(row)


def unsubscribe(client: ExactOnlineClient, subscription: WebhookSubscription) -> None:
    client.delete(COLLECTION, subscription.id, division=subscription.division)


def _subscription(row: dict[str, object]) -> WebhookSubscription:
    return WebhookSubscription(
        id=str(row["ID"]),
        division=int(str(row["Division"])),
        topic=str(row["Topic"]),
        callback_url=str(row["CallbackURL"]),
    )


__all__ = [
    "BadCallback",
    "WebhookEvent",
    "WebhookSubscription",
    "check_callback_url",
    "is_validation_request",
    "list_subscriptions",
    "subscribe",
    "unsubscribe",
    "verified_event",
]
