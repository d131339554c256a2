"""A create whose answer was lost lands exactly once: looked up before it is sent again, never blindly repeated."""

from __future__ import annotations

import pytest

from ledgerbridge_writer import RecordWriteError, Writer
from ledgerbridge_writer.writer import MAX_SENDS

from .fakes import FakeTarget, record, stream_state
from .test_writer import activity, in_flight, run, states  # noqa: F401 - in_flight: both loops, every test


def _anna():
    return [record("customers", id="c1", email="a@x.se", name="Anna"), stream_state("customers", 1)]


def test_given_an_account_stored_but_its_answer_lost_when_written_then_it_is_adopted_not_sent_again():
    target = FakeTarget()
    target.lost_answers["accounts"] = ["landed"]
    out = run(target, _anna())
    assert [c for c, _, _ in target.sent] == ["accounts", "contacts"]
    (_, account_id, _), (_, _, contact) = target.sent
    assert contact["Account"] == account_id  # the adopted id is linked like a returned one
    (line,) = activity(out)
    assert line["action"] == "created"
    assert line["writes"][0] == {
        "target": "accounts",
        "action": "created",
        "target_id": account_id,
        "reason": "confirmed after a lost answer",
    }
    assert target.lookups == ["accounts"]
    assert states(out) == [1]


def test_given_an_account_that_never_arrived_when_written_then_it_is_looked_up_and_sent_once_more():
    target = FakeTarget()
    target.lost_answers["accounts"] = ["lost"]
    out = run(target, _anna())
    assert [c for c, _, _ in target.sent] == ["accounts", "contacts"]
    assert activity(out)[0]["writes"][0]["reason"].endswith("sent again after a lost answer")
    assert states(out) == [1]


def test_given_the_resent_create_lands_but_its_answer_is_lost_too_when_written_then_it_is_still_adopted_once():
    target = FakeTarget()
    target.lost_answers["accounts"] = ["lost", "landed"]
    out = run(target, _anna())
    assert [c for c, _, _ in target.sent] == ["accounts", "contacts"]
    assert activity(out)[0]["writes"][0]["reason"] == "confirmed after a lost answer"
    assert target.lookups == ["accounts", "accounts"]


def test_given_a_streak_of_lost_answers_and_nothing_landed_when_written_then_it_is_resent_after_each_lookup():
    target = FakeTarget()
    target.lost_answers["accounts"] = ["lost"] * (MAX_SENDS - 1)
    out = run(target, _anna())
    assert [c for c, _, _ in target.sent] == ["accounts", "contacts"]
    assert target.lookups == ["accounts"] * (MAX_SENDS - 1)
    assert activity(out)[0]["action"] == "created"
    assert states(out) == [1]


def test_given_every_answer_lost_and_nothing_landed_when_written_then_the_record_fails_and_its_state_is_held():
    target = FakeTarget()
    target.lost_answers["accounts"] = ["lost"] * MAX_SENDS
    out = run(target, [*_anna(), record("customers", id="c2", email="b@x.se", name="Bo"), stream_state("customers", 2)])
    failed, created = activity(out)
    assert failed["action"] == "failed" and failed["field"] == "accounts"
    assert f"sent {MAX_SENDS} times" in failed["reason"] and "read again next sync" in failed["reason"]
    assert created["source_id"] == "c2"
    assert [c for c, _, _ in target.sent] == ["accounts", "contacts"]  # Bo's only
    assert states(out) == []


def test_given_the_lookup_cannot_tell_when_written_then_the_record_fails_and_the_sync_goes_on_without_resending():
    target = FakeTarget()
    target.lost_answers["accounts"] = ["landed"]
    target.lookup_fails = RecordWriteError("accounts.Email", "not in the body, so the create cannot be confirmed")
    out = run(target, [*_anna(), record("customers", id="c2", email="b@x.se", name="Bo"), stream_state("customers", 2)])
    failed, created = activity(out)
    assert failed["action"] == "failed" and failed["field"] == "accounts.Email"
    assert "answer to the write was lost" in failed["reason"] and "read again next sync" in failed["reason"]
    assert created["source_id"] == "c2"
    assert [c for c, _, _ in target.sent] == ["accounts", "accounts", "contacts"]  # Anna's once, then Bo's
    assert states(out) == []


def test_given_the_lookup_itself_errors_when_written_then_the_sync_stops_with_the_record_failed_and_held_back():
    target = FakeTarget()
    target.lost_answers["accounts"] = ["landed"]
    target.lookup_fails = RuntimeError("Exact Online answered 503 after 5 retries")
    out = []
    with pytest.raises(RuntimeError, match="503"):
        out.extend(Writer(target).write(None, _anna()))
    (line,) = activity(out)
    assert line["action"] == "failed" and "sync stopped" in line["reason"]
    assert [c for c, _, _ in target.sent] == ["accounts"]  # stored once; the next sync's bulk read finds it
    assert states(out) == []


def test_given_the_stock_count_stored_but_its_answer_lost_when_the_batch_runs_then_it_is_adopted():
    target = FakeTarget()
    target.lost_answers["counts"] = ["landed"]
    out = run(target, [record("stock", id="s1", quantity=4), stream_state("stock", 1)])
    assert [c for c, _, _ in target.sent] == ["counts"]
    (line,) = activity(out)
    assert line["action"] == "created" and line["reason"] == "confirmed after a lost answer"
    assert states(out) == [1]


def test_given_a_dry_run_when_answers_would_be_lost_then_nothing_is_sent_or_looked_up():
    target = FakeTarget()
    target.lost_answers["accounts"] = ["landed"]
    list(Writer(target, dry_run=True).write(None, _anna()))
    assert target.sent == [] and target.lookups == []
