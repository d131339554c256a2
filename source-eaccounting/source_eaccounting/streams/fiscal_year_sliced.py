"""Accounts exist once per fiscal year (`/accounts/{fiscalyearId}`), so the stream is read one fiscal year at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import requests
from airbyte_cdk.models import SyncMode

from .base import EAccountingStream


class FiscalYearSlicedStream(EAccountingStream):
    def stream_slices(
        self, *, sync_mode: SyncMode, cursor_field: list[str] | None = None, stream_state: Any = None
    ) -> Iterator[dict[str, Any]]:
        for fiscal_year in self._client.list("fiscalyears"):
            yield {"fiscal_year_id": fiscal_year["Id"]}

    def path(self, *, stream_slice: Mapping[str, Any] | None = None, **kwargs: Any) -> str:
        return f"{self.resource}/{(stream_slice or {})['fiscal_year_id']}"

    def parse_response(
        self, response: requests.Response, *, stream_slice: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> Iterable[Mapping[str, Any]]:
        fiscal_year_id = (stream_slice or {}).get("fiscal_year_id")
        for record in super().parse_response(response, **kwargs):
            # Part of the primary key; the API includes it, but the slice is the authority.
            yield record if record.get("FiscalYearId") is not None else {**record, "FiscalYearId": fiscal_year_id}
