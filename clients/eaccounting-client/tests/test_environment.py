"""The environment choice decides both hosts; an explicit URL (an emulator, a proxy) still wins."""

from __future__ import annotations

import pytest

from eaccounting_client.config import InvalidConfigError, parse_config

CREDENTIALS = {"client_id": "an-app", "client_secret": "its-secret", "refresh_token": "a-refresh-token"}


@pytest.mark.parametrize(
    ("environment", "api_url", "identity_url"),
    [
        (None, "https://eaccountingapi.vismaonline.com/v2", "https://identity.vismaonline.com"),
        ("production", "https://eaccountingapi.vismaonline.com/v2", "https://identity.vismaonline.com"),
        (
            "sandbox",
            "https://eaccountingapi-sandbox.test.vismaonline.com/v2",
            "https://identity-sandbox.test.vismaonline.com",
        ),
    ],
)
def test_given_an_environment_and_no_urls_when_parsed_then_both_hosts_follow_it(environment, api_url, identity_url):
    config = {"credentials": CREDENTIALS, **({"environment": environment} if environment else {})}

    settings = parse_config(config)

    assert (settings.api_url, settings.identity_url) == (api_url, identity_url)


@pytest.mark.parametrize("empty", [None, ""])
def test_given_the_form_sends_empty_overrides_when_parsed_then_the_environment_hosts_are_used(empty):
    settings = parse_config(
        {"environment": "sandbox", "api_url": empty, "identity_url": empty, "credentials": CREDENTIALS}
    )

    assert settings.identity_url == "https://identity-sandbox.test.vismaonline.com"


def test_given_an_override_when_parsed_then_it_wins_over_the_environment():
    settings = parse_config(
        {
            "environment": "sandbox",
            "api_url": "http://127.0.0.1:4100/v2/",
            "identity_url": "http://127.0.0.1:4100",
            "credentials": CREDENTIALS,
        }
    )

    assert (settings.api_url, settings.identity_url) == ("http://127.0.0.1:4100/v2", "http://127.0.0.1:4100")


def test_given_an_unknown_environment_when_parsed_then_the_error_names_the_field():
    with pytest.raises(InvalidConfigError, match="environment"):
        parse_config({"environment": "staging", "credentials": CREDENTIALS})
