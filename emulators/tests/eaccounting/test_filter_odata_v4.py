"""``$filter`` is OData v4, as the real API parses it with ASP.NET OData: v2 typed literals and quoted dates or GUIDs
are refused with the API's query error (ErrorCode 6000 QueryParameterError), v4 literals are answered.

Sources: research/eaccounting.md §3 ("$filter — OData v4 expression", v4 examples such as
``VoucherDate ge 2024-01-01T00:00:00.00Z``; the 2020 description's ``ODataQueryOptions`` → ASP.NET Web API OData) and
the error catalogue (6000 QueryParameterError, 6001 InvalidInput); PyPI ``visma`` 0.1.0 quotes strings and leaves UUIDs
unquoted. Before this change the emulator answered 200 to every refused filter below.
"""

from __future__ import annotations

import pytest

from tests.eaccounting.conftest import Emulator

V2_OR_MISTYPED = [
    pytest.param("customers", "ChangedUtc gt datetime'2024-05-01T00:00:00'", id="v2-datetime-literal"),
    pytest.param("customers", "ChangedUtc gt datetimeoffset'2024-05-01T00:00:00Z'", id="v2-datetimeoffset-literal"),
    pytest.param("customers", "Id eq guid'8f5b5f2a-1c1e-4c55-9d51-3f0a1e6f2b10'", id="v2-guid-literal"),
    pytest.param("customers", "ChangedUtc gt '2024-05-01'", id="quoted-string-vs-date"),
    pytest.param("orders", "ModifiedUtc ge '2024-05-01T00:00:00Z'", id="quoted-string-vs-date-time"),
    pytest.param("customers", "Id eq '8f5b5f2a-1c1e-4c55-9d51-3f0a1e6f2b10'", id="quoted-string-vs-guid"),
]


@pytest.mark.parametrize(("collection", "expression"), V2_OR_MISTYPED)
def test_given_v2_or_mistyped_literal_when_filtering_then_refused_as_query_parameter_error(
    emulator: Emulator, api, collection: str, expression: str
) -> None:
    response = api.get(f"{emulator.api_url}/{collection}", params={"$filter": expression})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["ErrorCode"] == 6000
    assert body["DeveloperErrorMessage"]


V4_LITERALS = [
    pytest.param("customers", "ChangedUtc gt 2024-05-01T00:00:00Z", id="date-time-utc"),
    pytest.param("customers", "ChangedUtc gt 2024-05-01T00:00:00.00Z", id="date-time-fraction"),
    pytest.param("customers", "ChangedUtc gt 2024-05-01T02:00:00+02:00", id="date-time-offset"),
    pytest.param("orders", "ModifiedUtc ge 2024-05-01T00:00:00Z and Status ge 1", id="and-number"),
    pytest.param("customers", "Id eq 8f5b5f2a-1c1e-4c55-9d51-3f0a1e6f2b10", id="bare-guid"),
    pytest.param("customers", "CustomerNumber eq '1001' or Name eq 'O''Brien AB'", id="quoted-strings"),
    pytest.param("articles", "startswith(Number,'F') and IsActive eq true", id="function-and-boolean"),
]


@pytest.mark.parametrize(("collection", "expression"), V4_LITERALS)
def test_given_v4_literals_when_filtering_then_answered(emulator: Emulator, api, collection: str, expression: str):
    response = api.get(f"{emulator.api_url}/{collection}", params={"$filter": expression})
    assert response.status_code == 200, response.text
    assert "Data" in response.json()


def test_given_bare_guid_of_a_customer_when_filtering_by_id_then_that_customer(emulator: Emulator, api) -> None:
    target = api.get(f"{emulator.api_url}/customers", params={"$pagesize": 5}).json()["Data"][4]
    found = api.get(f"{emulator.api_url}/customers", params={"$filter": f"Id eq {target['Id']}"}).json()["Data"]
    assert [customer["Id"] for customer in found] == [target["Id"]]
