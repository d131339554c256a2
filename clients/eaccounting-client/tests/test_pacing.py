"""Pacing: the quota is per endpoint, so one busy endpoint must not slow the others."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import requests

from eaccounting_client import EndpointCallBudget


def _request(path: str) -> requests.PreparedRequest:
    return requests.Request("GET", f"https://eaccountingapi.vismaonline.com/v2/{path}?$page=1").prepare()


def _answer(budget: EndpointCallBudget, path: str, status: int = 200) -> None:
    response = requests.Response()
    response.status_code = status
    response.request = _request(path)
    budget.update_from_response(response.request, response)


def _call(budget: EndpointCallBudget, path: str) -> None:
    budget.acquire_call(_request(path))
    _answer(budget, path)


def test_given_quota_used_up_on_one_endpoint_when_calling_it_again_then_waits_for_the_window():
    budget = EndpointCallBudget(calls_per_minute=3, interval=timedelta(seconds=0.6))
    started = time.monotonic()
    for _ in range(4):
        _call(budget, "customers")
    assert time.monotonic() - started >= 0.6


def test_given_a_slow_answer_when_the_window_is_full_then_the_call_holds_its_place_until_a_window_after_its_answer():
    # The server counts a call somewhere between its release and its answer: a call released a window after an
    # earlier one's release, but before a window after its answer, could land inside the earlier call's minute.
    budget = EndpointCallBudget(calls_per_minute=1, interval=timedelta(seconds=0.4))
    budget.acquire_call(_request("orders"))
    time.sleep(0.5)  # the request travels longer than the window
    _answer(budget, "orders")
    answered = time.monotonic()
    budget.acquire_call(_request("orders"))
    assert time.monotonic() - answered >= 0.39


def test_given_quota_used_up_on_one_endpoint_when_calling_another_then_no_wait():
    budget = EndpointCallBudget(calls_per_minute=3, interval=timedelta(seconds=30))
    for _ in range(3):
        _call(budget, "customers")
    started = time.monotonic()
    for path in ("articles", "orders", "Customers/123".replace("Customers", "units")):
        _call(budget, path)
    assert time.monotonic() - started < 0.5


def test_given_collection_and_item_paths_when_paced_then_they_share_one_budget():
    budget = EndpointCallBudget(calls_per_minute=600)
    assert budget.get_matching_policy(_request("customers")) is budget.get_matching_policy(_request("Customers/abc"))


def test_given_a_configured_pace_when_the_client_is_built_then_its_budget_keeps_that_pace(config):
    from airbyte_cdk.sources.streams.call_rate import CallRateLimitHit

    from eaccounting_client import EAccountingClient

    client = EAccountingClient({**config, "calls_per_minute": 2})
    for _ in range(2):
        client.budget.acquire_call(_request("orders"), block=False)
    with pytest.raises(CallRateLimitHit):
        client.budget.acquire_call(_request("orders"), block=False)


def test_given_a_pace_below_one_when_config_parsed_then_the_error_names_the_field(config):
    from eaccounting_client import InvalidConfigError, parse_config

    with pytest.raises(InvalidConfigError, match="calls_per_minute"):
        parse_config({**config, "calls_per_minute": 0})


def test_given_many_calls_in_the_window_when_paced_then_no_request_object_is_kept():
    import gc
    import weakref

    budget = EndpointCallBudget(calls_per_minute=1_000)
    request = _request("orders")
    kept = weakref.ref(request)
    budget.acquire_call(request)
    del request
    gc.collect()
    assert kept() is None  # the window counts the call without holding the request (and its body) for a minute


def test_given_threads_sharing_the_budget_when_they_call_one_endpoint_then_no_window_holds_more_than_the_budget():
    import threading

    budget = EndpointCallBudget(calls_per_minute=5, interval=timedelta(seconds=0.6))
    stamps: list[float] = []
    lock = threading.Lock()

    def caller() -> None:
        for _ in range(3):
            budget.acquire_call(_request("orders"))
            with lock:
                stamps.append(time.monotonic())
            time.sleep(0.02)  # the round trip
            _answer(budget, "orders")

    threads = [threading.Thread(target=caller) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    assert len(stamps) == 18
    assert all(later - earlier >= 0.6 for earlier, later in zip(stamps, stamps[5:], strict=False))


def test_given_429_answers_when_the_budget_hears_them_then_it_counts_them_per_endpoint():
    budget = EndpointCallBudget()
    for path, status in (("orders", 429), ("Orders/1", 429), ("customers", 200), ("customers", 429)):
        _answer(budget, path, status)
    assert (budget.throttled("orders"), budget.throttled("customers"), budget.throttled("articles")) == (2, 1, 0)
