"""Exact's webhook callbacks: the HashCode is checked on the raw Content bytes; callback URLs must be HTTPS."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from exact_online_client.webhook_subscriptions import (
    BadCallback,
    check_callback_url,
    is_validation_request,
    verified_event,
)

SECRET = "app-webhook-secret"
# Spacing and member order as Exact sends them; a re-serialised object would hash differently.
CONTENT = (
    b'{"Topic":"SalesOrders","ClientId":"63824703-aaaa","Division":441609,"Action":"Update",'
    b'"Key":"19cee073-095e-46d1-8d2d-f3fc97ba5bc1","ExactOnlineEndpoint":"https://start.exactonline.nl/api/v1/'
    b"441609/salesorder/SalesOrders(guid'19cee073-095e-46d1-8d2d-f3fc97ba5bc1')\","
    b'"EventCreatedOn":"2020-01-06T16:26:08.587"}'
)


def _signed(content: bytes, secret: str = SECRET) -> bytes:
    digest = hmac.new(secret.encode(), content, hashlib.sha256).hexdigest().upper()
    return b'{"Content":' + content + b',"HashCode":"' + digest.encode() + b'"}'


def test_given_a_callback_signed_with_the_apps_secret_when_verified_then_its_event_is_read():
    event = verified_event(_signed(CONTENT), SECRET)
    assert (event.topic, event.division, event.action) == ("SalesOrders", 441609, "Update")
    assert event.key == "19cee073-095e-46d1-8d2d-f3fc97ba5bc1"
    assert event.created_on == "2020-01-06T16:26:08.587"


@pytest.mark.parametrize(
    "body",
    [
        _signed(CONTENT, secret="another-apps-secret"),
        _signed(CONTENT).replace(b'"Action":"Update"', b'"Action":"Delete"'),  # altered after signing
        _signed(CONTENT).replace(b'"HashCode":"', b'"HashCode":"0'),
        b'{"Content":' + CONTENT + b"}",  # no HashCode at all
        b"not json",
    ],
    ids=["wrong secret", "altered content", "hash with an extra digit", "no hash", "not json"],
)
def test_given_a_forged_or_altered_callback_when_verified_then_it_is_refused(body):
    with pytest.raises(BadCallback):
        verified_event(body, SECRET)


def test_given_exacts_validation_post_when_checked_then_it_is_recognised_as_empty():
    assert is_validation_request(b"") and is_validation_request(b"  \n")
    assert not is_validation_request(_signed(CONTENT))


@pytest.mark.parametrize("url", ["https://shop.example.com/lb", "http://127.0.0.1:8080", "http://localhost:9"])
def test_given_https_or_loopback_http_when_checking_a_callback_url_then_accepted(url):
    check_callback_url(url)


@pytest.mark.parametrize("url", ["http://shop.example.com/lb", "ftp://127.0.0.1", "https://", "shop.example.com"])
def test_given_plain_http_off_loopback_or_no_host_when_checking_a_callback_url_then_refused(url):
    with pytest.raises(ValueError, match="https://"):
        check_callback_url(url)
