"""Exact accounts → eAccounting customers: find by the match key in the index handed in, or plan the creation.

A company becomes a customer with its main contact as contact person; an account that is a private person becomes a
customer with ``IsPrivatePerson``. New customers are planned once per sync even when many orders need them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ledgerbridge_mappings.exact_to_eaccounting.lookups import CustomerRef, EAccountingLookups
from ledgerbridge_mappings.exact_to_eaccounting.payment_terms import TermsResolver
from ledgerbridge_mappings.exact_to_eaccounting.rules.customers import (
    CustomerRules,
    DefaultDebtorMode,
    NumberTaken,
    PersonDetection,
)
from ledgerbridge_mappings.exact_to_eaccounting.shipping import ShippingResolver
from ledgerbridge_mappings.plan import Action, PlannedWrite, RecordRejected, SourceRef
from ledgerbridge_mappings.shared.countries import normalise_country
from ledgerbridge_mappings.shared.field_map import apply_field_map
from ledgerbridge_mappings.shared.match_keys import code_key, email_key, vat_key
from ledgerbridge_mappings.shared.rules.field_map import FieldMapEntry
from ledgerbridge_mappings.shared.rules.match_keys import MatchKey
from ledgerbridge_mappings.shared.text import clean, fit
from ledgerbridge_mappings.shared.vat_numbers import VatNumber, parse_vat_number

CUSTOMERS = "customers"


@dataclass(frozen=True, slots=True)
class CustomerChoice:
    """Either an existing customer's id, or the key of a customer planned in this sync (to link its new id)."""

    customer_id: str | None
    planned_key: str | None
    country: str | None
    vat_number: VatNumber | None
    is_private_person: bool
    via_default_debtor: bool = False
    create: PlannedWrite | None = None
    currency: str | None = None  # the customer's invoice currency; None = the company currency


def full_name(contact: Mapping[str, Any] | None) -> str | None:
    if not contact:
        return None
    name = clean(contact.get("FullName"))
    if name:
        return name
    parts = [clean(contact.get(k)) for k in ("FirstName", "MiddleName", "LastName")]
    return " ".join(p for p in parts if p) or None


def is_private_person(rules: CustomerRules, account: Mapping[str, Any], contact: Mapping[str, Any] | None) -> bool:
    if rules.person_detection is PersonDetection.ALWAYS_COMPANY:
        return False
    if rules.person_detection is PersonDetection.ALWAYS_PRIVATE:
        return True
    if clean(account.get("VATNumber")) or clean(account.get("ChamberOfCommerce")):
        return False
    name, person = clean(account.get("Name")), full_name(contact)
    return bool(name and person and name.casefold() == person.casefold())


def match_value(match_key: MatchKey, account: Mapping[str, Any], contact: Mapping[str, Any] | None) -> str | None:
    if match_key is MatchKey.EMAIL:
        return email_key(account.get("Email")) or email_key((contact or {}).get("Email"))
    if match_key is MatchKey.CUSTOMER_NUMBER:
        return code_key(account.get("Code"))
    return vat_key(account.get("VATNumber"))


_MATCH_FIELD = {MatchKey.EMAIL: "Email", MatchKey.CUSTOMER_NUMBER: "Code", MatchKey.VAT_NUMBER: "VATNumber"}


def account_country(account: Mapping[str, Any], field_name: str) -> str | None:
    raw = clean(account.get("Country"))
    if raw is None:
        return None
    country = normalise_country(raw)
    if country is None:
        raise RecordRejected(field_name, f"{raw!r} is not an ISO 3166 country")
    return country


class CustomerPlanner:
    def __init__(
        self,
        rules: CustomerRules,
        lookups: EAccountingLookups,
        terms: TermsResolver,
        shipping: ShippingResolver,
        field_map: tuple[FieldMapEntry, ...] = (),
    ) -> None:
        self._rules = rules
        self._lookups = lookups
        self._terms = terms
        self._shipping = shipping
        self._field_map = field_map
        self._planned: dict[str, CustomerChoice] = {}

    # ---------------------------------------------------------------------------------------------- resolution

    def choose(self, account_id: str | None, account_field: str, source_ref: SourceRef) -> CustomerChoice:
        """The customer a document goes to. Raises ``RecordRejected`` naming the field when none can be chosen."""
        debtor = self._rules.default_debtor
        if debtor.mode is DefaultDebtorMode.FORCE:
            return self.default_debtor()
        account = self._lookups.parties.account(account_id)
        if account is None:
            reason = "missing" if not account_id else f"account {account_id} is not among the Exact accounts read"
            return self._fallback_or_reject(account_field, reason)
        contact = self._lookups.parties.main_contact(account)
        key_value = match_value(self._rules.match_key, account, contact)
        if key_value is None:
            return self._fallback_or_reject(
                f"{account_field}.{_MATCH_FIELD[self._rules.match_key]}",
                f"the account has no {self._rules.match_key.value.replace('_', ' ')} to match customers on",
            )
        existing = self._lookups.customers.find(self._rules.match_key.value, key_value)
        country = account_country(account, f"{account_field}.Country")
        vat_number = self._vat_number(account, country)
        if existing is not None:
            return CustomerChoice(
                existing.id, None, country, vat_number, existing.is_private_person, currency=existing.currency
            )
        planned_key = f"{CUSTOMERS}/{self._rules.match_key.value}:{key_value}"
        known = self._planned.get(planned_key)
        if known is not None:
            return CustomerChoice(
                None, planned_key, known.country, known.vat_number, known.is_private_person, currency=known.currency
            )
        if not self._rules.create_missing:
            return self._fallback_or_reject(account_field, "no eAccounting customer matches and creating is off")
        body = self.customer_body(account, contact, f"{account_field}")
        write = PlannedWrite(CUSTOMERS, Action.CREATE, body, source_ref, "new customer", key=planned_key)
        choice = CustomerChoice(
            None,
            planned_key,
            country,
            vat_number,
            body["IsPrivatePerson"],
            create=write,
            currency=body.get("CurrencyCode"),
        )
        self._planned[planned_key] = choice
        return choice

    def planned_count(self) -> int:
        """How many new customers this sync has planned so far (see ``forget_planned_since``)."""
        return len(self._planned)

    def forget_planned_since(self, count: int) -> None:
        """Forget the new customers planned after the first ``count``: the record that planned them was refused."""
        for key in list(self._planned)[count:]:
            del self._planned[key]

    def default_debtor(self) -> CustomerChoice:
        number = self._rules.default_debtor.customer_number
        ref: CustomerRef | None = self._lookups.customers.find("customer_number", number)
        if ref is None:
            raise RecordRejected(
                "customers.default_debtor.customer_number", f"no eAccounting customer has number {number!r}"
            )
        return CustomerChoice(
            ref.id, None, None, None, ref.is_private_person, via_default_debtor=True, currency=ref.currency
        )

    def _fallback_or_reject(self, field_name: str, reason: str) -> CustomerChoice:
        if self._rules.default_debtor.mode is DefaultDebtorMode.FALLBACK:
            return self.default_debtor()
        raise RecordRejected(field_name, reason)

    def _number_taken(self, number: str | None, field_name: str) -> bool:
        """Whether another customer already has this number (eAccounting would refuse the create on every run)."""
        if number is None or self._lookups.customers.find("customer_number", number) is None:
            return False
        if self._rules.customer_number_taken is NumberTaken.FAIL:
            raise RecordRejected(
                field_name,
                f"customer number {number} already belongs to another eAccounting customer; change one of them, or "
                "set customers.customer_number_taken: eaccounting_numbers",
            )
        return True

    @staticmethod
    def _vat_number(account: Mapping[str, Any], country: str | None) -> VatNumber | None:
        raw = clean(account.get("VATNumber"))
        return parse_vat_number(raw, country) if raw else None

    # ---------------------------------------------------------------------------------------------- building

    def customer_body(
        self, account: Mapping[str, Any], contact: Mapping[str, Any] | None, prefix: str
    ) -> dict[str, Any]:
        """A ``CustomerApi`` create body from an Exact account and its main contact."""
        long_text = self._rules.long_text
        private = is_private_person(self._rules, account, contact)
        country = account_country(account, f"{prefix}.Country")
        name = fit(account.get("Name"), 50, f"{prefix}.Name", long_text)
        if name is None:
            raise RecordRejected(f"{prefix}.Name", "missing")
        city = fit(account.get("City"), 50, f"{prefix}.City", long_text)
        postcode = fit(account.get("Postcode"), 10, f"{prefix}.Postcode", long_text)
        if city is None:
            raise RecordRejected(f"{prefix}.City", "missing (eAccounting requires InvoiceCity)")
        if postcode is None:
            raise RecordRejected(f"{prefix}.Postcode", "missing (eAccounting requires InvoicePostalCode)")
        body: dict[str, Any] = {
            "Name": name,
            "IsPrivatePerson": private,
            "IsActive": True,
            "InvoiceAddress1": fit(account.get("AddressLine1"), 50, f"{prefix}.AddressLine1", long_text),
            "InvoiceAddress2": fit(
                " ".join(p for p in (clean(account.get("AddressLine2")), clean(account.get("AddressLine3"))) if p),
                50,
                f"{prefix}.AddressLine2",
                long_text,
            ),
            "InvoicePostalCode": postcode,
            "InvoiceCity": city,
            "InvoiceCountryCode": country,
            "TermsOfPaymentId": self._terms.for_new_customer(
                clean(account.get("PaymentConditionSales")), f"{prefix}.PaymentConditionSales"
            ),
        }
        email = clean(account.get("Email")) or clean((contact or {}).get("Email"))
        if email:
            body["EmailAddress"] = fit(email, 255, f"{prefix}.Email", long_text)
        if self._rules.use_exact_code_as_customer_number:
            code = code_key(account.get("Code"))
            if code:
                number = fit(code, 16, f"{prefix}.Code", long_text)
                if not self._number_taken(number, f"{prefix}.Code"):
                    body["CustomerNumber"] = number
        phone = clean(account.get("Phone"))
        if phone:
            body["Telephone"] = fit(phone, 50, f"{prefix}.Phone", long_text)
        website = clean(account.get("Website"))
        if website:
            body["WwwAddress"] = fit(website, 255, f"{prefix}.Website", long_text)
        currency = clean(account.get("SalesCurrency"))
        if currency:
            body["CurrencyCode"] = currency.upper()
        if not private:
            vat_number = self._vat_number(account, country)
            if vat_number is not None:
                if len(vat_number.compact) > 20:
                    raise RecordRejected(
                        f"{prefix}.VATNumber", f"{len(vat_number.compact)} characters; the target allows 20"
                    )
                body["VatNumber"] = vat_number.compact
            coc = clean(account.get("ChamberOfCommerce"))
            if coc:
                body["CorporateIdentityNumber"] = fit(coc, 20, f"{prefix}.ChamberOfCommerce", long_text)
            if contact is not None:
                person = full_name(contact)
                if person:
                    body["ContactPersonName"] = fit(person, 100, f"{prefix}.MainContact.FullName", long_text)
                contact_email = clean(contact.get("Email")) or clean(contact.get("BusinessEmail"))
                if contact_email:
                    body["ContactPersonEmail"] = fit(contact_email, 255, f"{prefix}.MainContact.Email", long_text)
                contact_phone = clean(contact.get("Phone")) or clean(contact.get("BusinessPhone"))
                if contact_phone:
                    body["ContactPersonPhone"] = fit(contact_phone, 50, f"{prefix}.MainContact.Phone", long_text)
                mobile = clean(contact.get("Mobile")) or clean(contact.get("BusinessMobile"))
                if mobile:
                    body["ContactPersonMobile"] = fit(mobile, 50, f"{prefix}.MainContact.Mobile", long_text)
        shipping_method = clean(account.get("ShippingMethod"))
        if shipping_method:
            decision = self._shipping.resolve((shipping_method,), f"{prefix}.ShippingMethod")
            if decision.method is not None:
                body["DeliveryMethodId"] = decision.method.id
        body = {k: v for k, v in body.items() if v is not None}
        if self._field_map:
            source = dict(account)
            source["MainContact"] = dict(contact) if contact else None
            apply_field_map(self._field_map, source, body)
        return body
