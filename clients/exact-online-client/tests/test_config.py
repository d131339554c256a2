from __future__ import annotations

import pytest
from pydantic import ValidationError

from exact_online_client.config import ExactOnlineConnection

CREDENTIALS = {"client_id": "c", "client_secret": "s", "refresh_token": "r"}


def test_given_a_country_site_when_configured_then_token_and_api_urls_follow_exacts_paths():
    connection = ExactOnlineConnection(base_url="https://start.exactonline.be/", credentials=CREDENTIALS)
    assert connection.token_url == "https://start.exactonline.be/api/oauth2/token"
    assert connection.division_url(7095) == "https://start.exactonline.be/api/v1/7095/"
    assert connection.me_url == "https://start.exactonline.be/api/v1/current/Me"


def test_given_no_base_url_when_configured_then_the_dutch_site_is_used():
    assert ExactOnlineConnection(credentials=CREDENTIALS).base_url == "https://start.exactonline.nl"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:1234", "http://[::1]:99"])
def test_given_plain_http_on_loopback_when_configured_then_accepted(url):
    assert ExactOnlineConnection(base_url=url, credentials=CREDENTIALS).base_url.startswith("http://")


@pytest.mark.parametrize("url", ["http://start.exactonline.nl", "ftp://x", "https://start.exactonline.nl/api/v1"])
def test_given_plain_http_elsewhere_or_a_path_when_configured_then_rejected_with_the_reason(url):
    with pytest.raises(ValidationError, match="base_url"):
        ExactOnlineConnection(base_url=url, credentials=CREDENTIALS)
