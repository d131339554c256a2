"""Exact accounts, contacts, addresses and shipping methods kept for the rules, narrowed to the fields they read.

A sales order names its customer only by id (``InvoiceTo``/``OrderedBy``); the rules need that account's e-mail,
VAT number, address and main contact to find or create the eAccounting customer. These streams arrive as records
before the documents; keeping a handful of fields per party (not the ~100 Exact sends) keeps memory flat for
companies with many accounts. Shipping methods are kept because sales orders name theirs only by ID and
description, while users map them by code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledgerbridge_mappings import EAccountingRules, ExactParties
from ledgerbridge_mappings.exact_to_eaccounting.lookups import ExactShippingMethods
from ledgerbridge_mappings.shared.paths import parse_path
from ledgerbridge_mappings.shared.rules.field_map import FieldMapScope

ACCOUNTS, CONTACTS, ADDRESSES, SHIPPING_METHODS = "accounts", "contacts", "addresses", "shipping_methods"
PARTY_STREAMS = frozenset({ACCOUNTS, CONTACTS, ADDRESSES, SHIPPING_METHODS})

_ACCOUNT_FIELDS = frozenset(
    [
        "ID",
        "Code",
        "Name",
        "Email",
        "VATNumber",
        "ChamberOfCommerce",
        "Country",
        "City",
        "Postcode",
        "AddressLine1",
        "AddressLine2",
        "AddressLine3",
        "Phone",
        "Website",
        "SalesCurrency",
        "PaymentConditionSales",
        "ShippingMethod",
        "MainContact",
    ]
)
_CONTACT_FIELDS = frozenset(
    [
        "ID",
        "Account",
        "FullName",
        "FirstName",
        "MiddleName",
        "LastName",
        "Email",
        "BusinessEmail",
        "Phone",
        "BusinessPhone",
        "Mobile",
        "BusinessMobile",
        "IsMainContact",
    ]
)
_ADDRESS_FIELDS = frozenset(
    ["ID", "Account", "Country", "City", "Postcode", "AddressLine1", "AddressLine2", "AddressLine3"]
)


def _field_map_roots(rules: EAccountingRules) -> tuple[set[str], set[str]]:
    """Account fields and main-contact fields that customer field-map entries read."""
    account, contact = set(), set()
    for entry in rules.field_map.for_scope(FieldMapScope.CUSTOMER):
        sources = [entry.source] + [p for t in entry.transforms for p in getattr(t, "paths", [])]
        for source in sources:
            steps = parse_path(source).steps
            if steps and steps[0] == "MainContact" and len(steps) > 1 and isinstance(steps[1], str):
                contact.add(steps[1])
            elif steps and isinstance(steps[0], str):
                account.add(steps[0])
    return account, contact


class PartyKeeper:
    def __init__(self, rules: EAccountingRules, parties: ExactParties, shipping: ExactShippingMethods) -> None:
        self.parties = parties
        self.shipping = shipping
        extra_account, extra_contact = _field_map_roots(rules)
        self._fields = {
            ACCOUNTS: _ACCOUNT_FIELDS | extra_account,
            CONTACTS: _CONTACT_FIELDS | extra_contact,
            ADDRESSES: _ADDRESS_FIELDS,
        }

    def keep(self, stream: str, record: Mapping[str, Any]) -> bool:
        """Remember one party record; False when it has no ID to be referred to by."""
        if not record.get("ID"):
            return False
        if stream == SHIPPING_METHODS:
            return self.shipping.add(record)
        fields = self._fields[stream]
        slim = {name: value for name, value in record.items() if name in fields}
        if stream == ACCOUNTS:
            self.parties.add_account(slim)
        elif stream == CONTACTS:
            self._forget_contact(str(slim["ID"]).lower())
            self.parties.add_contact(slim)
        else:
            self.parties.addresses[str(slim["ID"]).lower()] = slim
        return True

    def _forget_contact(self, contact_id: str) -> None:
        """A contact sent twice in one sync (changed while read) replaces its earlier version."""
        old = self.parties.contacts.pop(contact_id, None)
        if old is None:
            return
        owner = str(old.get("Account") or "").lower()
        siblings = self.parties.contacts_by_account.get(owner, [])
        siblings[:] = [c for c in siblings if str(c.get("ID")).lower() != contact_id]
