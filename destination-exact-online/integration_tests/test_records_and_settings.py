"""Bad records, dry run, check and token rotation, through the destination's console script on the Exact emulator."""

from __future__ import annotations

import json

from integration_tests.emulators import PRICES_IN_EUR, Connection
from ledgerbridge_testkit import console_script, run_connector, writes

GOOD_CUSTOMER = {
    "Id": "11111111-0000-0000-0000-000000000001",
    "CustomerNumber": "9001",
    "Name": "Общество Восток",  # non-Latin text is fine
    "EmailAddress": "info@vostok.example",
    "IsPrivatePerson": False,
    "ContactPersonName": "Ирина Петрова",
    "InvoiceCountryCode": "SE",
    "InvoiceCity": "東京",
}
GOOD_ARTICLE = {
    "Id": "22222222-0000-0000-0000-000000000001",
    "Number": "LB-GOOD-1",
    "Name": "Good article",
    "IsActive": True,
    "IsStock": True,
    "NetPrice": 100.0,
    "StockBalance": 7,
    "StockBalanceReserved": 2,
}


def customer(n, **changes):
    return {
        **GOOD_CUSTOMER,
        "Id": f"11111111-0000-0000-0000-00000000010{n}",
        "CustomerNumber": f"91{n}",
        "EmailAddress": f"bad{n}@corpus.example",
        **changes,
    }


def article(n, **changes):
    return {**GOOD_ARTICLE, "Id": f"22222222-0000-0000-0000-00000000010{n}", "Number": f"LB-BAD-{n}", **changes}


CORPUS = [
    ("customers", customer(1, EmailAddress=None), "EmailAddress"),
    ("customers", customer(2, InvoiceCountryCode="Atlantis"), "InvoiceCountryCode"),
    ("customers", customer(3, Name="   "), "Name"),
    ("articles", article(1, Barcodes=[{"Barcode": "ABC-123", "BarcodeType": 0}]), "Barcodes[0].Barcode"),
    ("articles", article(2, Name="x" * 61), "Name"),
    ("articles", article(3, NetPrice=-5), "NetPrice"),
    ("articles", article(4, Number=None), "Number"),
    ("articles", article(5, StockBalance=None), "StockBalance"),
    (
        "orders",
        {
            "Id": "33333333-0000-0000-0000-000000000001",
            "Number": 77,
            "Status": 3,
            "OurReference": "Exact SO 999999",
            "Rows": [],
        },
        "OurReference",
    ),
]


def compact(message):
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def record_lines(records):
    lines = [compact({"type": "RECORD", "record": {"stream": s, "data": d, "emitted_at": 0}}) for s, d in records]
    for stream in ("customers", "articles", "orders"):
        state = {"stream_descriptor": {"name": stream}, "stream_state": {"cursor": 1}}
        lines.append(compact({"type": "STATE", "state": {"type": "STREAM", "stream": state}}))
    return "\n".join(lines)


def assert_ended_by_its_failures(result) -> None:
    """Exit 0 when every record was handled; with failed records, exit 1 and one config_error trace naming their
    count, as the last message (after every state of what was written)."""
    failed = [a for a in result.activity if a["action"] == "failed"]
    errors = [m for m in result.destination if m["type"] == "TRACE" and m["trace"].get("type") == "ERROR"]
    if not failed:
        assert result.returncode == 0 and errors == [], result.stderr[-2000:]
        return
    assert result.returncode == 1, result.stderr[-2000:]
    [error] = [m["trace"]["error"] for m in errors]
    assert result.destination[-1]["type"] == "TRACE"
    assert error["failure_type"] == "config_error"
    assert error["message"].startswith(f"{len(failed)} record(s) ")


def test_given_a_corpus_of_bad_records_when_written_then_each_fails_naming_its_field_and_the_good_ones_land(
    eaccounting, exact, tmp_path
):
    connection = Connection(eaccounting, exact, ["customers", "articles", "orders"], tmp_path, PRICES_IN_EUR)
    records = [("customers", GOOD_CUSTOMER), ("articles", GOOD_ARTICLE)] + [(s, r) for s, r, _ in CORPUS]
    result = connection.write_destination(record_lines(records))
    assert_ended_by_its_failures(result)
    assert len([a for a in result.activity if a["action"] == "failed"]) == len(CORPUS)
    outcome = {(a["stream"], a["source_id"]): a for a in result.activity}
    for stream, record, field in CORPUS:
        line = outcome[(stream, record["Id"])]
        assert (line["action"], line["field"]) == ("failed", field), line
    assert outcome[("customers", GOOD_CUSTOMER["Id"])]["action"] == "created"
    assert outcome[("articles", GOOD_ARTICLE["Id"])]["action"] == "created"
    assert {r["status"] for r in writes(exact.requests_log())} == {201}, "Exact never sees a request we knew was bad"
    assert result.states == [], "every stream had a failure, so no state moves on"
    text = "\n".join(m["log"]["message"] for m in result.destination if m["type"] == "LOG")
    assert "info@vostok.example" not in text and "Восток" not in text, "the activity log carries ids only"


def test_given_dry_run_when_written_then_exact_sees_no_write_no_state_moves_and_the_plan_is_logged(
    eaccounting, exact, tmp_path
):
    connection = Connection(
        eaccounting, exact, ["customers", "articles"], tmp_path, PRICES_IN_EUR, destination_options={"dry_run": True}
    )
    result = connection.sync()
    assert_ended_by_its_failures(result)
    assert writes(exact.requests_log()) == [] and result.states == []
    planned = [a for a in result.activity if a["action"] == "planned"]
    assert planned and all(a["dry_run"] for a in planned)
    assert any("would create" in w["reason"] for a in planned for w in a.get("writes", [a]))


def check(config, tmp_path):
    path = tmp_path / "check.json"
    path.write_text(json.dumps(config))
    done = run_connector([console_script("destination-exact-online"), "check", "--config", str(path)], tmp_path)
    [status] = [m["connectionStatus"] for m in done.of_type("CONNECTION_STATUS")]
    return status


def test_given_settings_exact_does_not_have_when_checked_then_check_fails_naming_each_setting(exact, tmp_path):
    mapping = {"items": {"sales_vat_code": "ZZ", "prices": {"currency": "EUR"}}, "stock": {"warehouse": "NOPE"}}
    status = check(exact.destination_config(mapping), tmp_path)
    assert status["status"] == "FAILED"
    assert "mapping.items.sales_vat_code" in status["message"] and "mapping.stock.warehouse" in status["message"]
    assert check(exact.destination_config(PRICES_IN_EUR), tmp_path)["status"] == "SUCCEEDED"


def test_given_no_price_currency_when_checked_then_check_asks_for_it_before_any_data_is_read(exact, tmp_path):
    status = check(exact.destination_config({}), tmp_path)
    assert status["status"] == "FAILED" and "mapping.items.prices.currency" in status["message"]


def test_given_a_malformed_setting_when_checked_then_the_message_names_the_value_and_the_choices(exact, tmp_path):
    status = check(exact.destination_config({"customers": {"match_key": "phone"}}), tmp_path)
    assert (
        status["status"] == "FAILED"
        and "'phone' is not one of ['email', 'customer_number', 'vat_number']" in (status["message"])
    )


def test_given_only_a_refresh_token_when_writing_then_the_rotated_token_is_emitted_and_works_next_time(
    eaccounting, exact, tmp_path
):
    startup = {"base_url": exact.root_url, "division": exact.division, "credentials": exact.credentials}
    connection = Connection(eaccounting, exact, ["customers"], tmp_path, destination_config=startup)
    first = connection.sync()
    assert_ended_by_its_failures(first)
    [control] = [m for m in first.destination if m["type"] == "CONTROL"]
    rotated = control["control"]["connectorConfig"]["config"]["credentials"]
    assert rotated["refresh_token"] != exact.credentials["refresh_token"]
    assert connection.destination_config["credentials"]["refresh_token"] == rotated["refresh_token"]
    assert_ended_by_its_failures(connection.sync(from_scratch=True))
