from __future__ import annotations

import pytest

from exact_online_client.values import (
    RecordTyper,
    ValueFormatError,
    parse_exact_datetime,
    to_exact_datetime_literal,
    to_wire_datetime,
)


@pytest.mark.parametrize(
    ("wire", "utc"),
    [
        ("/Date(1640995200000)/", "2021-12-31T23:00:00Z"),  # winter: CET = UTC+1
        ("/Date(1656662400000)/", "2022-07-01T06:00:00Z"),  # summer: CEST = UTC+2
        ("/Date(1656662400123)/", "2022-07-01T06:00:00.123Z"),
        ("/Date(-86400000)/", "1969-12-30T23:00:00Z"),
    ],
)
def test_given_exact_wire_date_when_parsed_then_amsterdam_wall_clock_becomes_utc(wire, utc):
    assert parse_exact_datetime(wire) == utc


def test_given_the_autumn_dst_hour_when_parsed_then_the_first_occurrence_is_taken():
    # 2023-10-29 02:30 happens twice in Amsterdam; Exact's wall clock cannot tell, the CEST reading is used
    assert parse_exact_datetime("/Date(1698546600000)/") == "2023-10-29T00:30:00Z"


def test_given_utc_instant_when_written_for_exact_then_round_trips_through_the_wall_clock():
    assert to_wire_datetime("2022-07-01T06:00:00Z") == "/Date(1656662400000)/"
    assert parse_exact_datetime(to_wire_datetime("2021-12-31T23:00:00Z")) == "2021-12-31T23:00:00Z"
    assert to_exact_datetime_literal("2023-11-14T10:00:00Z") == "2023-11-14T11:00:00"


SCHEMA = {
    "properties": {
        "Code": {"type": ["null", "string"]},
        "Quantity": {"type": ["null", "number"]},
        "LineNumber": {"type": ["null", "integer"]},
        "IsSales": {"type": ["null", "boolean"]},
        "Created": {"type": ["null", "string"], "format": "date-time"},
        "Lines": {"type": ["null", "array"], "items": {"properties": {"Quantity": {"type": ["null", "number"]}}}},
    }
}


def test_given_strings_for_typed_fields_when_typed_then_json_types_follow_the_schema():
    typer = RecordTyper(SCHEMA, trimmed=frozenset({"Code"}))
    record = typer(
        {
            "__metadata": {"uri": "x"},
            "Code": "              1068",
            "Quantity": "2.50",
            "LineNumber": "3",
            "IsSales": "True",
            "Created": "/Date(1640995200000)/",
            "Lines": {"results": [{"Quantity": "1"}]},
            "Unknown": "kept",
        }
    )
    assert record == {
        "Code": "1068",
        "Quantity": 2.5,
        "LineNumber": 3,
        "IsSales": True,
        "Created": "2021-12-31T23:00:00Z",
        "Lines": [{"Quantity": 1.0}],
        "Unknown": "kept",
    }


def test_given_deferred_lines_when_typed_then_they_are_not_passed_on_as_objects():
    record = RecordTyper(SCHEMA)({"Lines": {"__deferred": {"uri": "https://x/Lines"}}})
    assert record["Lines"] is None


def test_given_a_value_that_is_not_its_type_when_typed_then_the_error_names_stream_and_field():
    typer = RecordTyper(SCHEMA, where="stream 'items'")
    with pytest.raises(ValueFormatError, match=r"stream 'items' field 'LineNumber'"):
        typer({"LineNumber": "three"})
