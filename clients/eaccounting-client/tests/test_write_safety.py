"""A create whose answer was lost is never sent twice by the client; reads and updates keep their retries."""

from __future__ import annotations

import contextlib
import io
import socket

import pytest
import requests

from eaccounting_client import AmbiguousWriteError, EAccountingClient, certainly_not_sent

SERVER_ERROR = {"ErrorCode": 5000, "DeveloperErrorMessage": "InternalServerError", "ErrorId": "e-5"}
PAGE = {"Meta": {"CurrentPage": 1, "TotalNumberOfPages": 1}, "Data": [{"Id": "u-1"}]}


def _sent(fake, method: str, path: str) -> int:
    return sum(1 for m, p, _, _ in fake.api_requests if (m, p) == (method, path))


@pytest.fixture
def client(config):
    with contextlib.redirect_stdout(io.StringIO()):  # the token rotation's CONTROL message
        yield EAccountingClient(config)


def test_given_connection_dropped_after_the_order_was_processed_when_post_then_ambiguous_and_sent_once(fake, client):
    fake.answer_lost("POST", "/orders")
    with pytest.raises(AmbiguousWriteError) as lost:
        client.create("orders", {"CustomerId": "c-1"})
    assert _sent(fake, "POST", "/orders") == 1
    assert lost.value.method == "POST" and lost.value.url.endswith("/v2/orders")
    assert "may or may not have been stored" in str(lost.value)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_given_server_error_when_post_then_ambiguous_naming_the_status_and_sent_once(fake, client, status):
    fake.answer("POST", "/customers", status, SERVER_ERROR)
    with pytest.raises(AmbiguousWriteError, match=f"HTTP {status}"):
        client.create("customers", {"Name": "X"})
    assert _sent(fake, "POST", "/customers") == 1


def test_given_rate_limited_when_post_then_sent_again_because_nothing_was_processed(fake, client):
    fake.answer("POST", "/customers", 429, {"ErrorCode": 4010, "DeveloperErrorMessage": "Try again in 1 seconds."})
    fake.answer("POST", "/customers", 201, {"Id": "c-9"})
    assert client.create("customers", {"Name": "X"}) == {"Id": "c-9"}
    assert _sent(fake, "POST", "/customers") == 2


def test_given_connection_dropped_when_get_then_retried_and_the_page_returned(fake, client):
    fake.answer_lost("GET", "/units")
    fake.answer("GET", "/units", 200, PAGE)
    assert client.get("units") == PAGE
    assert _sent(fake, "GET", "/units") == 2


def test_given_server_error_when_put_of_a_known_id_then_retried_because_repeating_it_is_harmless(fake, client):
    fake.answer("PUT", "/orders/o-1", 500, SERVER_ERROR)
    fake.answer("PUT", "/orders/o-1", 200, {"Id": "o-1"})
    assert client.update("orders", "o-1", {"CustomerId": "c-1"}) == {"Id": "o-1"}
    assert _sent(fake, "PUT", "/orders/o-1") == 2


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_given_connection_refused_when_classified_then_certainly_not_sent():
    with pytest.raises(requests.ConnectionError) as refused:
        requests.post(f"http://127.0.0.1:{_closed_port()}/v2/orders", json={}, timeout=2)
    assert certainly_not_sent(refused.value)


def test_given_answer_dropped_when_classified_then_not_certainly_unsent(fake):
    fake.answer_lost("POST", "/orders")
    with pytest.raises(requests.ConnectionError) as dropped:
        requests.post(f"{fake.base_url}/v2/orders", json={}, headers={"Authorization": "Bearer at-1"}, timeout=2)
    assert not certainly_not_sent(dropped.value)
    assert not certainly_not_sent(requests.ReadTimeout("read timed out"))
