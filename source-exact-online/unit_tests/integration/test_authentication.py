"""Exact's single-use refresh tokens: rotation reaches the platform, 401 refreshes once, dead chain = config error."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

from airbyte_cdk.models import FailureType
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.test.mock_http import HttpMocker, HttpResponse

from source_exact_online import SourceExactOnline
from unit_tests.integration.catalog import catalog
from unit_tests.integration.config import ACCESS_TOKEN, REFRESH_TOKEN, ConfigBuilder
from unit_tests.integration.request_builder import RequestBuilder, token_refresh_request
from unit_tests.integration.response_builder import ODataResponseBuilder, oauth_error, token_response


def _control_configs(stdout: str) -> list[dict]:
    messages = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return [m["control"]["connectorConfig"]["config"] for m in messages if m.get("type") == "CONTROL"]


def test_given_expired_access_token_when_read_then_refreshes_once_and_emits_rotated_tokens_as_control_message(clock):
    stdout = io.StringIO()
    with HttpMocker() as http_mocker, redirect_stdout(stdout):
        refresh = token_refresh_request(REFRESH_TOKEN)
        http_mocker.post(refresh, token_response("access-2", "refresh-2"))
        # only a request carrying the refreshed token is answered
        http_mocker.get(
            RequestBuilder.accounts().with_authorization("Bearer access-2").build(),
            ODataResponseBuilder("accounts").with_record().build(),
        )
        output = read(
            SourceExactOnline(clock=clock), ConfigBuilder().with_expired_access_token().build(), catalog("accounts")
        )
        http_mocker.assert_number_of_calls(refresh, 1)

    assert len(output.records) == 1
    [rotated] = _control_configs(stdout.getvalue())
    assert rotated["credentials"]["refresh_token"] == "refresh-2"
    assert rotated["credentials"]["access_token"] == "access-2"
    assert rotated["credentials"]["token_expiry_date"], "expires_in arrives as the string '600' and must become a date"


def test_given_still_valid_access_token_in_config_when_read_then_no_refresh_is_spent(clock):
    with HttpMocker() as http_mocker:
        # no token endpoint is mocked: a refresh would fail the read
        http_mocker.get(
            RequestBuilder.accounts().with_authorization(f"Bearer {ACCESS_TOKEN}").build(),
            ODataResponseBuilder("accounts").with_record().build(),
        )
        output = read(SourceExactOnline(clock=clock), ConfigBuilder().build(), catalog("accounts"))
    assert len(output.records) == 1
    assert not output.errors


def test_given_a_401_on_an_old_token_when_read_then_one_refresh_and_one_retry(clock):
    # issued 20 minutes ago according to its expiry: Exact allows a refresh
    config = ConfigBuilder().with_access_token_expiring("2999-01-01T00:00:00+00:00").build()
    config["credentials"].pop("token_expiry_date")
    with HttpMocker() as http_mocker, redirect_stdout(io.StringIO()):
        request = RequestBuilder.accounts().build()
        http_mocker.get(
            request,
            [
                HttpResponse("", 401, {"WWW-Authenticate": "Bearer error=invalid_token, access token expired"}),
                ODataResponseBuilder("accounts").with_record().build(),
            ],
        )
        refresh = token_refresh_request(REFRESH_TOKEN)
        http_mocker.post(refresh, token_response("access-2", "refresh-2"))
        output = read(SourceExactOnline(clock=clock), config, catalog("accounts"))
        http_mocker.assert_number_of_calls(refresh, 1)
        http_mocker.assert_number_of_calls(request, 2)
    assert len(output.records) == 1


def test_given_a_401_right_after_a_refresh_when_read_then_no_second_refresh_inside_570_seconds(clock):
    with HttpMocker() as http_mocker, redirect_stdout(io.StringIO()):
        request = RequestBuilder.accounts().build()
        http_mocker.get(request, HttpResponse("", 401))
        refresh = token_refresh_request(REFRESH_TOKEN)
        http_mocker.post(refresh, token_response("access-2", "refresh-2"))
        output = read(
            SourceExactOnline(clock=clock),
            ConfigBuilder().with_expired_access_token().build(),
            catalog("accounts"),
            expecting_exception=True,
        )
        http_mocker.assert_number_of_calls(refresh, 1)
    assert output.errors[0].trace.error.failure_type == FailureType.config_error
    assert "Re-authorise" in output.errors[0].trace.error.message


def test_given_a_dead_refresh_token_when_read_then_config_error_telling_to_reauthorise(clock):
    with HttpMocker() as http_mocker, redirect_stdout(io.StringIO()):
        http_mocker.post(
            token_refresh_request(REFRESH_TOKEN),
            oauth_error("invalid_grant", "Token is not allowed, because of invalid or empty chainId"),
        )
        output = read(
            SourceExactOnline(clock=clock),
            ConfigBuilder().with_expired_access_token().build(),
            catalog("accounts"),
            expecting_exception=True,
        )
    error = output.errors[0]
    assert error.trace.error.failure_type == FailureType.config_error
    assert "Re-authorise" in error.trace.error.message
    assert REFRESH_TOKEN not in " ".join(str(message) for message in output.logs + output.errors)
