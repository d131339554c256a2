"""Sync resources (accounts as the example): typed values, paging, $select, per-division Timestamp state."""

from __future__ import annotations

from airbyte_cdk.models import FailureType, SyncMode
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.mock_http.response_builder import HttpResponse

from source_exact_online import SourceExactOnline
from unit_tests.integration.catalog import catalog, state
from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.request_builder import NAME_ONLY, RequestBuilder
from unit_tests.integration.response_builder import ODataResponseBuilder, odata_error


def test_given_wire_values_when_read_then_records_are_typed_dated_in_utc_and_codes_trimmed(clock):
    with HttpMocker() as http_mocker:
        http_mocker.get(RequestBuilder.accounts().build(), ODataResponseBuilder("accounts").with_record().build())
        output = read(SourceExactOnline(clock=clock), ConfigBuilder().build(), catalog("accounts"))

    [record] = [message.record.data for message in output.records]
    assert record["Code"] == "1068"
    assert record["IsSales"] is True
    assert record["CreditLineSales"] == 1500.5
    # /Date(1640995200000)/ is 2022-01-01 00:00 Amsterdam wall clock (CET, UTC+1)
    assert record["Created"] == "2021-12-31T23:00:00Z"
    # /Date(1656662400000)/ is 2022-07-01 08:00 Amsterdam wall clock (CEST, UTC+2)
    assert record["Modified"] == "2022-07-01T06:00:00Z"
    assert "__metadata" not in record
    assert record["Division"] == 7095


def test_given_no_state_when_incremental_read_then_first_page_asks_from_the_first_row_version(clock):
    with HttpMocker() as http_mocker:
        http_mocker.get(
            RequestBuilder.accounts().with_select(*NAME_ONLY).with_filter("Timestamp gt 1L").build(),
            ODataResponseBuilder("accounts").with_record(Timestamp=77).build(),
        )
        output = read(
            SourceExactOnline(clock=clock),
            ConfigBuilder().build(),
            catalog("accounts", SyncMode.incremental, columns=["Name"]),
        )

    assert output.most_recent_state.stream_state.divisions == {"7095": {"Timestamp": 77}}


def test_given_state_when_incremental_read_then_filter_starts_after_saved_timestamp_and_state_follows_every_page(clock):
    with HttpMocker() as http_mocker:
        http_mocker.get(
            RequestBuilder.accounts().with_select(*NAME_ONLY).with_filter("Timestamp gt 500L").build(),
            ODataResponseBuilder("accounts")
            .with_records(1000, Timestamp=600)
            .with_next_page("sync/CRM/Accounts", "600L")
            .build(),
        )
        http_mocker.get(
            RequestBuilder.accounts().with_skiptoken("600L").build(),
            ODataResponseBuilder("accounts").with_records(3, Timestamp=900).build(),
        )
        output = read(
            SourceExactOnline(clock=clock),
            ConfigBuilder().build(),
            catalog("accounts", SyncMode.incremental, columns=["Name"]),
            state=state("accounts", {7095: {"Timestamp": 500}}),
        )

    assert len(output.records) == 1003
    cursors = [message.state.stream.stream_state.divisions["7095"]["Timestamp"] for message in output.state_messages]
    assert cursors[0] == 600, "a STATE must follow the first full page, so a crash loses at most one page"
    assert cursors[-1] == 900


def test_given_selected_columns_when_read_then_only_those_and_the_keys_are_requested(clock):
    with HttpMocker() as http_mocker:
        # the selected columns plus the cursor, the division and the key, in the schema's order
        request = RequestBuilder.accounts().with_select("Timestamp", "Division", "Email", "ID", "Name")
        http_mocker.get(
            request.with_filter("Timestamp gt 1L").build(), ODataResponseBuilder("accounts").with_record().build()
        )
        output = read(
            SourceExactOnline(clock=clock), ConfigBuilder().build(), catalog("accounts", columns=["Name", "Email"])
        )

    assert len(output.records) == 1


def test_given_a_client_error_when_read_then_it_is_not_retried_and_fails_naming_exacts_message(clock):
    with HttpMocker() as http_mocker:
        request = RequestBuilder.accounts().build()
        http_mocker.get(request, odata_error(400, "Type 'Account' does not have a property named 'Foo'"))
        output = read(
            SourceExactOnline(clock=clock), ConfigBuilder().build(), catalog("accounts"), expecting_exception=True
        )
        http_mocker.assert_number_of_calls(request, 1)

    assert any("does not have a property named 'Foo'" in error.trace.error.message for error in output.errors)


def test_given_a_server_error_when_read_then_it_is_retried_and_the_read_completes(clock):
    with HttpMocker() as http_mocker:
        request = RequestBuilder.accounts().build()
        http_mocker.get(
            request,
            [odata_error(503, "Service Unavailable"), ODataResponseBuilder("accounts").with_record().build()],
        )
        output = read(SourceExactOnline(clock=clock), ConfigBuilder().build(), catalog("accounts"))
        http_mocker.assert_number_of_calls(request, 2)

    assert len(output.records) == 1
    assert not output.errors


def test_given_a_value_of_the_wrong_type_when_read_then_error_names_stream_and_field(clock):
    with HttpMocker() as http_mocker:
        http_mocker.get(
            RequestBuilder.accounts().build(), ODataResponseBuilder("accounts").with_record(IsSales="maybe").build()
        )
        output = read(
            SourceExactOnline(clock=clock), ConfigBuilder().build(), catalog("accounts"), expecting_exception=True
        )

    messages = " ".join(str(error.trace.error.internal_message) + error.trace.error.message for error in output.errors)
    assert "accounts" in messages and "IsSales" in messages
    assert output.errors[0].trace.error.failure_type in (FailureType.system_error, FailureType.config_error)


def test_given_an_empty_page_when_read_then_no_records_and_no_error(clock):
    with HttpMocker() as http_mocker:
        http_mocker.get(RequestBuilder.accounts().build(), HttpResponse('{"d": {"results": []}}', 200))
        output = read(SourceExactOnline(clock=clock), ConfigBuilder().build(), catalog("accounts"))
    assert output.records == [] and not output.errors
