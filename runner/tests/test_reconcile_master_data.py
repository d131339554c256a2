"""``ledgerbridge reconcile`` of an eAccounting → Exact connection (customers, articles with prices and stock) after a
real ``sync``: the seeded eAccounting company into an Exact division with no business data of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from emulator_kit.process import EmulatorProcess
from ledgerbridge.authorize import authorize
from ledgerbridge.config_files import write_config_atomically
from ledgerbridge_mappings.eaccounting_to_exact.rules.items import SalesPriceRules
from ledgerbridge_testkit import emulator_config

from .reconcile_company import follow_consent, person_session

CONNECTION = "eaccounting-to-exact"


def price_rules() -> dict[str, Any]:
    """eAccounting's prices are in SEK; the Exact division's price list is in EUR. Rules that know the two currencies
    apart (``items.prices.rates``, arriving with the mapping's price-currency fix) convert at 1 SEK = 0.087 EUR, as
    the demo does; before that fix a price is written under the SEK code, and compared so."""
    if "rates" in SalesPriceRules.model_fields:
        return {"currency": "SEK", "rates": {"SEK": 0.087}}
    return {"currency": "SEK"}


class Books:
    def __init__(self, folder: Path, exact: EmulatorProcess, eaccounting: EmulatorProcess) -> None:
        self.folder = folder
        self.exact_api, self.exact_url = person_session(exact, folder, "exact-online")
        secrets = folder / "secrets"
        secrets.mkdir(mode=0o700)
        write_config_atomically(secrets / "eaccounting-source.json", emulator_config(eaccounting))
        start = exact.start_line
        app = {k: exact.credentials[k] for k in ("client_id", "client_secret")}
        write_config_atomically(
            secrets / "exact-destination.json",
            {"base_url": start["base_url"], "division": start["division"], "credentials": app},
        )
        authorize(
            "exact-online",
            secrets / "exact-destination.json",
            port=0,
            open_browser=follow_consent,
            announce=lambda text: None,
        )
        document = {
            "connections": [
                {
                    "name": CONNECTION,
                    "source": {"connector": "source-eaccounting", "config": "secrets/eaccounting-source.json"},
                    "destination": {
                        "connector": "destination-exact-online",
                        "config": "secrets/exact-destination.json",
                        "mapping": {
                            "customers": {"use_customer_number_as_code": False},
                            "items": {"prices": price_rules()},
                        },
                    },
                    "streams": ["customers", "articles"],
                }
            ]
        }
        self.connection_file = folder / "connections.yaml"
        self.connection_file.write_text(yaml.safe_dump(document, sort_keys=False))

    def ledgerbridge(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ledgerbridge", "--home", str(self.folder / "home"), *arguments],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "COLUMNS": "200"},
        )

    def reconcile(self) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
        output = self.folder / "reconcile.json"
        output.unlink(missing_ok=True)
        completed = self.ledgerbridge("reconcile", str(self.connection_file), "--output", str(output))
        return completed, json.loads(output.read_text()) if output.exists() else {}

    def general_price(self, item_code: str) -> dict[str, Any]:
        response = self.exact_api.get(
            f"{self.exact_url}/logistics/SalesItemPrices",
            params={"$filter": f"ItemCode eq '{item_code}'", "$select": "ID,ItemCode,Price,Currency,Account"},
            timeout=30,
        )
        response.raise_for_status()
        body = response.json()["d"]
        rows = body["results"] if isinstance(body, dict) else body
        return next(row for row in rows if not row.get("Account"))

    def set_price(self, price_id: str, price: float) -> None:
        response = self.exact_api.put(
            f"{self.exact_url}/logistics/SalesItemPrices(guid'{price_id}')", json={"Price": price}, timeout=30
        )
        assert response.status_code in (200, 204), response.text


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Books]:
    with (
        EmulatorProcess("exact-online-emulator", "--empty", "--minutely-limit", "0") as exact,
        EmulatorProcess("eaccounting-emulator") as eaccounting,
    ):
        kept = Books(tmp_path_factory.mktemp("master-data"), exact, eaccounting)
        synced = kept.ledgerbridge("sync", str(kept.connection_file))
        assert synced.returncode == 0, synced.stdout + synced.stderr
        yield kept


def test_given_synced_customers_and_articles_when_reconciling_then_every_one_matches_and_it_exits_0(
    books: Books,
) -> None:
    completed, report = books.reconcile()

    assert completed.returncode == 0, completed.stdout + completed.stderr
    statuses = {row["status"] for row in report["documents"]}
    assert statuses == {"ok"}
    references = [row["reference"] for row in report["documents"]]
    assert any(r.startswith("customer ") for r in references) and any(r.startswith("article ") for r in references)


def test_given_a_price_changed_in_exact_when_reconciling_then_that_article_differs_with_both_prices(
    books: Books,
) -> None:
    _, before = books.reconcile()
    article = next(r["reference"] for r in before["documents"] if r["reference"].startswith("article 1000"))
    price = books.general_price(article.removeprefix("article "))
    books.set_price(price["ID"], price["Price"] + 10)
    try:
        completed, report = books.reconcile()
    finally:
        books.set_price(price["ID"], price["Price"])

    assert completed.returncode == 1
    assert [
        (r["reference"], r["status"], r["field"], r["eaccounting"], r["exact"])
        for r in report["documents"]
        if r["status"] != "ok"
    ] == [(article, "differs", "price", price["Price"], price["Price"] + 10)]
