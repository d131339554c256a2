from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction

from eaccounting_client import (
    EAccountingErrorHandler,
    InvalidConfigError,
    filter_datetime_literal,
    parse_api_datetime,
    parse_config,
    rate_limit_wait,
    to_amount,
)


def test_given_dotnet_seven_digit_fraction_when_parsed_then_utc_with_microseconds():
    assert parse_api_datetime("2026-02-01T08:00:00.1234567Z") == datetime(2026, 2, 1, 8, 0, 0, 123456, tzinfo=UTC)


def test_given_naive_timestamp_when_parsed_then_treated_as_utc():
    assert parse_api_datetime("2026-02-01T08:00:00").tzinfo == UTC


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("2026-02-01T08:00:00Z", "2026-02-01T08:00:00Z"),
        ("2026-02-01T08:00:00.25Z", "2026-02-01T08:00:00.25Z"),
        ("2026-02-01T08:00:00", "2026-02-01T08:00:00Z"),
        ("2026-02-01T10:00:00+02:00", "2026-02-01T08:00:00Z"),
    ],
)
def test_given_cursor_value_when_made_filter_literal_then_utc_with_precision_kept(value, literal):
    assert filter_datetime_literal(value) == literal


def test_given_garbage_cursor_when_made_filter_literal_then_rejected_before_reaching_the_api():
    with pytest.raises(ValueError):
        filter_datetime_literal("yesterday")


def test_given_amount_when_rounded_then_half_up_two_decimals():
    assert to_amount("2.675") == 2.68


def test_given_missing_refresh_token_when_config_parsed_then_error_names_the_field_not_the_secret():
    with pytest.raises(InvalidConfigError) as failure:
        parse_config({"credentials": {"client_id": "a", "client_secret": "very-secret-value"}})
    assert "credentials.refresh_token" in str(failure.value)
    assert "very-secret-value" not in str(failure.value)


def test_given_loopback_http_when_config_parsed_then_accepted_and_defaults_point_at_production():
    parsed = parse_config(
        {
            "api_url": "http://127.0.0.1:8080/v2",
            "credentials": {"client_id": "a", "client_secret": "b", "refresh_token": "c"},
        }
    )
    assert parsed.api_url == "http://127.0.0.1:8080/v2"
    assert parsed.identity_url == "https://identity.vismaonline.com"


def _response(
    status: int, body: str, url: str = "https://eaccountingapi.vismaonline.com/v2/vouchers"
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body.encode()
    response.url = url
    response.request = requests.Request("GET", url).prepare()
    return response


def test_given_quota_message_without_header_when_waiting_then_uses_the_seconds_in_the_text():
    body = '{"ErrorCode":4010,"DeveloperErrorMessage":"maximum admitted 600 per Minute. Try again in 55 seconds."}'
    assert rate_limit_wait(_response(429, body)) == 55


@pytest.mark.parametrize(
    ("status", "code", "action", "failure"),
    [
        (429, 4010, ResponseAction.RATE_LIMITED, FailureType.transient_error),
        (503, 5001, ResponseAction.RETRY, FailureType.transient_error),
        (403, 4006, ResponseAction.FAIL, FailureType.config_error),
        (403, 4002, ResponseAction.FAIL, FailureType.config_error),
        (401, 4005, ResponseAction.REFRESH_TOKEN_THEN_RETRY, FailureType.config_error),
        (400, 6000, ResponseAction.FAIL, FailureType.system_error),
    ],
)
def test_given_api_error_when_interpreted_then_action_follows_error_code(status, code, action, failure):
    body = f'{{"ErrorCode":{code},"DeveloperErrorMessage":"msg {code}","ErrorId":"e"}}'
    resolution = EAccountingErrorHandler(__import__("logging").getLogger()).interpret_response(_response(status, body))
    assert (resolution.response_action, resolution.failure_type) == (action, failure)
    assert f"ErrorCode {code}" in resolution.error_message


def test_given_connection_error_when_interpreted_then_retried():
    resolution = EAccountingErrorHandler(__import__("logging").getLogger()).interpret_response(
        requests.ConnectionError("refused")
    )
    assert resolution.response_action == ResponseAction.RETRY


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2024-05-01T00:00:00Z", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-01T10:20:30.1Z", datetime(2024, 5, 1, 10, 20, 30, 100000, tzinfo=UTC)),
        ("2024-05-01T10:20:30.12Z", datetime(2024, 5, 1, 10, 20, 30, 120000, tzinfo=UTC)),
        ("2024-05-01T10:20:30.12345Z", datetime(2024, 5, 1, 10, 20, 30, 123450, tzinfo=UTC)),
        ("2024-05-01T10:20:30.1234567Z", datetime(2024, 5, 1, 10, 20, 30, 123456, tzinfo=UTC)),
    ],
)
def test_given_dotnet_width_of_fraction_when_parsed_then_exact_moment(wire: str, expected: datetime) -> None:
    # .NET drops trailing fractional zeros, so the width varies from none to seven digits (the eAccounting emulator
    # writes them that way); a fixed "%Y-%m-%dT%H:%M:%S.%fZ" parser fails on the first and the last of these.
    assert parse_api_datetime(wire) == expected
    assert filter_datetime_literal(wire).endswith("Z")
