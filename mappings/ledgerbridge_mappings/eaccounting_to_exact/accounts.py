"""eAccounting customers (CustomerApi) → Exact crm/Accounts, plus the main contact in crm/Contacts for companies.

Exact has no private-person flag on accounts: a private person becomes an account of its own, named after the
person, without VAT or Chamber of Commerce number and without a separate contact (one write instead of two).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledgerbridge_mappings.eaccounting_to_exact.lookups import ExactLookups
from ledgerbridge_mappings.eaccounting_to_exact.rules.flow import ExactRules
from ledgerbridge_mappings.eaccounting_to_exact.source_refs import source_ref
from ledgerbridge_mappings.eaccounting_to_exact.updates import changed_fields
from ledgerbridge_mappings.plan import Action, PlannedWrite, RecordPlan, RecordRejected
from ledgerbridge_mappings.shared.countries import normalise_country
from ledgerbridge_mappings.shared.field_map import apply_field_map
from ledgerbridge_mappings.shared.match_keys import code_key, email_key, vat_key
from ledgerbridge_mappings.shared.rules.field_map import FieldMapScope
from ledgerbridge_mappings.shared.rules.match_keys import MatchKey
from ledgerbridge_mappings.shared.text import clean
from ledgerbridge_mappings.shared.vat_numbers import parse_vat_number
from ledgerbridge_mappings.shared.vat_scenarios import VatParty, VatScenario, classify_sale

ACCOUNTS = "crm/Accounts"
CONTACTS = "crm/Contacts"
_MATCH_FIELD = {
    MatchKey.EMAIL: "EmailAddress",
    MatchKey.CUSTOMER_NUMBER: "CustomerNumber",
    MatchKey.VAT_NUMBER: "VatNumber",
}
_ACCOUNT_IDENTITY = frozenset({"Code", "Status"})
_CONTACT_IDENTITY = frozenset({"Account"})


def match_value(match_key: MatchKey, record: Mapping[str, Any]) -> str | None:
    value = record.get(_MATCH_FIELD[match_key])
    if match_key is MatchKey.EMAIL:
        return email_key(value)
    if match_key is MatchKey.CUSTOMER_NUMBER:
        return code_key(value)
    return vat_key(value)


def split_name(full_name: str) -> tuple[str | None, str]:
    """``"Eva de Vries"`` → ``("Eva", "de Vries")``; a single word is a last name (Exact needs one of the two)."""
    first, _, rest = full_name.strip().partition(" ")
    return (first, rest.strip()) if rest.strip() else (None, first)


class AccountPlanner:
    """Plans the Exact writes for eAccounting customers. Build one per sync with that sync's lookups."""

    def __init__(self, rules: ExactRules, lookups: ExactLookups) -> None:
        self.rules = rules.customers
        self.lookups = lookups
        self._account_map = rules.field_map.for_scope(FieldMapScope.ACCOUNT)
        self._contact_map = rules.field_map.for_scope(FieldMapScope.CONTACT)
        self._per_country_vat = {c.country: c.exact_code for c in self.rules.vat.per_country}
        self._planned: set[str] = set()

    def plan_customer(self, record: Mapping[str, Any], stream: str = "customers") -> RecordPlan:
        return RecordPlan.built(source_ref(stream, record, "CustomerNumber"), lambda plan: self._plan(record, plan))

    # ------------------------------------------------------------------------------------------------ the rules

    def _plan(self, record: Mapping[str, Any], plan: RecordPlan) -> None:
        rules, ref = self.rules, plan.source_ref
        key_value = match_value(rules.match_key, record)
        if key_value is None:
            raise RecordRejected(
                _MATCH_FIELD[rules.match_key], f"missing; customers are matched on {rules.match_key.value}"
            )
        private = bool(record.get("IsPrivatePerson"))
        account = self.account_body(record, private)
        contact = None if private else self.contact_body(record)
        existing = self.lookups.accounts.find(rules.match_key.value, key_value)
        key = f"{ACCOUNTS}/{rules.match_key.value}:{key_value}"
        if existing is None:
            if key in self._planned:
                plan.writes.append(PlannedWrite(ACCOUNTS, Action.SKIP, {}, ref, "created earlier in this sync"))
                return
            if not rules.create_missing:
                plan.writes.append(
                    PlannedWrite(ACCOUNTS, Action.SKIP, {}, ref, "no Exact account matches and creating is off")
                )
                return
            self._planned.add(key)
            plan.writes.append(PlannedWrite(ACCOUNTS, Action.CREATE, account, ref, "new account", key=key))
            if contact is not None:
                plan.writes.append(
                    PlannedWrite(
                        CONTACTS, Action.CREATE, contact, ref, "main contact of new account", links={"Account": key}
                    )
                )
            return
        account_id = str(existing["ID"])
        if not rules.update_existing:
            if contact is not None and not self.lookups.contacts.of_account(account_id):
                # A company account without any contact: a sync stopped between the two creates; complete it.
                body = {**contact, "Account": account_id}
                plan.writes.append(PlannedWrite(CONTACTS, Action.CREATE, body, ref, "main contact missing"))
                return
            reason = f"matches Exact account {code_key(existing.get('Code'))}; updating is off"
            plan.writes.append(PlannedWrite(ACCOUNTS, Action.SKIP, {}, ref, reason, target_id=account_id))
            return
        changes = changed_fields(account, existing, rules.create_only_fields, _ACCOUNT_IDENTITY)
        if changes:
            reason = "changed: " + ", ".join(sorted(changes))
            plan.writes.append(PlannedWrite(ACCOUNTS, Action.UPDATE, changes, ref, reason, target_id=account_id))
        if contact is not None:
            self._plan_contact(contact, existing, plan)
        if not plan.writes:
            plan.writes.append(PlannedWrite(ACCOUNTS, Action.SKIP, {}, ref, "unchanged", target_id=account_id))

    def _plan_contact(self, contact: dict[str, Any], account: Mapping[str, Any], plan: RecordPlan) -> None:
        account_id = str(account["ID"])
        existing = self._matching_contact(contact, account)
        if existing is None:
            body = {**contact, "Account": account_id}
            plan.writes.append(PlannedWrite(CONTACTS, Action.CREATE, body, plan.source_ref, "new contact"))
            return
        changes = changed_fields(contact, existing, self.rules.contact_create_only_fields, _CONTACT_IDENTITY)
        if changes:
            reason = "changed: " + ", ".join(sorted(changes))
            plan.writes.append(
                PlannedWrite(CONTACTS, Action.UPDATE, changes, plan.source_ref, reason, target_id=str(existing["ID"]))
            )

    def _matching_contact(self, contact: Mapping[str, Any], account: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The account's contact with the contact person's e-mail, else with their name, else its main contact."""
        candidates = self.lookups.contacts.of_account(str(account["ID"]))
        email = email_key(contact.get("Email"))
        if email:
            for candidate in candidates:
                if email in (email_key(candidate.get("Email")), email_key(candidate.get("BusinessEmail"))):
                    return candidate
        name = " ".join(p for p in (contact.get("FirstName"), contact.get("LastName")) if p).casefold()
        for candidate in candidates:
            if clean(candidate.get("FullName")) and candidate["FullName"].strip().casefold() == name:
                return candidate
        main = str(account.get("MainContact") or "").lower()
        return next((c for c in candidates if c.get("IsMainContact") or str(c.get("ID")).lower() == main), None)

    # ------------------------------------------------------------------------------------------------ bodies

    def account_body(self, record: Mapping[str, Any], private: bool) -> dict[str, Any]:
        name = clean(record.get("Name"))
        if name is None:
            raise RecordRejected("Name", "missing")
        country = self._country(record)
        body: dict[str, Any] = {
            "Name": name,
            "Status": "C",  # filled Status makes the account a customer
            "Email": clean(record.get("EmailAddress")),
            "AddressLine1": clean(record.get("InvoiceAddress1")),
            "AddressLine2": clean(record.get("InvoiceAddress2")),
            "Postcode": clean(record.get("InvoicePostalCode")),
            "City": clean(record.get("InvoiceCity")),
            "Country": country,
            "Phone": clean(record.get("Telephone")) or clean(record.get("MobilePhone")),
            "Website": clean(record.get("WwwAddress")),
            "SalesCurrency": (clean(record.get("CurrencyCode")) or "").upper() or None,
        }
        if self.rules.use_customer_number_as_code:
            body["Code"] = code_key(record.get("CustomerNumber"))
        vat_number = None
        if not private:
            raw_vat = clean(record.get("VatNumber"))
            vat_number = parse_vat_number(raw_vat, country) if raw_vat else None
            body["VATNumber"] = vat_number.compact if vat_number else None
            body["ChamberOfCommerce"] = clean(record.get("CorporateIdentityNumber"))
        party = VatParty(country, bool(vat_number and vat_number.valid))
        body["SalesVATCode"] = self._sales_vat_code(party)
        body["GLAccountSales"] = self._revenue_account(country)
        body = {k: v for k, v in body.items() if v is not None}
        if self._account_map:
            apply_field_map(self._account_map, record, body)
        return body

    def contact_body(self, record: Mapping[str, Any]) -> dict[str, Any] | None:
        person = clean(record.get("ContactPersonName"))
        if person is None:
            return None
        first, last = split_name(person)
        body = {
            "FirstName": first,
            "LastName": last,
            "Email": clean(record.get("ContactPersonEmail")),
            "Phone": clean(record.get("ContactPersonPhone")),
            "Mobile": clean(record.get("ContactPersonMobile")),
        }
        body = {k: v for k, v in body.items() if v is not None}
        if self._contact_map:
            apply_field_map(self._contact_map, record, body)
        return body

    @staticmethod
    def _country(record: Mapping[str, Any]) -> str | None:
        raw = clean(record.get("InvoiceCountryCode"))
        if raw is None:
            return None
        country = normalise_country(raw)
        if country is None:
            raise RecordRejected("InvoiceCountryCode", f"{raw!r} is not an ISO 3166 country")
        return country

    def _sales_vat_code(self, party: VatParty) -> str | None:
        vat = self.rules.vat
        code: str | None = None
        setting = ""
        if vat.home_country is not None and party.country is not None:
            scenario = classify_sale(vat.home_country, party)
            if scenario is VatScenario.EU_REVERSE_CHARGE and vat.eu_reverse_charge_code:
                code, setting = vat.eu_reverse_charge_code, "customers.vat.eu_reverse_charge_code"
            elif scenario is VatScenario.EXPORT and vat.export_code:
                code, setting = vat.export_code, "customers.vat.export_code"
        if code is None and party.country in self._per_country_vat:
            code, setting = self._per_country_vat[party.country], f"customers.vat.per_country[{party.country}]"
        if code is None and vat.default_code:
            code, setting = vat.default_code, "customers.vat.default_code"
        if code is None:
            return None
        if code not in self.lookups.vat_codes:
            raise RecordRejected("InvoiceCountryCode", f"Exact VAT code {code!r} from {setting} does not exist")
        return code_key(code)

    def _revenue_account(self, country: str | None) -> str | None:
        code = self.rules.revenue.for_country(country)
        if code is None:
            return None
        gl_id = self.lookups.gl_accounts.id_of(code)
        if gl_id is None:
            raise RecordRejected(
                "InvoiceCountryCode",
                f"Exact G/L account {code!r} (revenue for {country or 'no country'}) does not exist",
            )
        return gl_id
