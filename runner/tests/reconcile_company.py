"""A small company booked for the reconcile tests: an Exact division with no seeded business data (``--empty``), into
which a person enters customers, items and sales orders through Exact's API, and the seeded eAccounting company
the orders flow writes into. The connection file is written from docs/runner.md, not taken from the demo.

Its orders are EU business sales (reverse charge) and exports, without discounts: the money the mapping carries
for them is settled today, so every difference ``reconcile`` finds is one a test made on purpose.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

from emulator_kit.process import EmulatorProcess
from ledgerbridge.authorize import authorize
from ledgerbridge.config_files import write_config_atomically
from ledgerbridge_testkit import emulator_config

CONNECTION = "orders-to-eaccounting"


def follow_consent(url: str) -> None:
    requests.get(url, timeout=30).raise_for_status()  # the emulators consent at once; following is the browser


def person_session(emulator: EmulatorProcess, folder: Path, system: str) -> tuple[requests.Session, str]:
    """An API session with its own token chain (a person working in the system), and the API's base URL."""
    start = emulator.start_line
    hosts = {k: start[k] for k in ("base_url", "division", "api_url", "identity_url") if k in start}
    app = {k: emulator.credentials[k] for k in ("client_id", "client_secret")}
    path = folder / f"{system}-person.json"
    write_config_atomically(path, {**hosts, "credentials": app})
    config = authorize(system, path, port=0, open_browser=follow_consent, announce=lambda text: None)
    session = requests.Session()
    session.headers.update(
        {"Authorization": f"Bearer {config['credentials']['access_token']}", "Accept": "application/json"}
    )
    api = f"{config['base_url']}/api/v1/{config['division']}" if system == "exact-online" else config["api_url"]
    return session, api


def _rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    data = body["d"]
    return data["results"] if isinstance(data, dict) else data


def _address(city: str, postcode: str) -> dict[str, str]:
    return {"AddressLine1": "Hauptweg 1", "City": city, "Postcode": postcode}


def rules() -> dict[str, Any]:
    """The orders-flow rules for the seeded Swedish eAccounting company (docs/mappings.md)."""
    return {
        "documents": {"target": "order"},
        "vat": {
            "mode": "by_country",
            "home_country": "SE",
            "per_country": [{"country": "SE", "eaccounting_code": "10"}],
            "eu_reverse_charge_code": "39",
            "export_code": "36",
        },
        "payment_terms": {"default_terms": "30 dagar netto"},
        "customers": {"use_exact_code_as_customer_number": False},
        "shipping": {
            "map": [{"exact_method": "DHL Parcel", "eaccounting_method": "DHL", "shipping_cost": 9.5}],
            "shipping_article_number": "FRAKT",
        },
    }


@dataclass
class Company:
    folder: Path
    exact: EmulatorProcess
    eaccounting: EmulatorProcess
    connection_file: Path = field(init=False)
    home: Path = field(init=False)
    orders: dict[str, str] = field(default_factory=dict)  # purpose → Exact order number

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.home = self.folder / "home"
        self.exact_api, self.exact_url = person_session(self.exact, self.folder, "exact-online")
        self.ea_api, self.ea_url = person_session(self.eaccounting, self.folder, "eaccounting")

    # ------------------------------------------------------------------------------------------------ Exact

    def _post_exact(self, resource: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.exact_api.post(f"{self.exact_url}/{resource}", json=body, timeout=30)
        assert response.status_code == 201, response.text
        return response.json()["d"]

    def book_orders(self) -> None:
        """A German and a Dutch business (valid VAT numbers) and a Norwegian one; six orders, one shipped by DHL."""
        dehmel = self._post_exact(
            "crm/Accounts",
            {
                "Name": "Dehmel GmbH",
                "Country": "DE",
                "VATNumber": "DE339115414",
                "Status": "C",
                "Email": "buch@dehmel.example",
                **_address("Berlin", "10115"),
            },
        )["ID"]
        korte = self._post_exact(
            "crm/Accounts",
            {
                "Name": "de Korte NV",
                "Country": "NL",
                "VATNumber": "NL587335774B01",
                "Status": "C",
                "Email": "inkoop@korte.example",
                **_address("Utrecht", "3511 AB"),
            },
        )["ID"]
        fjord = self._post_exact(
            "crm/Accounts",
            {
                "Name": "Fjordvarer AS",
                "Country": "NO",
                "Status": "C",
                "Email": "post@fjordvarer.example",
                **_address("Bergen", "5003"),
            },
        )["ID"]
        lamp = self._post_exact("logistics/Items", {"Code": "LAMP-1", "Description": "Head lamp", "IsSalesItem": True})
        tent = self._post_exact("logistics/Items", {"Code": "TENT-2", "Description": "Tent", "IsSalesItem": True})

        def order(account: str, lines: list[tuple[dict[str, Any], float, float, str]], **header: Any) -> str:
            body = {
                "OrderedBy": account,
                "SalesOrderLines": [
                    {"Item": item["ID"], "Quantity": quantity, "UnitPrice": price, "VATCode": vat}
                    for item, quantity, price, vat in lines
                ],
                **header,
            }
            created = self._post_exact("salesorder/SalesOrders", body)["OrderID"]
            response = self.exact_api.get(
                f"{self.exact_url}/salesorder/SalesOrders",
                params={"$filter": f"OrderID eq guid'{created}'", "$select": "OrderNumber"},
                timeout=30,
            )
            response.raise_for_status()
            return str(_rows(response.json())[0]["OrderNumber"])

        reverse_charge, exact_low_rate, export = "4", "2", "5"
        self.orders["equal"] = order(dehmel, [(lamp, 3, 24.5, reverse_charge), (tent, 1, 189.0, reverse_charge)])
        # Exact charged 9 % VAT; eAccounting's EU reverse-charge rule books 0 %: explained, not a difference.
        self.orders["reverse_charge"] = order(korte, [(tent, 2, 175.0, exact_low_rate)])
        self.orders["export"] = order(fjord, [(lamp, 10, 19.9, export)])
        self.orders["changed"] = order(dehmel, [(lamp, 4, 25.0, reverse_charge)])
        self.orders["deleted"] = order(korte, [(tent, 1, 199.0, reverse_charge)])
        dhl = self._shipping_method("DHL")
        # The rules add a 9.50 shipping row for DHL: explained, not a difference.
        self.orders["shipping"] = order(dehmel, [(lamp, 2, 30.0, reverse_charge)], ShippingMethod=dhl)

    def _shipping_method(self, code: str) -> str:
        response = self.exact_api.get(
            f"{self.exact_url}/sales/ShippingMethods", params={"$select": "ID,Code"}, timeout=30
        )
        response.raise_for_status()
        return next(row["ID"] for row in _rows(response.json()) if row["Code"].strip() == code)

    # ------------------------------------------------------------------------------------------------ connection

    def write_connection_file(self) -> None:
        """The connector configs (one token chain each) and the connection file, as docs/runner.md describes."""
        secrets = self.folder / "secrets"
        secrets.mkdir(mode=0o700, exist_ok=True)
        write_config_atomically(secrets / "exact-source.json", emulator_config(self.exact))
        app = {k: self.eaccounting.credentials[k] for k in ("client_id", "client_secret")}
        write_config_atomically(
            secrets / "eaccounting-destination.json", {**emulator_config(self.eaccounting), "credentials": app}
        )
        authorize(
            "eaccounting",
            secrets / "eaccounting-destination.json",
            port=0,
            open_browser=follow_consent,
            announce=lambda text: None,
        )
        coding = next(c["Id"] for c in self._ea_list("articleaccountcodings") if c.get("VatRatePercent") in (0.25, 25))
        unit = self._ea_list("units")[0]["Id"]
        mapping = rules()
        mapping["articles"] = {
            "create_missing": True,
            "new_article_coding_id": coding,
            "new_article_unit_id": unit,
        }
        document = {
            "connections": [
                {
                    "name": CONNECTION,
                    "source": {"connector": "source-exact-online", "config": "secrets/exact-source.json"},
                    "destination": {
                        "connector": "destination-eaccounting",
                        "config": "secrets/eaccounting-destination.json",
                        "mapping": mapping,
                    },
                    "streams": [
                        {"name": "accounts", "sync_mode": "full_refresh"},
                        {"name": "contacts", "sync_mode": "full_refresh"},
                        {"name": "addresses", "sync_mode": "full_refresh"},
                        "sales_orders",
                    ],
                }
            ]
        }
        self.connection_file = self.folder / "connections.yaml"
        self.connection_file.write_text(yaml.safe_dump(document, sort_keys=False))

    # ------------------------------------------------------------------------------------------------ eAccounting

    def _ea_list(self, resource: str) -> list[dict[str, Any]]:
        response = self.ea_api.get(f"{self.ea_url}/{resource}", params={"$pagesize": 1000}, timeout=30)
        response.raise_for_status()
        body = response.json()
        return body["Data"] if isinstance(body, dict) and "Data" in body else body

    def ea_order(self, number: str) -> dict[str, Any]:
        reference = f"Exact SO {number}"
        return next(o for o in self._ea_list("orders") if o.get("OurReference") == reference)

    def put_order(self, order: dict[str, Any]) -> None:
        response = self.ea_api.put(f"{self.ea_url}/orders/{order['Id']}", json=order, timeout=30)
        assert response.ok, response.text

    def delete_order(self, order_id: str) -> None:
        response = self.ea_api.delete(f"{self.ea_url}/orders/{order_id}", timeout=30)
        assert response.ok, response.text

    def post_order(self, body: dict[str, Any]) -> dict[str, Any]:
        response = self.ea_api.post(f"{self.ea_url}/orders", json=body, timeout=30)
        assert response.ok, response.text
        return response.json()

    # ------------------------------------------------------------------------------------------------ the runner

    def ledgerbridge(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ledgerbridge", "--home", str(self.home), *arguments],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "COLUMNS": "200"},
        )

    def reconcile(self, *options: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
        """``reconcile`` with a JSON report; the run and the parsed report."""
        output = self.folder / "reconcile.json"
        output.unlink(missing_ok=True)
        completed = self.ledgerbridge("reconcile", str(self.connection_file), "--output", str(output), *options)
        report = json.loads(output.read_text()) if output.exists() else {}
        return completed, report
