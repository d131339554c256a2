"""The fidelity check itself: it must be on when the spec is available and must catch a body that breaks it."""

from __future__ import annotations

import pytest

from tests.eaccounting.conftest import Emulator, Fidelity


def test_fidelity_is_checked(fidelity: Fidelity | None, emulator: Emulator, api) -> None:
    if fidelity is None:
        pytest.skip("LEDGERBRIDGE_SPECS is unset: responses are not validated against the official OpenAPI schemas")
    before = fidelity.checked
    assert api.get(f"{emulator.api_url}/customers", params={"$pagesize": 5}).status_code == 200
    assert fidelity.checked == before + 1


def test_given_body_breaking_the_schema_when_checked_then_violation_is_reported(fidelity: Fidelity | None) -> None:
    if fidelity is None:
        pytest.skip("LEDGERBRIDGE_SPECS is unset: responses are not validated against the official OpenAPI schemas")
    ref = fidelity.schema_ref("GET", "/v2/customers", 200)
    assert ref == "#/components/schemas/PaginatedResponseOfCustomerApi"
    bad = {"Meta": {"CurrentPage": 1}, "Data": [{"Name": 5, "Surprise": True}]}
    assert list(fidelity._validator(ref).iter_errors(bad))
