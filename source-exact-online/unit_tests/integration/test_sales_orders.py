"""Documents with lines: one call per page returns each order with all of its current lines ($expand)."""

from __future__ import annotations

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.test.mock_http import HttpMocker

from source_exact_online import SourceExactOnline
from unit_tests.integration.catalog import catalog, state
from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.request_builder import RequestBuilder, line_fields
from unit_tests.integration.response_builder import ODataResponseBuilder

LINES = "SalesOrderLines"


def test_given_orders_with_lines_when_read_then_lines_are_embedded_typed_under_sales_order_lines(clock):
    with HttpMocker() as http_mocker:
        # one call asks for every line field through $expand; regular resources with a sync twin demand a
        # $filter even for a full read
        request = (
            RequestBuilder.sales_orders()
            .with_select("OrderID", "Division", "Modified", "OrderNumber", *line_fields("sales_orders", LINES))
            .with_filter("Modified gt datetime'1980-01-01T01:00:00'")
            .with_orderby("Modified")
            .with_expand(LINES)
            .build()
        )
        http_mocker.get(request, ODataResponseBuilder("sales_orders").with_record().build())
        output = read(
            SourceExactOnline(clock=clock),
            ConfigBuilder().build(),
            catalog("sales_orders", columns=["OrderNumber", LINES]),
        )
        http_mocker.assert_number_of_calls(request, 1)

    [order] = [message.record.data for message in output.records]
    assert [line["LineNumber"] for line in order["SalesOrderLines"]] == [1, 2]
    assert order["SalesOrderLines"][0]["Quantity"] == 2.0


def test_given_modified_state_when_incremental_read_then_filter_uses_amsterdam_wall_clock_and_orders_by_modified(clock):
    with HttpMocker() as http_mocker:
        http_mocker.get(
            RequestBuilder.sales_orders()
            .with_select("OrderID", "Division", "Modified", "OrderNumber")
            .with_filter("Modified gt datetime'2023-11-14T11:00:00'")
            .with_orderby("Modified")
            .with_expand(LINES)
            .build(),
            ODataResponseBuilder("sales_orders").with_record().build(),
        )
        output = read(
            SourceExactOnline(clock=clock),
            ConfigBuilder().build(),
            catalog("sales_orders", SyncMode.incremental, columns=["OrderNumber"]),
            state=state("sales_orders", {7095: {"Modified": "2023-11-14T10:00:00Z"}}),
        )

    # /Date(1700006400000)/ = 2023-11-15 00:00 Amsterdam (CET) = 2023-11-14 23:00 UTC
    assert output.most_recent_state.stream_state.divisions == {"7095": {"Modified": "2023-11-14T23:00:00Z"}}
