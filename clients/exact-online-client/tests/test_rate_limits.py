from __future__ import annotations

import pytest
import requests
from airbyte_cdk.sources.streams.http.error_handlers import ResponseAction

from exact_online_client.errors import ExactOnlineBackoffStrategy, ExactOnlineErrorHandler
from exact_online_client.rate_limits import DailyBudgetExhausted, ExactRateLimitPacer, RateLimitHeaders

URL = "https://start.exactonline.nl/api/v1/7095/sync/CRM/Accounts"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _response(status: int, headers: dict[str, str], url: str = URL) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers)
    response.request = requests.Request("GET", url).prepare()
    response._content = b""
    return response


def _minutely(remaining: int, reset_s: float) -> dict[str, str]:
    return {
        "X-RateLimit-Minutely-Limit": "60",
        "X-RateLimit-Minutely-Remaining": str(remaining),
        "X-RateLimit-Minutely-Reset": str(int(reset_s * 1000)),
        "X-RateLimit-Limit": "5000",
        "X-RateLimit-Remaining": "4000",
        "X-RateLimit-Reset": str(int((reset_s + 86400) * 1000)),
    }


def test_given_a_window_of_60_when_61_calls_are_made_then_the_61st_waits_for_the_reset_and_none_overruns():
    clock = Clock(1_000.0)
    pacer = ExactRateLimitPacer(clock=clock)
    request = requests.Request("GET", URL).prepare()
    server_calls_in_window = 0
    window_end = 1_020.0
    for _ in range(61):
        pacer.acquire_call(request)
        if clock.now >= window_end:
            window_end += 60
            server_calls_in_window = 0
        server_calls_in_window += 1
        assert server_calls_in_window <= 60, "a 61st call inside one window would be a 429"
        pacer.update_from_response(request, _response(200, _minutely(60 - server_calls_in_window, window_end)))
    assert len(clock.sleeps) == 1
    assert clock.sleeps[0] == pytest.approx(21.0)


def test_given_calls_in_other_divisions_when_pacing_then_each_division_has_its_own_window():
    clock = Clock(1_000.0)
    pacer = ExactRateLimitPacer(clock=clock)
    spent = requests.Request("GET", URL).prepare()
    pacer.update_from_response(spent, _response(200, _minutely(0, 1_030.0)))
    pacer.acquire_call(requests.Request("GET", URL.replace("7095", "8000")).prepare())
    assert clock.sleeps == []
    pacer.acquire_call(spent)
    assert clock.sleeps == [pytest.approx(31.0)]


def test_given_daily_budget_spent_when_a_call_is_due_then_it_is_refused_before_sending():
    pacer = ExactRateLimitPacer(clock=Clock(1_000.0))
    request = requests.Request("GET", URL).prepare()
    headers = _minutely(30, 1_030.0) | {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1700092800000"}
    pacer.update_from_response(request, _response(200, headers))
    with pytest.raises(DailyBudgetExhausted, match="2023-11-16 00:00:00 UTC"):
        pacer.acquire_call(request)


def test_given_current_me_when_pacing_then_it_is_not_counted():
    clock = Clock(1_000.0)
    pacer = ExactRateLimitPacer(clock=clock)
    division_call = requests.Request("GET", URL).prepare()
    me = requests.Request("GET", "https://start.exactonline.nl/api/v1/current/Me").prepare()
    # One call left in the division's minute, none left in its day: current/Me is outside both budgets.
    spent_today = _minutely(1, 1_030.0) | {"X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "1700092800000"}
    pacer.update_from_response(division_call, _response(200, spent_today))
    for _ in range(5):
        pacer.acquire_call(me)
    assert clock.sleeps == []
    pacer.acquire_call(division_call)  # the division's last call is still there: current/Me took none of it
    assert clock.sleeps == []
    with pytest.raises(DailyBudgetExhausted):
        pacer.acquire_call(division_call)
    pacer.acquire_call(me)  # and a spent division does not block it


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (400, ResponseAction.FAIL),
        (403, ResponseAction.FAIL),
        (404, ResponseAction.FAIL),
        (401, ResponseAction.REFRESH_TOKEN_THEN_RETRY),
        (500, ResponseAction.RETRY),
        (503, ResponseAction.RETRY),
        (200, ResponseAction.SUCCESS),
    ],
)
def test_given_a_status_when_classified_then_client_errors_are_never_retried(status, action):
    assert ExactOnlineErrorHandler().interpret_response(_response(status, {})).response_action == action


def test_given_a_minutely_429_when_backing_off_then_wait_lasts_until_the_announced_reset():
    clock = Clock(1_000.0)
    response = _response(429, {"X-RateLimit-Minutely-Remaining": "0", "X-RateLimit-Minutely-Reset": "1017000"})
    assert ExactOnlineErrorHandler().interpret_response(response).response_action == ResponseAction.RATE_LIMITED
    assert ExactOnlineBackoffStrategy(clock).backoff_time(response, 1) == pytest.approx(17.25)


def test_given_a_daily_429_when_classified_then_the_stream_stops_as_transient_naming_the_reset():
    response = _response(
        429, {"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1700092800000"}
    )
    resolution = ExactOnlineErrorHandler().interpret_response(response)
    assert resolution.response_action == ResponseAction.FAIL
    assert "2023-11-16 00:00:00 UTC" in resolution.error_message
    assert RateLimitHeaders.of(response).is_daily_exhausted()


def test_given_a_connection_error_when_classified_then_retried():
    resolution = ExactOnlineErrorHandler().interpret_response(requests.ConnectionError("reset"))
    assert resolution.response_action == ResponseAction.RETRY


def test_given_calls_in_flight_when_an_earlier_answer_reports_the_remaining_budget_then_they_are_counted_against_it():
    # Three calls sent at once; the first answer says 2 remain, but the two others may not have reached the server
    # yet: the pacer must treat the window as spent rather than allow two more on top.
    clock = Clock(1_000.0)
    pacer = ExactRateLimitPacer(clock=clock)
    request = requests.Request("GET", URL).prepare()
    pacer.update_from_response(request, _response(200, _minutely(3, 1_030.0)))
    for _ in range(3):
        pacer.acquire_call(request)
    pacer.update_from_response(request, _response(200, _minutely(2, 1_030.0)))
    pacer.acquire_call(request)
    assert clock.sleeps == [pytest.approx(31.0)]


def test_given_429_answers_when_the_pacer_hears_them_then_it_counts_them_for_every_endpoint_of_the_division():
    pacer = ExactRateLimitPacer(clock=Clock(1_000.0))
    request = requests.Request("GET", URL).prepare()
    pacer.acquire_call(request)
    pacer.update_from_response(request, _response(429, {}))
    assert pacer.throttled("salesorder/SalesOrders") == pacer.throttled() == 1
