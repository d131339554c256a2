"""The request API the destination uses: same auth, rotation, paging and error mapping as the source."""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from eaccounting_client import EAccountingApiError, EAccountingClient


def test_given_fresh_config_when_first_request_then_refreshes_with_form_body_and_persists_rotated_token(fake, config):
    fake.answer("GET", "/companysettings", 200, {"Name": "Bageri AB"})
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        assert EAccountingClient(config).get("companysettings") == {"Name": "Bageri AB"}
    assert fake.token_requests[0]["grant_type"] == ["refresh_token"]
    assert config["credentials"]["refresh_token"] == "rt-2"  # the caller's config is the one rotated
    control = [json.loads(line) for line in stdout.getvalue().splitlines() if '"CONTROL"' in line]
    assert control[0]["control"]["connectorConfig"]["config"]["credentials"]["refresh_token"] == "rt-2"


def test_given_rotated_config_when_next_run_then_new_refresh_token_works_and_old_one_is_dead(fake, config):
    fake.answer("GET", "/units", 200, {"Meta": {"CurrentPage": 1, "TotalNumberOfPages": 1}, "Data": []})
    with contextlib.redirect_stdout(io.StringIO()):
        EAccountingClient(config).get("units")
        stale = json.loads(json.dumps(config))
        stale["credentials"]["refresh_token"] = "rt-1"
        stale["credentials"].pop("access_token")
        config["credentials"].pop("access_token")  # force the second run to refresh, as after an hour
        EAccountingClient(config).get("units")
        with pytest.raises(AirbyteTracedException) as revoked:
            EAccountingClient(stale).get("units")
    assert "invalid_grant" in revoked.value.message and "re-authorise" in revoked.value.message


def test_given_validation_error_when_post_then_raises_with_developer_message_error_code_and_field(fake, config):
    fake.answer(
        "POST",
        "/customers",
        400,
        {
            "ErrorCode": 2000,
            "DeveloperErrorMessage": "DataModelValidationError",
            "ErrorId": "err-9",
            "Errors": [{"Field": "InvoicePostalCode", "ErrorCode": "Required", "Message": "Field is required"}],
        },
    )
    with contextlib.redirect_stdout(io.StringIO()), pytest.raises(EAccountingApiError) as failure:
        EAccountingClient(config).create("customers", {"Name": "X"})
    message = str(failure.value)
    assert "DataModelValidationError" in message and "ErrorCode 2000" in message
    assert "InvoicePostalCode: Field is required" in message
    assert failure.value.error.error_id == "err-9"


def test_given_created_when_post_then_returns_the_created_object(fake, config):
    fake.answer("POST", "/customers", 201, {"Id": "c-1", "Name": "X"})
    with contextlib.redirect_stdout(io.StringIO()):
        assert EAccountingClient(config).create("customers", {"Name": "X"})["Id"] == "c-1"
    assert fake.api_requests[-1][3] == {"Name": "X"}


def test_given_three_pages_when_listed_then_reads_all_at_max_page_size(fake, config):
    for number in (1, 2, 3):
        fake.answer(
            "GET",
            "/articles",
            200,
            {"Meta": {"CurrentPage": number, "TotalNumberOfPages": 3}, "Data": [{"Id": f"a-{number}"}]},
        )
    with contextlib.redirect_stdout(io.StringIO()):
        ids = [r["Id"] for r in EAccountingClient(config).list("articles")]
    assert ids == ["a-1", "a-2", "a-3"]
    assert {q["$pagesize"][0] for _, _, q, _ in fake.api_requests} == {"1000"}


def test_given_plain_http_to_a_remote_host_when_building_client_then_rejected_naming_the_field():
    with pytest.raises(ValueError, match="api_url must use https"):
        EAccountingClient(
            {
                "api_url": "http://eaccountingapi.vismaonline.com/v2",
                "credentials": {"client_id": "a", "client_secret": "b", "refresh_token": "c"},
            }
        )
