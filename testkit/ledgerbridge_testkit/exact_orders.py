"""A person entering sales orders in Exact Online through its API, on their own token chain (not the connectors').

Used by the ``serve`` tests and benchmark: an order created here must reach eAccounting through the webhook path.
The customer and items are those of an order the emulator seeded, so every mapping rule already knows them.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from .live_token import live_credentials
from .runner_process import ORDER_REFERENCE

if TYPE_CHECKING:
    from emulator_kit.process import EmulatorProcess


class ExactOrderDesk:
    def __init__(self, exact: EmulatorProcess) -> None:
        from ledgerbridge.authorize import authorize

        start = exact.start_line
        self.division = start["division"]
        app = {key: exact.credentials[key] for key in ("client_id", "client_secret")}
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "exact-person.json"
            path.write_text(json.dumps({"base_url": start["base_url"], "division": self.division, "credentials": app}))
            config = authorize(
                "exact-online",
                path,
                port=0,
                open_browser=lambda url: requests.get(url, timeout=30).raise_for_status(),
                announce=lambda text: None,
            )
        self.exact = exact
        self.credentials: dict[str, str] = config["credentials"]
        self.api = f"{start['base_url']}/api/v1/{self.division}"
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        self._use(self.credentials["access_token"])
        seeded = [o for o in exact.dump()["salesorder/SalesOrders"] if o.get("Division") == self.division]
        lines = [
            line
            for line in exact.dump().get("salesorder/SalesOrderLines", [])
            if line.get("OrderID") == seeded[0]["OrderID"]
        ]
        self.customer: str = seeded[0]["OrderedBy"]
        self.items: list[str] = [line["Item"] for line in lines][:2]

    def create_order(self, quantity: int = 1) -> int:
        """Creates an order; returns its OrderNumber."""
        body: dict[str, Any] = {
            "OrderedBy": self.customer,
            "SalesOrderLines": [{"Item": item, "Quantity": quantity} for item in self.items],
        }
        response = self.session.post(f"{self.api}/salesorder/SalesOrders", json=body, timeout=30)
        if response.status_code == 401:  # Exact's access tokens last 10 minutes; a person's app refreshes and retries
            self.credentials = live_credentials(self.exact, self.credentials)
            self._use(self.credentials["access_token"])
            response = self.session.post(f"{self.api}/salesorder/SalesOrders", json=body, timeout=30)
        if response.status_code != 201:
            raise RuntimeError(f"Exact refused the order: {response.status_code} {response.text[:300]}")
        number = response.json()["d"].get("OrderNumber")
        if number is None:  # the answer carries what was sent; the number is the server's, read back
            key = response.json()["d"]["OrderID"]
            read = self.session.get(
                f"{self.api}/salesorder/SalesOrders(guid'{key}')", params={"$select": "OrderNumber"}, timeout=30
            )
            read.raise_for_status()
            body = read.json()["d"]
            number = (body["results"][0] if "results" in body else body)["OrderNumber"]
        return int(number)

    def _use(self, access_token: str) -> None:
        self.session.headers["Authorization"] = f"Bearer {access_token}"


def order_reference(number: int) -> str:
    return f"{ORDER_REFERENCE}{number}"
