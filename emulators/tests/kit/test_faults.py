import pytest

from emulator_kit.faults import FaultPlan, FaultRule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("429:0.1", FaultRule("429", 0.1, "*")),
        ("drop:1:*/salesorder/*", FaultRule("drop", 1.0, "*/salesorder/*")),
        ("timeout:0.5:", FaultRule("timeout", 0.5, "*")),
        ("drop-after:0.3:*/orders", FaultRule("drop-after", 0.3, "*/orders")),
        ("500-after:1", FaultRule("500-after", 1.0, "*")),
    ],
    ids=["rate-only", "with-glob", "empty-glob-means-all", "drop-after", "500-after"],
)
def test_given_rule_text_when_parsed_then_kind_rate_and_glob_are_read(text, expected):
    assert FaultRule.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("429", "expected KIND:RATE"),
        ("418:0.1", "kind must be one of"),
        ("500:x", "not a number"),
        ("500:2", "between"),
    ],
)
def test_given_malformed_rule_when_parsed_then_error_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        FaultRule.parse(text)


def test_given_same_seed_when_picking_then_fault_sequence_replays_exactly():
    first = FaultPlan.parse(["500:0.3"], seed=7)
    second = FaultPlan.parse(["500:0.3"], seed=7)
    assert [first.pick("/x") for _ in range(200)] == [second.pick("/x") for _ in range(200)]


def test_given_rate_when_many_requests_then_observed_fault_share_is_close_to_rate():
    plan = FaultPlan.parse(["503:0.1"], seed=3)
    hits = sum(plan.pick("/api/v1/1/crm/Accounts") == "503" for _ in range(5000))
    assert 400 < hits < 600


def test_given_glob_when_path_does_not_match_then_no_fault_is_injected():
    plan = FaultPlan.parse(["500:1:*/salesorder/*"])
    assert plan.pick("/api/v1/1/crm/Accounts") is None
    assert plan.pick("/api/v1/1/salesorder/SalesOrders") == "500"


def test_given_an_after_fault_when_a_read_matches_then_only_writes_are_struck():
    plan = FaultPlan.parse(["drop-after:1:*/orders", "500-after:1:*/customers"])
    assert plan.pick("/v2/orders", "GET") is None
    assert plan.pick("/v2/customers", "GET") is None
    assert plan.pick("/v2/orders", "POST") == "drop-after"
    assert plan.pick("/v2/customers", "PUT") == "500-after"
