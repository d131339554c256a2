import pytest

from ledgerbridge_mappings import EAccountingRules, FinancialMutationPlanner, group_by_entry
from ledgerbridge_mappings.plan import Action

from .builders import guid, lookups, rules_dict, transaction_line

GL_MAP = [
    {"exact_code": "1300", "eaccounting_account": 1510},
    {"exact_code": "8000", "eaccounting_account": 3001},
    {"exact_code": "1500", "eaccounting_account": 2611},
    {"exact_code": "8100", "eaccounting_account": 3108},
]


def planner(existing=None, **mutations):
    section = {"gl_account_map": GL_MAP, **mutations}
    rules = EAccountingRules.model_validate(
        rules_dict(financial_mutations=section, cost_centres={"cost_unit_dimension": 2})
    )
    return FinancialMutationPlanner(rules, lookups(existing=existing))


def sales_entry(*, revenue=-100.0, vat=-25.0, receivable=125.0, **overrides):
    return [
        transaction_line("24000001", 1, "1300", receivable, **overrides),
        transaction_line("24000001", 2, "8000", revenue, VATCode="2", CostUnit="P100", **overrides),
        transaction_line("24000001", 3, "1500", vat, **overrides),
    ]


def test_given_a_balanced_sales_entry_when_mapped_then_one_voucher_with_debits_and_credits():
    plan = planner().plan_entry(sales_entry())
    assert plan.ok, plan.errors
    [write] = plan.writes
    assert (write.target_collection, write.action) == ("vouchers", Action.CREATE)
    body = write.body
    assert body["VoucherDate"] == "2024-05-31"
    assert body["VoucherText"] == "Exact JE 70/24000001 Sales invoice 24001"
    assert [(r["AccountNumber"], r["DebitAmount"], r["CreditAmount"]) for r in body["Rows"]] == [
        (1510, 125.0, 0.0),
        (3001, 0.0, 100.0),
        (2611, 0.0, 25.0),
    ]
    assert body["Rows"][1]["VatCodeId"] == guid("vat/MP1")
    assert body["Rows"][1]["CostCenterItemId2"] == guid("cci/2/P100")


def test_given_lines_of_several_entries_when_grouped_then_one_group_per_entry_id():
    lines = [
        *sales_entry(),
        transaction_line("24000002", 1, "1300", 10.0),
        transaction_line("24000002", 2, "8000", -10.0),
    ]
    groups = group_by_entry(lines)
    assert sorted(len(g) for g in groups.values()) == [2, 3]


@pytest.mark.parametrize(
    ("entry", "mutations", "outcome"),
    [
        pytest.param(sales_entry(receivable=125.004, revenue=-100.003), {}, "ok", id="sub-cent-noise-rounds-away"),
        pytest.param(
            sales_entry(receivable=125.01),
            {"rounding_account": 3740},
            "rounding-row",
            id="one-cent-on-rounding-account",
        ),
        pytest.param(
            sales_entry(receivable=125.01),
            {},
            "AmountDC:unbalanced by 0.01 (no rounding_account configured)",
            id="one-cent-without-rounding-account",
        ),
        pytest.param(
            sales_entry(receivable=137.35),
            {"rounding_account": 3740},
            "AmountDC:unbalanced by 12.35",
            id="real-imbalance-is-an-error",
        ),
    ],
)
def test_given_an_entry_that_does_not_balance_to_the_cent_when_mapped_then_rounding_or_an_error(
    entry, mutations, outcome
):
    plan = planner(**mutations).plan_entry(entry)
    if outcome == "ok":
        assert plan.ok, plan.errors
    elif outcome == "rounding-row":
        rows = plan.writes[0].body["Rows"]
        assert rows[-1] == {
            "AccountNumber": 3740,
            "DebitAmount": 0.0,
            "CreditAmount": 0.01,
            "TransactionText": "Rounding",
        }
        assert round(sum(r["DebitAmount"] - r["CreditAmount"] for r in rows), 2) == 0
    else:
        field, message = outcome.split(":", 1)
        assert [e.field for e in plan.errors] == [field]
        assert message in plan.errors[0].message and "Exact JE 70/24000001" in plan.errors[0].message


def test_given_an_unmapped_gl_account_then_the_error_names_the_line_and_the_account():
    entry = sales_entry()
    entry[2]["GLAccountCode"] = "1599"
    plan = planner().plan_entry(entry)
    [error] = plan.errors
    assert error.field == "lines[2] (LineNumber 3).GLAccountCode"
    assert "'1599' is not in gl_account_map" in error.message
    assert error.source_ref.number == "24000001"


def test_given_numeric_codes_are_kept_when_unmapped_then_the_same_number_is_used():
    entry = sales_entry()
    entry[2]["GLAccountCode"] = "2611"
    plan = planner(same_number_when_unmapped=True).plan_entry(entry)
    assert plan.writes[0].body["Rows"][2]["AccountNumber"] == 2611


@pytest.mark.parametrize(
    ("overrides", "mutations", "reason"),
    [
        pytest.param({"Type": 10}, {}, "opening balance", id="opening-balance-skipped-by-default"),
        pytest.param(
            {"Type": 30},
            {"transaction_types": [20, 21]},
            "not in financial_mutations.transaction_types",
            id="type-filter",
        ),
        pytest.param(
            {"JournalCode": "90"}, {"journals": ["70"]}, "not in financial_mutations.journals", id="journal-filter"
        ),
    ],
)
def test_given_filters_when_an_entry_does_not_qualify_then_it_is_skipped(overrides, mutations, reason):
    plan = planner(**mutations).plan_entry(sales_entry(**overrides))
    [write] = plan.writes
    assert write.action is Action.SKIP and reason in write.reason


def test_given_the_voucher_exists_when_rerun_then_it_is_skipped():
    plan = planner(existing={"vouchers": {"Exact JE 70/24000001": "v-1"}}).plan_entry(sales_entry())
    [write] = plan.writes
    assert (write.action, write.target_id) == (Action.SKIP, "v-1")


def test_given_a_credit_note_entry_then_sides_swap():
    plan = planner().plan_entry(sales_entry(receivable=-125.0, revenue=100.0, vat=25.0, Type=21))
    rows = plan.writes[0].body["Rows"]
    assert [(r["DebitAmount"], r["CreditAmount"]) for r in rows] == [(0.0, 125.0), (100.0, 0.0), (25.0, 0.0)]


def test_given_cost_centres_on_dimension_one_then_vouchers_refuse_them_naming_the_line():
    rules = EAccountingRules.model_validate(
        rules_dict(financial_mutations={"gl_account_map": GL_MAP}, cost_centres={"cost_center_dimension": 1})
    )
    entry = sales_entry()
    entry[1]["CostCenter"] = "SALES"
    plan = FinancialMutationPlanner(rules, lookups()).plan_entry(entry)
    assert [e.field for e in plan.errors] == ["lines[1] (LineNumber 2).CostCenter"]


def test_given_a_text_longer_than_sixty_then_transaction_text_is_cut():
    entry = sales_entry()
    entry[1]["Description"] = "Omzet " * 20
    rows = planner().plan_entry(entry).writes[0].body["Rows"]
    assert len(rows[1]["TransactionText"]) == 60
