"""`make demo` until the runner lands: start both emulators and read real data from them over plain HTTP.

Everything here speaks the public APIs exactly as a client would (OAuth refresh, OData and eAccounting queries),
so what it prints is what a connector would see.
"""

from __future__ import annotations

from typing import Any

import requests

from emulator_kit.process import EmulatorProcess

TIMEOUT = 30


def _refresh(token_url: str, credentials: dict[str, str]) -> str:
    response = requests.post(
        token_url,
        data={
            "grant_type": "refresh_token",
            "refresh_token": credentials["refresh_token"],
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
        },
        timeout=TIMEOUT,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def _table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    print(f"\n{title}")
    widths = {column: max([len(column), *(len(_cell(row.get(column))) for row in rows)]) for column in columns}
    print("  " + "  ".join(column.ljust(widths[column]) for column in columns).rstrip())
    for row in rows:
        print("  " + "  ".join(_cell(row.get(column)).ljust(widths[column]) for column in columns).rstrip())


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return "" if value is None else str(value).strip()


def exact_online(start: dict[str, Any]) -> None:
    base, division = start["base_url"], start["division"]
    session = requests.Session()
    session.headers.update(
        {
            "Authorization": f"Bearer {_refresh(f'{base}/api/oauth2/token', start['credentials'])}",
            "Accept": "application/json",
        }
    )

    def get(path: str, **params: str) -> list[dict[str, Any]]:
        response = session.get(f"{base}/api/v1/{division}/{path}", params=params, timeout=TIMEOUT)
        response.raise_for_status()
        body = response.json()["d"]
        return body if isinstance(body, list) else body["results"]

    print(f"\n== Exact Online emulator at {base} (division {division})")
    accounts = get("sync/CRM/Accounts", **{"$select": "Code,Name,City,Country,VATNumber", "$filter": "Timestamp gt 1L"})
    _table(f"Accounts ({len(accounts)} on the first sync page)", accounts[:5], ["Code", "Name", "City", "Country"])
    orders = get("salesorder/SalesOrders", **{"$select": "OrderNumber,OrderedByName,AmountDC,Currency", "$top": "5"})
    _table("Sales orders", orders, ["OrderNumber", "OrderedByName", "AmountDC", "Currency"])
    stock = get(
        "sync/Inventory/StockPositions",
        **{"$select": "ItemCode,ItemDescription,CurrentStock,ReservedStock,FreeStock", "$filter": "Timestamp gt 1L"},
    )
    _table("Stock positions", stock[:5], ["ItemCode", "ItemDescription", "CurrentStock", "ReservedStock", "FreeStock"])


def eaccounting(start: dict[str, Any]) -> None:
    api = start["api_url"]
    session = requests.Session()
    token = _refresh(f"{start['identity_url']}/connect/token", start["credentials"])
    session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})

    def get(path: str) -> list[dict[str, Any]]:
        response = session.get(f"{api}/{path}", params={"$pagesize": "5"}, timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()["Data"]

    print(f"\n== Visma eAccounting emulator at {api}")
    _table(
        "Customers",
        get("customers"),
        ["CustomerNumber", "Name", "InvoiceCity", "InvoiceCountryCode", "IsPrivatePerson"],
    )
    _table("Orders", get("orders"), ["Number", "CustomerName", "Amount", "Status"])
    _table("Articles", get("articles"), ["Number", "Name", "StockBalance", "StockBalanceReserved"])


def main() -> None:
    with EmulatorProcess("exact-online-emulator") as exact, EmulatorProcess("eaccounting-emulator") as visma:
        exact_online(exact.start_line)
        eaccounting(visma.start_line)
    print("\nBoth emulators served real OAuth, OData and eAccounting calls; see emulators/README.md for their options.")


if __name__ == "__main__":
    main()
