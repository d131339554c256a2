"""How API failures reach the user: waited out, retried, or reported with the API's own words."""

from unittest import TestCase
from unittest.mock import patch

from airbyte_cdk.test.mock_http import HttpMocker

from .config import ConfigBuilder
from .helpers import read_stream
from .request_builder import EAccountingRequestBuilder
from .response_builder import api_error, page

QUOTA = "API calls quota exceeded! maximum admitted 600 per Minute. Try again in 55 seconds."


def error_messages(output) -> list[str]:
    return [e.trace.error.message for e in output.errors]


class RateLimitTest(TestCase):
    @HttpMocker()
    def test_given_429_with_error_code_4010_when_read_then_waits_the_seconds_the_api_names_and_retries(
        self, http_mocker
    ):
        units = EAccountingRequestBuilder.list("units").build()
        http_mocker.get(units, [api_error(429, 4010, QUOTA), page([{"Id": "unit-1"}])])
        with patch("time.sleep") as sleep:
            output = read_stream("units", ConfigBuilder().build())
        assert len(output.records) == 1
        # The CDK's retry handler adds one second to the wait a strategy asks for.
        assert any(55 <= call.args[0] <= 56 for call in sleep.call_args_list), sleep.call_args_list

    @HttpMocker()
    def test_given_429_with_retry_after_header_when_read_then_the_header_wins(self, http_mocker):
        units = EAccountingRequestBuilder.list("units").build()
        http_mocker.get(units, [api_error(429, 4010, QUOTA, {"Retry-After": "7"}), page([{"Id": "unit-1"}])])
        with patch("time.sleep") as sleep:
            read_stream("units", ConfigBuilder().build())
        assert any(7 <= call.args[0] <= 8 for call in sleep.call_args_list), sleep.call_args_list


class ServerErrorTest(TestCase):
    @HttpMocker()
    def test_given_two_500s_when_read_then_retries_with_backoff_and_succeeds(self, http_mocker):
        units = EAccountingRequestBuilder.list("units").build()
        http_mocker.get(
            units,
            [api_error(500, 5000, "Internal error"), api_error(503, 5001, "Dependency down"), page([{"Id": "unit-1"}])],
        )
        with patch("time.sleep") as sleep:
            output = read_stream("units", ConfigBuilder().build())
        assert len(output.records) == 1
        waits = [call.args[0] for call in sleep.call_args_list if call.args[0] >= 1]
        assert len(waits) >= 2 and waits[1] > waits[0]


class ConfigErrorTest(TestCase):
    @HttpMocker()
    def test_given_token_without_accounting_scope_when_read_vouchers_then_config_error_names_the_scope(
        self, http_mocker
    ):
        http_mocker.get(
            EAccountingRequestBuilder.list("vouchers").build(),
            api_error(403, 4006, "ForbiddenRequestException - No access to scopes"),
        )
        output = read_stream("vouchers", ConfigBuilder().build(), expecting_exception=True)
        config_errors = [e.trace.error for e in output.errors if e.trace.error.failure_type.value == "config_error"]
        assert config_errors, error_messages(output)
        assert "ea:accounting_readonly" in config_errors[0].message and "/vouchers" in config_errors[0].message

    @HttpMocker()
    def test_given_company_without_api_module_when_read_then_config_error_says_to_activate_it(self, http_mocker):
        http_mocker.get(
            EAccountingRequestBuilder.list("units").build(),
            api_error(403, 4002, "ForbiddenRequestException - No access to module: api_standard"),
        )
        output = read_stream("units", ConfigBuilder().build(), expecting_exception=True)
        assert any("api_standard" in m and "activate" in m for m in error_messages(output)), error_messages(output)


class BadRequestTest(TestCase):
    @HttpMocker()
    def test_given_400_when_read_then_error_carries_developer_message_and_error_code(self, http_mocker):
        http_mocker.get(
            EAccountingRequestBuilder.list("units").build(),
            api_error(400, 6000, "QueryParameterError - could not parse $filter"),
        )
        output = read_stream("units", ConfigBuilder().build(), expecting_exception=True)
        assert any("could not parse $filter" in m and "ErrorCode 6000" in m for m in error_messages(output)), (
            error_messages(output)
        )
