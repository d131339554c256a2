"""Customers: incremental on ChangedUtc with keyset paging and page-boundary de-duplication."""

from unittest import TestCase

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.mock_http import HttpMocker

from .config import ConfigBuilder
from .helpers import read_stream
from .request_builder import EAccountingRequestBuilder
from .response_builder import page, record

STREAM = "customers"


def customer(number: int, changed: str) -> dict:
    return record(
        "customers", Id=f"00000000-0000-4000-8000-{number:012d}", CustomerNumber=str(number), ChangedUtc=changed
    )


class FullRefreshTest(TestCase):
    @HttpMocker()
    def test_given_two_pages_when_full_refresh_then_plain_paging_at_the_largest_page_size(self, http_mocker):
        http_mocker.get(
            EAccountingRequestBuilder.list("customers").build(),
            page([customer(1, "2026-02-01T08:00:00Z"), customer(2, "2026-02-03T08:00:00Z")], current=1, total=2),
        )
        http_mocker.get(
            EAccountingRequestBuilder.list("customers").with_page(2).build(),
            page([customer(3, "2026-02-02T08:00:00Z")], current=2, total=2),
        )
        output = read_stream(STREAM, ConfigBuilder().build())
        assert [r.record.data["CustomerNumber"] for r in output.records] == ["1", "2", "3"]
        assert output.records[0].record.data["Name"] == "Fjällbacka Bageri AB"
        # Plain pages carry no ordering guarantee: the cursor is the highest seen, committed after the last page.
        assert output.most_recent_state.stream_state.ChangedUtc == "2026-02-03T08:00:00Z"


class IncrementalTest(TestCase):
    @HttpMocker()
    def test_given_state_when_read_then_filters_server_side_after_the_saved_cursor(self, http_mocker):
        http_mocker.get(
            EAccountingRequestBuilder.list("customers").changed_after("ChangedUtc", "2026-02-01T08:00:00Z").build(),
            page([customer(2, "2026-02-02T09:30:00.25Z")]),
        )
        output = read_stream(
            STREAM, ConfigBuilder().build(), SyncMode.incremental, {"ChangedUtc": "2026-02-01T08:00:00Z"}
        )
        assert [r.record.data["CustomerNumber"] for r in output.records] == ["2"]
        assert output.most_recent_state.stream_state.ChangedUtc == "2026-02-02T09:30:00.25Z"

    @HttpMocker()
    def test_given_equal_timestamps_across_a_page_boundary_when_read_then_each_record_once_and_state_per_page(
        self, http_mocker
    ):
        t1, t2, t3 = "2026-02-01T10:00:00Z", "2026-02-01T11:00:00Z", "2026-02-01T12:00:00Z"
        http_mocker.get(
            EAccountingRequestBuilder.list("customers").ordered_by("ChangedUtc").build(),
            page([customer(1, t1), customer(2, t2)], current=1, total=2),
        )
        # The next page starts at the last timestamp seen, inclusive; customer 2 comes back and must not repeat.
        http_mocker.get(
            EAccountingRequestBuilder.list("customers").changed_after("ChangedUtc", t2, inclusive=True).build(),
            page([customer(2, t2), customer(3, t2), customer(4, t3)]),
        )
        output = read_stream(STREAM, ConfigBuilder().build(), SyncMode.incremental)
        assert [r.record.data["CustomerNumber"] for r in output.records] == ["1", "2", "3", "4"]
        states = [s.state.stream.stream_state.ChangedUtc for s in output.state_messages]
        # After page 1 only t1 is complete (more t2 rows may follow); after the last page everything is.
        assert states[0] == t1
        assert states[-1] == t3
        assert len(output.state_messages) >= 2

    @HttpMocker()
    def test_given_a_whole_page_on_one_timestamp_when_read_then_steps_by_page_number_without_repeating(
        self, http_mocker
    ):
        t = "2026-02-01T10:00:00Z"
        http_mocker.get(
            EAccountingRequestBuilder.list("customers").changed_after("ChangedUtc", "2026-01-01T00:00:00Z").build(),
            page([customer(1, t), customer(2, t)], current=1, total=2),
        )
        http_mocker.get(
            EAccountingRequestBuilder.list("customers").changed_after("ChangedUtc", t, inclusive=True).build(),
            page([customer(1, t), customer(2, t)], current=1, total=2),
        )
        http_mocker.get(
            EAccountingRequestBuilder.list("customers")
            .changed_after("ChangedUtc", t, inclusive=True)
            .with_page(2)
            .build(),
            page([customer(3, t)], current=2, total=2),
        )
        output = read_stream(
            STREAM, ConfigBuilder().build(), SyncMode.incremental, {"ChangedUtc": "2026-01-01T00:00:00Z"}
        )
        assert [r.record.data["CustomerNumber"] for r in output.records] == ["1", "2", "3"]
        assert output.most_recent_state.stream_state.ChangedUtc == t

    @HttpMocker()
    def test_given_no_changes_when_read_then_state_is_kept(self, http_mocker):
        http_mocker.get(
            EAccountingRequestBuilder.list("customers").changed_after("ChangedUtc", "2026-02-01T08:00:00Z").build(),
            page([]),
        )
        output = read_stream(
            STREAM, ConfigBuilder().build(), SyncMode.incremental, {"ChangedUtc": "2026-02-01T08:00:00Z"}
        )
        assert output.records == []
        assert output.most_recent_state.stream_state.ChangedUtc == "2026-02-01T08:00:00Z"

    def test_given_a_corrupt_state_when_read_then_config_error_names_stream_and_field(self):
        output = read_stream(
            STREAM, ConfigBuilder().build(), SyncMode.incremental, {"ChangedUtc": "yesterday"}, expecting_exception=True
        )
        messages = [e.trace.error.message for e in output.errors]
        assert any("'customers'" in m and "ChangedUtc='yesterday'" in m for m in messages), messages
