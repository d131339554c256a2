import pytest
from pydantic import ValidationError

from ledgerbridge_mappings.plan import RecordRejected
from ledgerbridge_mappings.shared.field_map import apply_field_map
from ledgerbridge_mappings.shared.paths import parse_path, read
from ledgerbridge_mappings.shared.rules.field_map import FieldMapEntry, FieldMapRules

SOURCE = {
    "YourRef": "  po-77  ",
    "Remarks": "Leave at the back door, ring twice please",
    "OrderDate": "2024-05-01T00:00:00+00:00",
    "AmountDC": 1234.5678,
    "PaymentCondition": "B",
    "AddressLine1": "Keizersgracht 123",
    "AddressLine2": "3e verdieping",
    "AddressLine3": None,
    "Empty": "",
    "SalesOrderLines": [{"Notes": "gift wrap"}, {"Notes": None}, {"Notes": "fragile"}],
}


def entry(source, target, *transforms):
    return FieldMapEntry.model_validate({"source": source, "target": target, "transforms": list(transforms)})


@pytest.mark.parametrize(
    ("source", "transforms", "expected"),
    [
        pytest.param("YourRef", [{"name": "trim"}], "po-77", id="trim"),
        pytest.param("YourRef", [{"name": "trim"}, {"name": "upper"}], "PO-77", id="upper"),
        pytest.param("AddressLine1", [{"name": "lower"}], "keizersgracht 123", id="lower"),
        pytest.param("Remarks", [{"name": "truncate", "length": 10}], "Leave at t", id="truncate"),
        pytest.param("Missing", [{"name": "default", "value": "n/a"}], "n/a", id="default-for-missing"),
        pytest.param("Empty", [{"name": "default", "value": "n/a"}], "n/a", id="default-for-empty"),
        pytest.param("YourRef", [{"name": "default", "value": "n/a"}], "  po-77  ", id="default-keeps-value"),
        pytest.param(
            "PaymentCondition",
            [{"name": "map", "table": [{"source_value": "B", "target_value": "Bank transfer"}]}],
            "Bank transfer",
            id="map-hit",
        ),
        pytest.param(
            "AddressLine1",
            [{"name": "concat", "paths": ["AddressLine2", "AddressLine3"], "separator": ", "}],
            "Keizersgracht 123, 3e verdieping",
            id="concat-skips-empty",
        ),
        pytest.param("OrderDate", [{"name": "date_format", "format": "%d-%m-%Y"}], "01-05-2024", id="date-format"),
        pytest.param("AmountDC", [{"name": "number_format", "decimals": 2}], 1234.57, id="number-format"),
        pytest.param(
            "AmountDC",
            [{"name": "number_format", "decimals": 1, "as_text": True, "decimal_separator": ","}],
            "1234,6",
            id="number-format-as-text-with-comma",
        ),
    ],
)
def test_given_a_named_transform_when_the_map_runs_then_the_target_gets_the_transformed_value(
    source, transforms, expected
):
    body = apply_field_map([entry(source, "Custom", *transforms)], SOURCE, {})
    assert body["Custom"] == expected


@pytest.mark.parametrize(
    ("unmapped", "expected"),
    [pytest.param("keep", "Z", id="keep"), pytest.param("empty", "filled-by-rules", id="empty-leaves-rules-value")],
)
def test_given_a_value_missing_from_the_table_then_the_unmapped_policy_applies(unmapped, expected):
    transform = {"name": "map", "table": [{"source_value": "B", "target_value": "X"}], "unmapped": unmapped}
    body = apply_field_map([entry("Code", "Custom", transform)], {"Code": "Z"}, {"Custom": "filled-by-rules"})
    assert body["Custom"] == expected


def test_given_unmapped_error_when_the_value_is_not_in_the_table_then_the_record_is_rejected_naming_the_target():
    transform = {"name": "map", "table": [{"source_value": "B", "target_value": "X"}], "unmapped": "error"}
    with pytest.raises(RecordRejected) as raised:
        apply_field_map([entry("Code", "Custom", transform)], {"Code": "Z"}, {})
    assert raised.value.field == "Custom" and "'Z'" in raised.value.message


@pytest.mark.parametrize(
    ("transform", "value"),
    [
        pytest.param({"name": "date_format", "format": "%Y"}, "yesterday", id="date-not-iso"),
        pytest.param({"name": "number_format"}, "twelve", id="number-not-numeric"),
    ],
)
def test_given_a_value_the_transform_cannot_read_when_mapped_then_the_record_is_rejected(transform, value):
    with pytest.raises(RecordRejected) as raised:
        apply_field_map([entry("Value", "Text", transform)], {"Value": value}, {})
    assert raised.value.field == "Text"


def test_given_wildcard_paths_when_mapped_then_each_line_goes_to_its_row_and_missing_values_leave_the_row_alone():
    body = {"Rows": [{"Text": "a"}, {"Text": "b"}, {"Text": "c"}, {"Text": "shipping"}]}
    apply_field_map([entry("SalesOrderLines[*].Notes", "Rows[*].Text", {"name": "upper"})], SOURCE, body)
    assert [r["Text"] for r in body["Rows"]] == ["GIFT WRAP", "b", "FRAGILE", "shipping"]


def test_given_an_indexed_and_nested_target_when_mapped_then_intermediate_objects_are_created():
    body = apply_field_map(
        [
            entry(
                "SalesOrderLines[2].Notes",
                "Extra.Note",
            )
        ],
        SOURCE,
        {},
    )
    assert body == {"Extra": {"Note": "fragile"}}


def test_given_a_missing_source_when_mapped_then_the_rules_value_is_not_blanked():
    body = apply_field_map([entry("Nope", "YourReference")], SOURCE, {"YourReference": "PO-1"})
    assert body["YourReference"] == "PO-1"


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(
            {"source": "A", "target": "B", "transforms": [{"name": "eval", "code": "1+1"}]}, id="unknown-transform"
        ),
        pytest.param(
            {"source": "A", "target": "B", "transforms": [{"name": "truncate", "length": 0}]}, id="truncate-zero"
        ),
        pytest.param(
            {"source": "A", "target": "B", "transforms": [{"name": "truncate"}]}, id="truncate-without-length"
        ),
        pytest.param(
            {"source": "A", "target": "B", "transforms": [{"name": "trim", "chars": "x"}]}, id="extra-parameter"
        ),
        pytest.param(
            {"source": "A", "target": "B", "transforms": [{"name": "map", "table": []}]}, id="map-empty-table"
        ),
        pytest.param(
            {
                "source": "A",
                "target": "B",
                "transforms": [
                    {
                        "name": "map",
                        "table": [
                            {"source_value": "x", "target_value": "1"},
                            {"source_value": "x", "target_value": "2"},
                        ],
                    }
                ],
            },
            id="map-duplicate-key",
        ),
        pytest.param(
            {
                "source": "A",
                "target": "B",
                "transforms": [
                    {"name": "map", "table": [{"source_value": "x", "target_value": "1"}], "unmapped": "guess"}
                ],
            },
            id="map-bad-policy",
        ),
        pytest.param(
            {"source": "A", "target": "B", "transforms": [{"name": "concat", "paths": []}]}, id="concat-no-paths"
        ),
        pytest.param(
            {"source": "A", "target": "B", "transforms": [{"name": "concat", "paths": ["Lines[*].X"]}]},
            id="concat-wildcard",
        ),
        pytest.param(
            {"source": "A", "target": "B", "transforms": [{"name": "date_format", "format": "yyyy-mm-dd"}]},
            id="date-without-directive",
        ),
        pytest.param(
            {"source": "A", "target": "B", "transforms": [{"name": "date_format", "format": "%Y-%Q"}]},
            id="date-unknown-directive",
        ),
        pytest.param(
            {"source": "A", "target": "B", "transforms": [{"name": "number_format", "decimals": 9}]},
            id="number-too-many-decimals",
        ),
        pytest.param(
            {"source": "A", "target": "B", "transforms": [{"name": "number_format", "decimal_separator": ";"}]},
            id="number-bad-separator",
        ),
        pytest.param({"source": "A..B", "target": "B"}, id="bad-source-path"),
        pytest.param({"source": "A", "target": "Rows[*]"}, id="target-ends-in-index"),
        pytest.param({"source": "Lines[*].A", "target": "B"}, id="wildcard-only-on-one-side"),
        pytest.param({"source": "A[*].B[*].C", "target": "R[*].S[*].T"}, id="two-wildcards"),
        pytest.param({"source": "A", "target": "B", "applies_to": "warehouse"}, id="unknown-scope"),
    ],
)
def test_given_bad_transform_parameters_when_the_config_is_validated_then_it_is_rejected(config):
    with pytest.raises(ValidationError):
        FieldMapRules.model_validate({"entries": [config]})


def test_given_a_path_with_indexes_when_parsed_then_steps_are_keys_and_indexes():
    assert parse_path("Rows[0].Lines[*].Text").steps == ("Rows", 0, "Lines", "*", "Text")
    assert read({"Rows": [{"Lines": [{"Text": "a"}, {"Text": "b"}]}]}, parse_path("Rows[0].Lines[*].Text")) == [
        "a",
        "b",
    ]
