"""Pacing on X-RateLimit-* headers: wait for the minutely reset, stop cleanly when the daily budget is spent."""

from __future__ import annotations

from airbyte_cdk.models import FailureType, SyncMode
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.test.mock_http import HttpMocker, HttpResponse

from source_exact_online import SourceExactOnline
from unit_tests.integration.catalog import catalog
from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.request_builder import RequestBuilder
from unit_tests.integration.response_builder import ODataResponseBuilder, rate_limit_headers


def test_given_minutely_budget_spent_when_next_page_is_due_then_waits_until_the_announced_reset(clock):
    reset_ms = int((clock.now + 25) * 1000)
    with HttpMocker() as http_mocker:
        http_mocker.get(
            RequestBuilder.accounts().build(),
            [
                ODataResponseBuilder("accounts")
                .with_record()
                .with_next_page("sync/CRM/Accounts", "1000L")
                .with_headers(rate_limit_headers(minutely_remaining=0, minutely_reset_ms=reset_ms))
                .build(),
                ODataResponseBuilder("accounts").with_record(Timestamp=1001).build(),
            ],
        )
        output = read(SourceExactOnline(clock=clock), ConfigBuilder().build(), catalog("accounts"))

    assert len(output.records) == 2
    assert len(clock.sleeps) == 1
    assert 25 <= clock.sleeps[0] <= 27, "waits until the reset Exact announced (plus a second of slack), no longer"


def test_given_budget_left_when_reading_pages_then_never_waits(clock):
    with HttpMocker() as http_mocker:
        http_mocker.get(
            RequestBuilder.accounts().build(),
            [
                ODataResponseBuilder("accounts").with_record().with_next_page("sync/CRM/Accounts", "1000L").build(),
                ODataResponseBuilder("accounts").with_record(Timestamp=1001).build(),
            ],
        )
        read(SourceExactOnline(clock=clock), ConfigBuilder().build(), catalog("accounts"))
    assert clock.sleeps == []


def test_given_daily_budget_spent_when_reading_then_stream_stops_with_state_and_transient_error_naming_reset(clock):
    daily_reset_ms = 1_700_092_800_000  # 2023-11-16 00:00 UTC
    spent = rate_limit_headers(daily_remaining=0) | {"X-RateLimit-Reset": str(daily_reset_ms)}
    with HttpMocker() as http_mocker:
        request = RequestBuilder.accounts().build()
        http_mocker.get(
            request,
            ODataResponseBuilder("accounts")
            .with_records(1000, Timestamp=4242)
            .with_next_page("sync/CRM/Accounts", "4242L")
            .with_headers(spent)
            .build(),
        )
        output = read(
            SourceExactOnline(clock=clock),
            ConfigBuilder().build(),
            catalog("accounts", SyncMode.incremental),
            expecting_exception=True,
        )
        http_mocker.assert_number_of_calls(request, 1)

    assert len(output.records) == 1000
    assert output.most_recent_state.stream_state.divisions == {"7095": {"Timestamp": 4242}}
    error = output.errors[0].trace.error
    assert error.failure_type == FailureType.transient_error
    assert "2023-11-16 00:00:00 UTC" in error.message


def test_given_unexpected_minutely_429_when_reading_then_waits_for_reset_and_retries(clock, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    reset_ms = int((clock.now + 12) * 1000)
    with HttpMocker() as http_mocker:
        request = RequestBuilder.accounts().build()
        http_mocker.get(
            request,
            [
                HttpResponse(
                    "",
                    429,
                    {
                        "X-RateLimit-Minutely-Limit": "60",
                        "X-RateLimit-Minutely-Remaining": "0",
                        "X-RateLimit-Minutely-Reset": str(reset_ms),
                    },
                ),
                ODataResponseBuilder("accounts").with_record().build(),
            ],
        )
        output = read(SourceExactOnline(clock=clock), ConfigBuilder().build(), catalog("accounts"))
        http_mocker.assert_number_of_calls(request, 2)

    assert len(output.records) == 1
    assert any(11 <= wait <= 14 for wait in waits + clock.sleeps), f"expected a wait until reset, got {waits}"
