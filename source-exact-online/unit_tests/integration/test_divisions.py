"""Divisions partition every stream; the current division is used when none is configured; check names bad ones."""

from __future__ import annotations

import logging

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.test.mock_http import HttpMocker

from source_exact_online import SourceExactOnline
from unit_tests.integration.catalog import catalog, state
from unit_tests.integration.config import ConfigBuilder
from unit_tests.integration.request_builder import NAME_ONLY, RequestBuilder
from unit_tests.integration.response_builder import ODataResponseBuilder


def test_given_no_divisions_configured_when_read_then_current_division_from_me_is_read(clock):
    with HttpMocker() as http_mocker:
        http_mocker.get(RequestBuilder.current_me().build(), ODataResponseBuilder("current_me").with_record().build())
        http_mocker.get(RequestBuilder.accounts(7095).build(), ODataResponseBuilder("accounts").with_record().build())
        output = read(SourceExactOnline(clock=clock), ConfigBuilder().with_divisions().build(), catalog("accounts"))
    assert [record.record.data["Division"] for record in output.records] == [7095]


def test_given_two_divisions_when_incremental_read_then_each_has_its_own_cursor(clock):
    with HttpMocker() as http_mocker:
        # each division is asked from its own saved row version
        http_mocker.get(
            RequestBuilder.accounts(100).with_select(*NAME_ONLY).with_filter("Timestamp gt 10L").build(),
            ODataResponseBuilder("accounts").with_record(Timestamp=11, Division=100).build(),
        )
        http_mocker.get(
            RequestBuilder.accounts(200).with_select(*NAME_ONLY).with_filter("Timestamp gt 3L").build(),
            ODataResponseBuilder("accounts").with_record(Timestamp=7, Division=200).build(),
        )
        output = read(
            SourceExactOnline(clock=clock),
            ConfigBuilder().with_divisions(100, 200).build(),
            catalog("accounts", SyncMode.incremental, columns=["Name"]),
            state=state("accounts", {100: {"Timestamp": 10}, 200: {"Timestamp": 3}}),
        )

    assert output.most_recent_state.stream_state.divisions == {"100": {"Timestamp": 11}, "200": {"Timestamp": 7}}
    # the same entity ID can appear in two divisions; the primary key keeps them apart
    keys = {(r.record.data["Division"], r.record.data["ID"]) for r in output.records}
    assert len(keys) == 2


def test_given_a_division_the_user_cannot_open_when_check_then_fails_naming_it(clock):
    with HttpMocker() as http_mocker:
        http_mocker.get(
            RequestBuilder.resource("system/Divisions", 7095).build(),
            ODataResponseBuilder("divisions").with_record(Code=7095).build(),
        )
        ok, message = SourceExactOnline(clock=clock).check_connection(
            logging.getLogger("test"), ConfigBuilder().with_divisions(7095, 999).build()
        )
    assert ok is False
    assert "999" in message and "7095" not in message
