"""The shared write loop: states after commit, per-record errors, links, dry run, batches, activity log."""

from __future__ import annotations

import json

import pytest
from airbyte_cdk.models import AirbyteMessage, FailureType, Level, Type
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from ledgerbridge_writer import RecordFailure, WriteConcurrency, Writer

from .fakes import FakeTarget, global_state, record, stream_state

IN_FLIGHT = 1


@pytest.fixture(autouse=True, params=[1, 8], ids=["sequential", "concurrent"])
def in_flight(request: pytest.FixtureRequest):
    """Every behaviour of the loop holds with one write at a time and with writes side by side."""
    global IN_FLIGHT
    IN_FLIGHT = request.param
    yield
    IN_FLIGHT = 1


def run(target: FakeTarget, messages: list[AirbyteMessage], **options) -> list[AirbyteMessage]:
    """The writer's output as the CDK prints it: a traced exception at the end becomes a TRACE message."""
    options.setdefault("concurrency", WriteConcurrency(max_in_flight=IN_FLIGHT))
    out: list[AirbyteMessage] = []
    try:
        out.extend(Writer(target, **options).write(None, messages))
    except AirbyteTracedException as error:
        out.append(error.as_airbyte_message())
    return out


def trace_errors(out: list[AirbyteMessage]) -> list[AirbyteMessage]:
    return [m for m in out if m.type == Type.TRACE and m.trace.error is not None]


def activity(out: list[AirbyteMessage]) -> list[dict]:
    lines = [json.loads(m.log.message) for m in out if m.type == Type.LOG and m.log.message.startswith("{")]
    return [line for line in lines if line["event"] == "activity"]


def states(out: list[AirbyteMessage]) -> list[int]:
    found = []
    for m in out:
        if m.type == Type.STATE:
            blob = m.state.stream.stream_state if m.state.stream else None
            found.append(blob.cursor if blob is not None else m.state.data["cursor"])
    return found


def test_given_records_then_state_when_written_then_state_follows_their_commit():
    target = FakeTarget()
    stream = iter([record("customers", id="c1", email="a@x.se", name="Anna"), stream_state("customers", 1)])
    writer = Writer(target).write(None, stream)
    seen_before_state = []
    for message in writer:
        if message.type == Type.STATE:
            break
        seen_before_state.append(message)
    assert [s[0] for s in target.sent] == ["accounts", "contacts"]
    assert activity(seen_before_state)[0]["action"] == "created"


def test_given_a_contact_of_a_new_account_when_written_then_the_new_account_id_is_linked_into_it():
    target = FakeTarget()
    run(target, [record("customers", id="c1", email="a@x.se", name="Anna"), stream_state("customers", 1)])
    (_, account_id, _), (_, _, contact_body) = target.sent
    assert contact_body == {"LastName": "Anna", "Account": account_id}


def test_given_a_record_without_its_match_key_when_written_then_it_fails_naming_the_field_and_the_sync_goes_on():
    target = FakeTarget()
    out = run(
        target,
        [
            record("customers", id="c1", number="1001", name="Anna"),
            record("customers", id="c2", email="b@x.se", name="Bo"),
            stream_state("customers", 1),
        ],
    )
    failed, created = activity(out)
    assert failed["action"] == "failed" and failed["field"] == "EmailAddress" and failed["source_number"] == "1001"
    assert created["action"] == "created" and created["source_id"] == "c2"
    assert states(out) == []  # c1 is read again next sync


def test_given_a_failed_record_when_later_states_arrive_then_only_states_of_other_streams_are_echoed():
    target = FakeTarget()
    out = run(
        target,
        [
            record("customers", id="c1", email="a@x.se", name="Anna"),
            stream_state("customers", 1),
            record("customers", id="c2", name="no e-mail"),
            record("stock", id="s1", quantity=None),
            stream_state("customers", 2),
            record("customers", id="c3", email="c@x.se", name="Cai"),
            stream_state("customers", 3),
        ],
    )
    assert states(out) == [1]
    assert [a["action"] for a in activity(out)] == ["created", "failed", "failed", "created"]


def test_given_global_state_when_any_stream_failed_before_it_then_it_is_withheld():
    target = FakeTarget()
    out = run(
        target,
        [
            record("customers", id="c1", email="a@x.se", name="Anna"),
            global_state(1),
            record("stock", id="s1", quantity=None),
            global_state(2),
        ],
    )
    assert states(out) == [1]


def test_given_the_target_refuses_a_write_when_written_then_the_record_fails_with_the_targets_field():
    target = FakeTarget(refuse={"c1"})
    out = run(target, [record("customers", id="c1", email="a@x.se", name="Anna"), stream_state("customers", 1)])
    (line,) = activity(out)
    assert line["action"] == "failed" and line["field"] == "LastName"
    assert states(out) == []


def test_given_a_rerun_after_partial_success_when_written_then_nothing_is_sent_twice():
    target = FakeTarget()
    messages = [record("customers", id="c1", email="a@x.se", name="Anna"), stream_state("customers", 1)]
    run(target, messages)
    sent = len(target.sent)
    out = run(target, messages)
    assert len(target.sent) == sent
    assert activity(out)[0]["action"] == "skipped" and states(out) == [1]


def test_given_dry_run_when_written_then_nothing_is_sent_no_state_is_echoed_and_the_plan_is_logged():
    target = FakeTarget()
    out = run(
        target,
        [record("customers", id="c1", email="anna@example.se", name="Anna Svensson"), stream_state("customers", 1)],
        dry_run=True,
    )
    assert target.sent == [] and states(out) == []
    (line,) = activity(out)
    assert line["action"] == "planned" and line["dry_run"] is True
    assert "would create" in line["writes"][0]["reason"] and "Email" in line["writes"][0]["reason"]


def test_given_personal_data_in_records_when_logged_then_no_name_or_email_appears():
    target = FakeTarget(refuse={"c2"})
    out = run(
        target,
        [
            record("customers", id="c1", email="anna@example.se", name="Anna Svensson"),
            record("customers", id="c2", email="bo@example.se", name="Bo Ek"),
            stream_state("customers", 1),
        ],
    )
    text = "\n".join(m.log.message for m in out if m.type == Type.LOG)
    for secret in ("anna@example.se", "Anna Svensson", "bo@example.se", "Bo Ek"):
        assert secret not in text


def test_given_stock_records_when_states_arrive_then_they_wait_for_the_one_batch_at_the_end():
    target = FakeTarget()
    writer = Writer(target).write(
        None,
        iter(
            [
                record("stock", id="s1", quantity=3),
                stream_state("stock", 1),
                record("stock", id="s2", quantity=5),
                stream_state("stock", 2),
                record("customers", id="c1", email="a@x.se", name="Anna"),
                stream_state("customers", 1),
            ]
        ),
    )
    out = []
    for message in writer:
        if message.type == Type.STATE and message.state.stream.stream_descriptor.name == "stock":
            assert [s[0] for s in target.sent].count("counts") == 1  # the count is committed before its states
        out.append(message)
    assert [s[0] for s in target.sent].count("counts") == 1
    assert states(out) == [1, 1, 2]  # customers' state is not held up by stock's batch
    lines = {a["source_id"]: a for a in activity(out)}
    assert lines["s1"]["target"] == "counts" and lines["s1"]["action"] == "created"


def test_given_the_batch_fails_when_written_then_its_records_fail_and_their_states_are_withheld():
    target = FakeTarget()
    target.fail_batch = True
    out = run(target, [record("stock", id="s1", quantity=3), stream_state("stock", 1)])
    assert states(out) == []
    assert activity(out)[0]["action"] == "failed"


def test_given_a_batch_that_could_not_be_planned_when_the_sync_ends_then_its_records_fail_naming_the_field_unsent():
    target = FakeTarget()
    target.reject_batch = RecordFailure("StockCountLines[0].Warehouse", "no warehouse 'Lager 9'")
    out = run(
        target, [record("stock", id="s1", quantity=3), record("stock", id="s2", quantity=1), stream_state("stock", 1)]
    )
    assert target.sent == []
    assert [a["action"] for a in activity(out)] == ["failed", "failed"]
    assert all("StockCountLines[0].Warehouse: no warehouse 'Lager 9'" in a["reason"] for a in activity(out))
    assert states(out) == []


def test_given_a_fatal_error_when_writing_then_committed_states_stay_echoed_and_the_error_stops_the_sync():
    target = FakeTarget()
    target.stop_on = "c2"
    out: list[AirbyteMessage] = []
    with pytest.raises(RuntimeError, match="daily budget"):
        for message in Writer(target).write(
            None,
            iter(
                [
                    record("customers", id="c1", email="a@x.se", name="Anna"),
                    stream_state("customers", 1),
                    record("customers", id="c2", email="b@x.se", name="Bo"),
                    stream_state("customers", 2),
                ]
            ),
        ):
            out.append(message)
    assert states(out) == [1]
    assert activity(out)[-1]["action"] == "failed" and "sync stopped" in activity(out)[-1]["reason"]


def test_given_unknown_streams_when_written_then_they_are_logged_once_and_ignored():
    target = FakeTarget()
    out = run(target, [record("vouchers", id="v1"), record("vouchers", id="v2"), stream_state("vouchers", 1)])
    notices = [m for m in out if m.type == Type.LOG and m.log.message.startswith("stream 'vouchers'")]
    assert len(notices) == 1 and target.lookups_loaded == 0
    assert states(out) == [1]


def test_given_many_flushes_when_written_then_lookups_are_read_once_and_a_summary_counts_outcomes():
    target = FakeTarget(existing={"c1": "a1"})
    out = run(
        target,
        [
            record("customers", id="c1", email="a@x.se", name="Anna"),
            stream_state("customers", 1),
            record("customers", id="c2", email="b@x.se", name="Bo"),
            stream_state("customers", 2),
        ],
        max_buffer=1,
    )
    assert target.lookups_loaded == 1
    summary = json.loads(out[-1].log.message)
    assert summary["event"] == "summary"
    assert summary["records"]["customers"] == {"created": 1, "skipped": 1}
    assert summary["writes"] == {"accounts": {"created": 1}, "contacts": {"created": 1}}
    assert out[-1].log.level == Level.INFO


def test_given_failed_records_when_the_sync_ends_then_states_come_first_and_a_config_error_names_count_and_records():
    target = FakeTarget()
    messages = [
        record("customers", id="c1", email="anna@example.com", name="Berg"),
        stream_state("customers", 1),
        *[record("customers", id=f"c{n}", name="NoMail") for n in range(2, 7)],
        stream_state("customers", 2),
    ]

    out = run(target, messages)

    (error,) = trace_errors(out)
    assert out[-1] is error
    assert states(out) == [1]  # what was written before the failures is committed first
    assert error.trace.error.failure_type == FailureType.config_error
    assert error.trace.error.message.startswith("5 record(s) failed: customers c2: EmailAddress: missing")
    assert "customers c4: " in error.trace.error.message and "(and 2 more)" in error.trace.error.message
    assert "c5:" not in error.trace.error.message


def test_given_every_record_written_when_the_sync_ends_then_no_error_is_raised():
    out = run(
        FakeTarget(), [record("customers", id="c1", email="a@example.com", name="B"), stream_state("customers", 1)]
    )

    assert trace_errors(out) == []
    assert states(out) == [1]


def _previews(out: list[AirbyteMessage]) -> list[dict]:
    lines = [json.loads(m.log.message) for m in out if m.type == Type.LOG and m.log.message.startswith("{")]
    return [line for line in lines if line["event"] == "preview"]


def test_given_a_dry_run_when_records_are_planned_then_each_write_shows_the_values_it_would_send_at_debug_level():
    out = run(FakeTarget(), [record("customers", id="c1", email="a@example.com", name="Berg")], dry_run=True)

    previews = _previews(out)
    assert [(p["target"], p["action"], p["source_id"]) for p in previews] == [
        ("accounts", "create", "c1"),
        ("contacts", "create", "c1"),
    ]
    assert previews[0]["body"] == {"Name": "Berg", "Email": "a@example.com"}
    levels = {m.log.level for m in out if m.type == Type.LOG and '"preview"' in m.log.message}
    assert levels == {Level.DEBUG}
    assert all("body" not in line and "Berg" not in json.dumps(line) for line in activity(out))


def test_given_a_real_run_when_records_are_written_then_no_values_are_logged():
    out = run(FakeTarget(), [record("customers", id="c1", email="a@example.com", name="Berg")])

    assert _previews(out) == []
