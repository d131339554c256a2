"""Fixtures: one Exact Online emulator per session (the source side), a fresh eAccounting emulator per test."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import (
    ConfigFile,
    company_rules,
    configured_catalog,
    console_script,
    emulator_config,
    run_connector,
)

from .flow import Flow

HERE = Path(__file__).parent
# acceptance-test-config.yml points here; written per session from a running emulator, git-ignored.
EMULATOR_CONFIG = HERE / ".emulator_config.json"

# eAccounting seed: a Swedish company. Goods coding 25 %, unit "Styck", terms "30 dagar netto".
GOODS_CODING = "6a8ac4ba-0580-4975-ad2f-89d94a2f20aa"
PIECE_UNIT = "cd613e30-d8f1-4adf-91b7-584a2265b1f5"

BASE_RULES: dict[str, Any] = company_rules(GOODS_CODING, PIECE_UNIT)

DOCUMENT_STREAMS = {"accounts", "contacts", "addresses"}


def rules(**overrides: Any) -> dict[str, Any]:
    merged = copy.deepcopy(BASE_RULES)
    for key, value in overrides.items():
        merged[key] = {**merged.get(key, {}), **value} if isinstance(value, dict) else value
    return merged


@pytest.fixture(scope="session")
def exact() -> Iterator[EmulatorProcess]:
    emulator = EmulatorProcess("exact-online-emulator", "--seed", "1", "--minutely-limit", "0", "--daily-limit", "0")
    yield emulator
    emulator.stop()


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("flows")


@pytest.fixture(scope="session")
def source_config(exact: EmulatorProcess, session_dir: Path) -> ConfigFile:
    return ConfigFile(session_dir / "source_config.json", emulator_config(exact))


@pytest.fixture(scope="session")
def discovered(source_config: ConfigFile, session_dir: Path) -> dict[str, Any]:
    command = [console_script("source-exact-online"), "discover", "--config", str(source_config.path)]
    output = run_connector(command, session_dir)
    assert output.returncode == 0, output.describe()
    source_config.absorb(output)
    return output.catalog()


@pytest.fixture
def eaccounting() -> Iterator[EmulatorProcess]:
    emulator = EmulatorProcess("eaccounting-emulator", "--seed", "1")
    yield emulator
    emulator.stop()


@pytest.fixture
def make_flow(tmp_path: Path, source_config: ConfigFile, discovered: dict[str, Any], eaccounting: EmulatorProcess):
    def make(
        mapping: dict[str, Any] | None = None,
        documents: set[str] | frozenset[str] = frozenset({"sales_orders"}),
        dry_run: bool = False,
        credentials: dict[str, Any] | None = None,
    ) -> Flow:
        """A flow; pass ``credentials`` of an earlier flow of the same test (its refresh token has rotated)."""
        config = {
            **emulator_config(eaccounting),
            "credentials": credentials or eaccounting.credentials,
            "dry_run": dry_run,
            "mapping": mapping if mapping is not None else rules(),
        }
        full_refresh = DOCUMENT_STREAMS if "transaction_lines" not in documents or len(documents) > 1 else set()
        catalog = configured_catalog(discovered, full_refresh=set(full_refresh), incremental=set(documents))
        catalog_path = tmp_path / "catalog.json"
        catalog_path.write_text(json.dumps(catalog))
        return Flow(tmp_path, source_config, ConfigFile(tmp_path / "destination_config.json", config), catalog_path)

    return make


VOUCHER_LEDGER = {"receivable_account": 1510, "default_revenue_account": 3001}
GL_MAP = {
    "gl_account_map": [
        {"exact_code": "1300", "eaccounting_account": 1510},
        {"exact_code": "8000", "eaccounting_account": 3001},
        {"exact_code": "8100", "eaccounting_account": 3002},
        {"exact_code": "8200", "eaccounting_account": 3003},
        # Low-rate revenue and the VAT-to-pay accounts the seeded sales entries book their VAT on.
        {"exact_code": "8010", "eaccounting_account": 3002},
        {"exact_code": "1500", "eaccounting_account": 2611},
        {"exact_code": "1510", "eaccounting_account": 2621},
    ]
}
EXPECTED_ORDER_STATUSES = (12, 20, 21)


def exact_orders(exact: EmulatorProcess) -> list[dict[str, Any]]:
    """The sales orders of the division the source reads, that the default status filter lets through."""
    division = exact.start_line["division"]
    return [
        order
        for order in exact.dump()["salesorder/SalesOrders"]
        if order["Division"] == division and order["Status"] in EXPECTED_ORDER_STATUSES
    ]
