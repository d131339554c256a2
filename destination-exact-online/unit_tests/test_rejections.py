"""Which client failures fail one record and which stop the sync; the error budget per endpoint."""

import json
import logging

import pytest
import requests

from destination_exact_online.quiet_http_log import DropRequestBodies
from destination_exact_online.rejections import ErrorBudget, rejection_of
from exact_online_client import ExactOnlineApiError
from exact_online_client.errors import is_refusal_of_the_request
from ledgerbridge_writer import RecordWriteError


def answer(status: int, body: dict) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    return response


def odata_error(code: str, text: str) -> dict:
    return {"error": {"code": code, "message": {"lang": "en-US", "value": text}}}


def test_given_a_400_naming_a_property_when_classified_then_the_record_fails_on_that_property():
    error = ExactOnlineApiError.from_response(answer(400, odata_error("", "Mandatory field is missing: 'OrderedBy'")))
    assert (error.status, error.field) == (400, "OrderedBy")
    rejection = rejection_of(error, "salesorder/SalesOrders")
    assert rejection.field == "OrderedBy" and "400" in rejection.message and "Mandatory field" in rejection.message


def test_given_a_404_without_a_property_when_classified_then_the_collection_is_named():
    error = ExactOnlineApiError.from_response(answer(404, odata_error("NotFound", "Not found")))
    assert (error.code, error.field) == ("NotFound", None)
    assert rejection_of(error, "logistics/Items").field == "logistics/Items"


@pytest.mark.parametrize("status", [401, 403, 429, 500, 503])
def test_given_an_answer_that_is_not_about_the_request_when_classified_then_it_is_no_refusal(status):
    assert not is_refusal_of_the_request(status)


@pytest.mark.parametrize("status", [400, 404, 409, 422])
def test_given_a_4xx_about_the_request_when_classified_then_it_is_a_refusal(status):
    assert is_refusal_of_the_request(status)


def test_given_three_refusals_on_an_endpoint_when_writing_more_then_they_are_not_sent():
    budget = ErrorBudget(limit=3)
    for _ in range(3):
        budget.check("crm/Accounts")
        budget.count("crm/Accounts")
    budget.check("logistics/Items")
    with pytest.raises(RecordWriteError, match="10 errors on one endpoint"):
        budget.check("crm/Accounts")


def test_given_the_cdk_logs_a_refused_request_then_its_body_with_personal_data_is_dropped():
    record = logging.LogRecord(
        "x",
        logging.ERROR,
        __file__,
        1,
        "'POST' request to 'u' failed with status code '400' and error message: 'm'. Request (body): "
        "'{\"Email\": \"anna@example.se\"}'. Response (body): ''.",
        (),
        None,
    )
    DropRequestBodies().filter(record)
    assert record.getMessage() == "'POST' request to 'u' failed with status code '400'"
