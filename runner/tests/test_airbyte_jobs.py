"""Airbyte mode's client against a loopback Airbyte public API (tests/fakes/airbyte_api.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests

from ledgerbridge.airbyte_jobs import AirbyteAuthError, AirbyteError, AirbyteJobs

from .fakes.airbyte_api import AirbyteBackend, FakeAirbyteApi

CONNECTION = "18dccc91-0ab1-4f72-9ed7-0b8fc27c5826"
SECRET = "airbyte-app-secret-9f2c"


@pytest.fixture
def backend() -> AirbyteBackend:
    return AirbyteBackend(client_id="ledgerbridge-app", client_secret=SECRET, connections={CONNECTION: ["succeeded"]})


@pytest.fixture
def airbyte(backend: AirbyteBackend) -> Iterator[FakeAirbyteApi]:
    with FakeAirbyteApi(backend) as api:
        yield api


def _client(airbyte: FakeAirbyteApi, secret: str = SECRET) -> AirbyteJobs:
    return AirbyteJobs(airbyte.url, "ledgerbridge-app", secret, poll_interval=0.01)


def test_given_valid_credentials_when_a_sync_starts_then_airbyte_runs_a_sync_job_of_that_connection(
    airbyte: FakeAirbyteApi, backend: AirbyteBackend
) -> None:
    job_id = _client(airbyte).start_sync(CONNECTION)

    job = backend.jobs[int(job_id)]
    assert (job.connection_id, job.job_type) == (CONNECTION, "sync")


def test_given_a_fresh_token_when_several_calls_are_made_then_one_token_serves_them_all(
    airbyte: FakeAirbyteApi, backend: AirbyteBackend
) -> None:
    client = _client(airbyte)

    for _ in range(3):
        client.wait(client.start_sync(CONNECTION), timeout=5)

    assert backend.tokens_issued == 1


def test_given_a_token_near_its_expiry_when_the_next_call_is_made_then_a_new_token_is_bought_first(
    airbyte: FakeAirbyteApi, backend: AirbyteBackend
) -> None:
    backend.token_lifetime = 61  # renewed a minute early: usable for one second
    client = _client(airbyte)
    client.start_sync(CONNECTION)
    client.start_sync(CONNECTION)
    assert backend.tokens_issued == 1

    time.sleep(1.2)
    client.start_sync(CONNECTION)

    assert backend.tokens_issued == 2


def test_given_a_token_revoked_by_airbyte_when_called_then_the_client_buys_a_new_one_and_goes_on(
    airbyte: FakeAirbyteApi, backend: AirbyteBackend
) -> None:
    client = _client(airbyte)
    client.start_sync(CONNECTION)
    backend.tokens.clear()

    job_id = client.start_sync(CONNECTION)

    assert int(job_id) in backend.jobs and backend.tokens_issued == 2


@pytest.mark.parametrize(
    ("statuses", "final", "ok"),
    [
        (["pending", "running", "incomplete", "running", "succeeded"], "succeeded", True),
        (["pending", "running", "failed"], "failed", False),
        (["running", "cancelled"], "cancelled", False),
    ],
)
def test_given_a_job_when_waited_for_then_the_outcome_is_its_final_status(
    airbyte: FakeAirbyteApi, backend: AirbyteBackend, statuses: list[str], final: str, ok: bool
) -> None:
    backend.connections[CONNECTION] = statuses
    client = _client(airbyte)
    job_id = client.start_sync(CONNECTION)

    outcome = client.wait(job_id, timeout=10)

    assert (outcome.status, outcome.ok) == (final, ok)
    assert outcome.message == f"Airbyte job {job_id} {final}"
    assert backend.jobs[int(job_id)].reads == len(statuses)


def test_given_a_job_that_keeps_running_when_the_wait_times_out_then_the_outcome_is_not_ok(
    airbyte: FakeAirbyteApi, backend: AirbyteBackend
) -> None:
    backend.connections[CONNECTION] = ["running"]
    client = _client(airbyte)
    job_id = client.start_sync(CONNECTION)

    outcome = client.wait(job_id, timeout=0.2)

    assert (outcome.status, outcome.ok) == ("running", False)
    assert "still running after 0.2 s" in outcome.message


def test_given_airbyte_unavailable_for_a_while_when_waited_for_then_polling_goes_on_to_the_outcome(
    airbyte: FakeAirbyteApi, backend: AirbyteBackend
) -> None:
    backend.connections[CONNECTION] = ["running", "succeeded"]
    client = _client(airbyte)
    job_id = client.start_sync(CONNECTION)
    backend.unavailable_reads = 3

    outcome = client.wait(job_id, timeout=10)

    assert (outcome.status, outcome.ok) == ("succeeded", True)
    assert backend.unavailable_reads == 0


def test_given_airbyte_unavailable_until_the_deadline_when_waited_for_then_the_outcome_says_so(
    airbyte: FakeAirbyteApi, backend: AirbyteBackend
) -> None:
    client = _client(airbyte)
    job_id = client.start_sync(CONNECTION)
    backend.unavailable_reads = 10_000

    outcome = client.wait(job_id, timeout=0.2)

    assert not outcome.ok and "HTTP 503" in outcome.message


def test_given_a_wrong_secret_when_a_sync_starts_then_the_error_names_the_client_id_and_not_the_secret(
    airbyte: FakeAirbyteApi,
) -> None:
    wrong = "not-the-secret-7a1b"

    with pytest.raises(AirbyteAuthError) as raised:
        _client(airbyte, secret=wrong).start_sync(CONNECTION)

    message = str(raised.value)
    assert raised.value.status == 401
    assert "refused the client id ledgerbridge-app" in message and airbyte.url in message
    assert wrong not in message and wrong not in repr(_client(airbyte, secret=wrong))


def test_given_a_connection_the_application_cannot_see_when_a_sync_starts_then_the_refusal_is_an_auth_error(
    airbyte: FakeAirbyteApi,
) -> None:
    with pytest.raises(AirbyteAuthError) as raised:
        _client(airbyte).start_sync("00000000-0000-0000-0000-000000000000")

    assert raised.value.status == 403 and "no access to connection" in str(raised.value)


def test_given_no_airbyte_listening_when_a_sync_starts_then_the_error_says_it_could_not_be_reached() -> None:
    client = AirbyteJobs("http://127.0.0.1:9/v1", "ledgerbridge-app", SECRET, request_timeout=2)

    with pytest.raises(AirbyteError) as raised:
        client.start_sync(CONNECTION)

    assert raised.value.status == 0 and "could not be reached" in str(raised.value)
    assert SECRET not in str(raised.value)


def test_given_the_fake_when_a_body_breaks_the_published_schema_then_it_answers_400(airbyte: FakeAirbyteApi) -> None:
    token = requests.post(
        f"{airbyte.url}/applications/token",
        json={"client_id": "ledgerbridge-app", "client_secret": SECRET, "grant_type": "client_credentials"},
        timeout=5,
    ).json()["access_token"]

    response = requests.post(
        f"{airbyte.url}/jobs",
        json={"connectionId": CONNECTION},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )

    assert response.status_code == 400 and "'jobType' is a required property" in response.json()["detail"]
