"""CRM rules: account codes, contacts, addresses (one main address per type), and accounts in use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pycountry

from exact_online_emulator.exceptions import BadRequest
from exact_online_emulator.models.rules.lookups import lookup, refresh_names

if TYPE_CHECKING:
    from exact_online_emulator.models.division import Division
    from exact_online_emulator.models.rules.ledger import Ledger
    from exact_online_emulator.models.store import Row


ACCOUNT_CODE_WIDTH = 18


ADDRESS_TYPES = {1: "Visit", 2: "Postal", 3: "Invoice", 4: "Delivery"}


DELIVERY_ADDRESS = 4


def account_code(code: str | int) -> str:
    """Exact stores account codes right-aligned in 18 characters ("              1068")."""
    text = str(code).strip()
    if len(text) > ACCOUNT_CODE_WIDTH:
        raise BadRequest(f"Code '{text}' is longer than {ACCOUNT_CODE_WIDTH} characters.")
    return text.rjust(ACCOUNT_CODE_WIDTH)


def _create_account(backend: Ledger, division: Division, values: dict[str, Any]) -> None:
    table = division.tables["crm/Accounts"]
    if values.get("Code"):
        values["Code"] = account_code(values["Code"])
    else:
        while True:
            candidate = account_code(division.next_number("account_code", 1000))
            if not any(r.get("Code") == candidate for r in table.rows.values()):
                values["Code"] = candidate
                break
    if any(r.get("Code") == values["Code"] for r in table.rows.values()):
        raise BadRequest(f"Code already exists: '{values['Code'].strip()}'.")
    values.setdefault("Status", "C")
    values.setdefault("IsSales", True)
    values.setdefault("IsSupplier", False)
    values.setdefault("Blocked", False)
    values["Type"] = "A"
    values.setdefault("Language", "NL")


def _create_contact(backend: Ledger, division: Division, values: dict[str, Any]) -> None:
    if not values.get("FirstName") and not values.get("LastName"):
        raise BadRequest(
            "Mandatory field is missing: provide at least 'FirstName' or 'LastName' (Exact.Web.Api.Models.Contact)."
        )
    values.setdefault("FirstName", "")
    values.setdefault("LastName", "")
    values["HID"] = division.next_number("contact_hid", 1)
    refresh_names(division, "crm/Contacts", values)


def _check_address(division: Division, row: dict[str, Any]) -> None:
    """What Exact's docs say about an address: a documented Type, an account or (delivery only) a warehouse instead."""
    kind = row.get("Type")
    if kind is not None and kind not in ADDRESS_TYPES:
        allowed = ", ".join(f"{name}={code}" for code, name in ADDRESS_TYPES.items())
        raise BadRequest(f"Type: {kind} is not a valid address type ({allowed}).")
    if row.get("Warehouse") is not None:
        if kind != DELIVERY_ADDRESS:
            raise BadRequest("Warehouse can only be filled for an address of type Delivery (4).")
        if row.get("Account") is not None:
            raise BadRequest("Account must be empty when a Warehouse is linked to the address.")
    elif row.get("Account") is None:
        raise BadRequest("Mandatory field is missing: 'Account' (Exact.Web.Api.Models.Address).")
    country = row.get("Country")
    if country is not None and pycountry.countries.get(alpha_2=str(country).upper()) is None:
        raise BadRequest(f"Country: '{country}' is not a country code.")
    contact = lookup(division, "crm/Contacts", row.get("Contact"))
    if contact is not None and row.get("Account") is not None and contact.get("Account") != row["Account"]:
        raise BadRequest(f"Contact '{row['Contact']}' does not belong to account '{row['Account']}'.")


def _siblings(division: Division, row: Row) -> list[Row]:
    """Other addresses of the same type for the same account (or warehouse)."""
    owner = ("Account", row["Account"]) if row.get("Account") else ("Warehouse", row.get("Warehouse"))
    return [
        r
        for r in division.tables["crm/Addresses"].rows.values()
        if r.get(owner[0]) == owner[1] and r.get("Type") == row.get("Type") and r["ID"] != row["ID"]
    ]


def _create_address(backend: Ledger, division: Division, values: dict[str, Any]) -> None:
    if values.get("Country"):
        values["Country"] = str(values["Country"]).upper()
    _check_address(division, values)
    refresh_names(division, "crm/Addresses", values)


def _one_main_address(backend: Ledger, division: Division, row: Row) -> None:
    """Exact keeps one main address per type: the first of its type is main, a new main one demotes the old one."""
    siblings = _siblings(division, row)
    if row.get("Main") is None:
        main = not any(r.get("Main") for r in siblings)
        row = backend.touch(division, "crm/Addresses", row["ID"], {"Main": main})
    if row.get("Main"):
        for other in siblings:
            if other.get("Main"):
                backend.touch(division, "crm/Addresses", other["ID"], {"Main": False})


def _guard_address_update(backend: Ledger, division: Division, old: Row, changes: dict[str, Any]) -> None:
    if changes.get("Country"):
        changes["Country"] = str(changes["Country"]).upper()
    _check_address(division, {**old, **changes})


def _after_address_update(backend: Ledger, division: Division, old: Row, row: Row) -> None:
    if row.get("Main") and (not old.get("Main") or old.get("Type") != row.get("Type")):
        _one_main_address(backend, division, row)


def _guard_account_delete(backend: Ledger, division: Division, old: Row) -> None:
    for path, ref in (("salesorder/SalesOrders", "OrderedBy"), ("salesinvoice/SalesInvoices", "OrderedBy")):
        if any(r.get(ref) == old["ID"] for r in division.tables[path].rows.values()):
            raise BadRequest(f"Account '{old.get('Code', '').strip()}' is in use and can not be deleted.")


CREATE = {"crm/Accounts": _create_account, "crm/Contacts": _create_contact, "crm/Addresses": _create_address}
UPDATE_GUARD = {"crm/Addresses": _guard_address_update}
AFTER_CREATE = {"crm/Addresses": _one_main_address}
AFTER_UPDATE = {"crm/Addresses": _after_address_update}
DELETE_GUARD = {"crm/Accounts": _guard_account_delete}
