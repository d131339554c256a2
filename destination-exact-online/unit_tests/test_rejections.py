"""Which client failures fail one record and which stop the sync; the error budget per endpoint."""

import logging

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_exact_online.quiet_http_log import DropRequestBodies
from destination_exact_online.rejections import ErrorBudget, rejection_of
from exact_online_client import DailyBudgetExhausted
from ledgerbridge_writer import RecordWriteError


def traced(message, failure_type=FailureType.system_error):
    return AirbyteTracedException(message=message, failure_type=failure_type)


def test_given_a_400_naming_a_property_when_classified_then_the_record_fails_on_that_property():
    error = traced("Exact Online rejected the request (400: Mandatory field is missing: 'OrderedBy').")
    rejection = rejection_of(error, "salesorder/SalesOrders")
    assert rejection.field == "OrderedBy" and "400" in rejection.message


def test_given_a_404_without_a_property_when_classified_then_the_collection_is_named():
    rejection = rejection_of(
        traced("Exact Online rejected the request (404: Not found).", FailureType.config_error), "logistics/Items"
    )
    assert rejection.field == "logistics/Items"


@pytest.mark.parametrize(
    "error",
    [
        DailyBudgetExhausted("240891", 1_700_000_000_000),
        traced("Exact Online refused access (403: Forbidden - WrongDivision).", FailureType.config_error),
        traced("Exact Online answered 503: busy; retrying.", FailureType.transient_error),
    ],
    ids=["daily-budget", "forbidden", "server-down"],
)
def test_given_a_failure_that_is_not_about_the_record_when_classified_then_the_sync_stops(error):
    assert rejection_of(error, "crm/Accounts") is None


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
