"""Crash safety and token rotation: the destination is killed mid-run, or its access token expires mid-sync."""

from __future__ import annotations

from collections import Counter

from ledgerbridge_testkit import writes

from .conftest import exact_orders


def _posts(eaccounting) -> int:
    return len(writes(eaccounting.requests_log()))


def test_given_the_destination_is_killed_at_several_points_when_rerun_then_every_order_lands_exactly_once(
    make_flow, exact, eaccounting
):
    flow = make_flow()
    recorded = flow.read_source()
    expected = Counter(f"Exact SO {o['OrderNumber']}" for o in exact_orders(exact))

    for kill_after_writes in (1, 12, 40, 70):
        killed = flow.write_from(recorded, kill_when=lambda n=kill_after_writes: _posts(eaccounting) >= n)
        assert killed.returncode != 0, "the run was meant to be killed mid-way"
    final = flow.write_from(recorded)

    assert final.returncode == 0
    dump = eaccounting.dump()
    written = Counter(o["OurReference"] for o in dump["orders"] if (o.get("OurReference") or "").startswith("Exact"))
    assert written == expected
    numbers = Counter(a["Number"] for a in dump["articles"])
    assert max(numbers.values()) == 1
    assert [a for a in final.activity if a["action"] == "failed"] == []


def test_given_the_access_token_expires_mid_sync_when_writing_then_it_rotates_and_the_new_token_is_persisted(
    make_flow, exact, eaccounting
):
    flow = make_flow()
    recorded = flow.read_source()
    first_token = flow.destination_config.read()["credentials"]["refresh_token"]
    advanced = []

    def expire_once() -> bool:
        if not advanced and _posts(eaccounting) >= 5:
            eaccounting.advance_clock(3700)  # past the one-hour access token
            advanced.append(True)
        return False

    output = flow.write_from(recorded, kill_when=expire_once)

    assert advanced and output.returncode == 0
    assert [a for a in output.activity if a["action"] == "failed"] == []
    log = eaccounting.requests_log()
    token_calls = [r for r in log if r["path"].endswith("/connect/token")]
    assert len(token_calls) >= 2 and all(r["status"] == 200 for r in token_calls)
    rotated = output.last_config()["credentials"]["refresh_token"]
    assert rotated != first_token
    assert flow.destination_config.read()["credentials"]["refresh_token"] == rotated
    dump = eaccounting.dump()
    written = Counter(o["OurReference"] for o in dump["orders"] if (o.get("OurReference") or "").startswith("Exact"))
    assert written == Counter(f"Exact SO {o['OrderNumber']}" for o in exact_orders(exact))
    # The persisted token works for the next sync, which then writes nothing.
    eaccounting.clear_requests_log()
    rerun = flow.write_from(recorded)
    assert rerun.returncode == 0 and writes(eaccounting.requests_log()) == []
