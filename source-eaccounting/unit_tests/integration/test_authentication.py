"""Rotating single-use refresh tokens: the new pair is used at once and handed to the platform to persist."""

import contextlib
import io
import json
from unittest import TestCase

from airbyte_cdk.test.mock_http import HttpMocker

from .config import CLIENT_SECRET, ConfigBuilder
from .helpers import read_stream
from .request_builder import EAccountingRequestBuilder, token_request
from .response_builder import api_error, oauth_error, page, record, token_response


def control_messages(stdout: str) -> list[dict]:
    messages = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return [m["control"] for m in messages if m.get("type") == "CONTROL"]


class TokenRotationTest(TestCase):
    @HttpMocker()
    def test_given_no_access_token_when_read_then_refreshes_uses_new_token_and_emits_rotated_config(self, http_mocker):
        http_mocker.post(token_request(), token_response("access-token-two-abcdef", "refresh-token-two-abcdef"))
        http_mocker.get(
            EAccountingRequestBuilder.list("units").with_bearer("access-token-two-abcdef").build(),
            page([{"Id": "unit-1", "Name": "st"}]),
        )
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout):
            output = read_stream("units", ConfigBuilder().with_expired_access_token().build())
        assert len(output.records) == 1
        [control] = control_messages(stdout.getvalue())
        assert control["type"] == "CONNECTOR_CONFIG"
        credentials = control["connectorConfig"]["config"]["credentials"]
        assert credentials["refresh_token"] == "refresh-token-two-abcdef"
        assert credentials["access_token"] == "access-token-two-abcdef"
        assert credentials["token_expiry_date"]

    @HttpMocker()
    def test_given_a_valid_access_token_when_read_then_no_refresh_and_no_control_message(self, http_mocker):
        http_mocker.get(EAccountingRequestBuilder.list("units").build(), page([{"Id": "unit-1", "Name": "st"}]))
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout):
            read_stream("units", ConfigBuilder().build())
        assert control_messages(stdout.getvalue()) == []

    @HttpMocker()
    def test_given_a_revoked_refresh_token_when_read_then_config_error_says_to_reauthorise(self, http_mocker):
        http_mocker.post(token_request(), oauth_error("invalid_grant"))
        output = read_stream("units", ConfigBuilder().with_expired_access_token().build(), expecting_exception=True)
        errors = [e.trace.error for e in output.errors]
        revoked = [e for e in errors if "invalid_grant" in e.message]
        assert revoked and revoked[0].failure_type.value == "config_error"
        assert "password" in revoked[0].message and "re-authorise" in revoked[0].message
        assert CLIENT_SECRET not in json.dumps([e.message for e in errors])

    @HttpMocker()
    def test_given_a_wrong_client_secret_when_read_then_config_error_names_the_credential_fields(self, http_mocker):
        http_mocker.post(token_request(), oauth_error("invalid_client", 400))
        output = read_stream("units", ConfigBuilder().with_expired_access_token().build(), expecting_exception=True)
        messages = [e.trace.error.message for e in output.errors]
        assert any("credentials.client_secret" in m for m in messages), messages

    @HttpMocker()
    def test_given_access_token_rejected_early_when_read_then_refreshes_once_and_retries(self, http_mocker):
        units = EAccountingRequestBuilder.list("units").build()
        http_mocker.get(
            units,
            [
                api_error(401, 4005, "AuthorizationException - Authorization has been denied for this request."),
                page([record("fiscal_years", Id="unit-1")]),
            ],
        )
        http_mocker.post(token_request(), token_response("access-token-two-abcdef", "refresh-token-two-abcdef"))
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout):
            output = read_stream("units", ConfigBuilder().build())
        assert len(output.records) == 1
        assert control_messages(stdout.getvalue())[0]["connectorConfig"]["config"]["credentials"]["refresh_token"] == (
            "refresh-token-two-abcdef"
        )
