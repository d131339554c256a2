"""Records replayed from a PyAirbyte cache get the source's field names and nested values back."""

from __future__ import annotations

from ledgerbridge_writer.cached_records import CachedRecordShape

SALES_ORDER_SCHEMA = {
    "type": "object",
    "properties": {
        "ID": {"type": "string"},
        "OrderNumber": {"type": ["null", "integer"]},
        "SalesOrderLines": {"type": ["null", "array"], "items": {"type": "object"}},
        "Modified": {"type": ["null", "string"], "format": "date-time"},
    },
}


def test_given_a_row_from_a_pyairbyte_cache_when_restored_then_the_source_names_come_back_without_airbyte_columns():
    row = {
        "id": "a1",
        "ordernumber": 1042,
        "saleslinesx": "kept as it came",
        "saleorderlines_unrelated": None,
        "salesorderlines": '[{"Item": "i1", "Quantity": 2}]',
        "modified": "2026-09-08T00:00:00Z",
        "_airbyte_raw_id": "r",
        "_airbyte_extracted_at": "2026-12-07T01:00:00Z",
        "_airbyte_meta": {"changes": []},
    }

    restored = CachedRecordShape(SALES_ORDER_SCHEMA).restore(row)

    assert restored == {
        "ID": "a1",
        "OrderNumber": 1042,
        "saleslinesx": "kept as it came",
        "saleorderlines_unrelated": None,
        "SalesOrderLines": [{"Item": "i1", "Quantity": 2}],
        "Modified": "2026-09-08T00:00:00Z",
    }


def test_given_a_record_as_the_source_sent_it_when_restored_then_it_is_the_same_object():
    record = {"ID": "a1", "OrderNumber": 1042, "SalesOrderLines": [{"Item": "i1"}]}

    assert CachedRecordShape(SALES_ORDER_SCHEMA).restore(record) is record


def test_given_a_stream_without_a_schema_when_restored_then_only_airbyte_columns_are_dropped():
    restored = CachedRecordShape({}).restore({"Id": "c1", "_airbyte_raw_id": "r"})

    assert restored == {"Id": "c1"}
