"""Orders carry their rows and status; the destination mapping reads them under the API's own names."""

from unittest import TestCase

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.mock_http import HttpMocker

from .config import ConfigBuilder
from .helpers import read_stream
from .request_builder import EAccountingRequestBuilder
from .response_builder import page, record, single


class OrdersTest(TestCase):
    @HttpMocker()
    def test_given_a_shipped_order_when_read_incrementally_then_rows_are_embedded_and_cursor_is_modified_utc(
        self, http_mocker
    ):
        http_mocker.get(
            EAccountingRequestBuilder.list("orders").changed_after("ModifiedUtc", "2026-02-01T00:00:00Z").build(),
            page([record("orders")]),
        )
        output = read_stream(
            "orders", ConfigBuilder().build(), SyncMode.incremental, {"ModifiedUtc": "2026-02-01T00:00:00Z"}
        )
        order = output.records[0].record.data
        assert order["Status"] == 3
        assert order["Rows"][0]["ArticleNumber"] == "BRD-01"
        assert output.most_recent_state.stream_state.ModifiedUtc == "2026-02-11T10:00:00Z"


class ArticlesTest(TestCase):
    @HttpMocker()
    def test_given_stock_article_when_read_then_stock_balances_are_in_the_record(self, http_mocker):
        http_mocker.get(EAccountingRequestBuilder.list("articles").build(), page([record("articles")]))
        article = read_stream("articles", ConfigBuilder().build()).records[0].record.data
        assert (article["StockBalance"], article["StockBalanceReserved"], article["StockBalanceAvailable"]) == (
            120.0,
            20.0,
            100.0,
        )


class AccountsTest(TestCase):
    @HttpMocker()
    def test_given_two_fiscal_years_when_read_then_accounts_are_read_per_year_and_keyed_by_year_and_number(
        self, http_mocker
    ):
        years = [record("fiscal_years", Id="fy-2025"), record("fiscal_years", Id="fy-2026")]
        http_mocker.get(EAccountingRequestBuilder.list("fiscalyears").build(), page(years))
        http_mocker.get(
            EAccountingRequestBuilder.list("accounts/fy-2025").build(), page([record("accounts", FiscalYearId=None)])
        )
        http_mocker.get(
            EAccountingRequestBuilder.list("accounts/fy-2026").build(),
            page([record("accounts", FiscalYearId="fy-2026")]),
        )
        output = read_stream("accounts", ConfigBuilder().build())
        assert [(r.record.data["FiscalYearId"], r.record.data["Number"]) for r in output.records] == [
            ("fy-2025", 3001),
            ("fy-2026", 3001),
        ]


class FullRefreshPagingTest(TestCase):
    @HttpMocker()
    def test_given_three_pages_when_read_then_follows_meta_until_the_last_page(self, http_mocker):
        for number in (1, 2, 3):
            http_mocker.get(
                EAccountingRequestBuilder.list("units").with_page(number).build(),
                page([{"Id": f"unit-{number}", "Name": "st", "Code": "ST"}], current=number, total=3),
            )
        output = read_stream("units", ConfigBuilder().build())
        assert [r.record.data["Id"] for r in output.records] == ["unit-1", "unit-2", "unit-3"]


class CompanySettingsTest(TestCase):
    @HttpMocker()
    def test_given_the_singleton_endpoint_when_read_then_one_record_without_paging_params(self, http_mocker):
        http_mocker.get(EAccountingRequestBuilder.single("companysettings").build(), single(record("company_settings")))
        output = read_stream("company_settings", ConfigBuilder().build())
        assert [r.record.data["CompanyIdentifier"] for r in output.records] == ["c0000000-0000-4000-8000-000000000701"]
