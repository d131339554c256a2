"""Typed indexes of reference data that the destinations fetch in bulk once per sync and hand to the rules.

Each index is built from the API's own list records (``from_records``) so a destination passes what it fetched, and
the rules never call an API. Keys are normalised the same way on both sides (e-mail lower-cased, VAT numbers compacted,
Exact account codes stripped of their padding).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from ledgerbridge_mappings.shared.match_keys import code_key, email_key, vat_key
from ledgerbridge_mappings.shared.party_index import PartyIndex

Record = Mapping[str, Any]


def _text_key(value: str | None) -> str | None:
    if not value:
        return None
    text = value.strip().casefold()
    return text or None


# --------------------------------------------------------------------------------------------- eAccounting side


@dataclass(frozen=True, slots=True)
class CustomerRef:
    id: str
    customer_number: str | None
    email: str | None
    vat_number: str | None
    is_private_person: bool
    is_active: bool = True
    currency: str | None = None  # the customer's invoice currency; None = the company currency


@dataclass(slots=True)
class CustomerIndex(PartyIndex[CustomerRef]):
    """eAccounting customers by each supported match key."""

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> CustomerIndex:
        index = cls()
        for record in records:
            index.add(
                CustomerRef(
                    id=str(record["Id"]),
                    customer_number=code_key(record.get("CustomerNumber")),
                    email=email_key(record.get("EmailAddress")),
                    vat_number=vat_key(record.get("VatNumber")),
                    is_private_person=bool(record.get("IsPrivatePerson")),
                    is_active=record.get("IsActive", True) is not False,
                    currency=_currency(record.get("CurrencyCode")),
                )
            )
        return index

    def add(self, customer: CustomerRef) -> None:
        # An inactive customer is only a match when no active one shares the key.
        self.put(
            customer,
            email=customer.email,
            number=customer.customer_number,
            vat=customer.vat_number,
            replaces=lambda present: customer.is_active and not present.is_active,
        )


@dataclass(frozen=True, slots=True)
class ArticleRef:
    id: str
    number: str
    name: str | None = None
    is_active: bool = True
    coding_id: str | None = None
    vat_rate_percent: float | None = None


def _coding_percent(value: Any) -> float | None:
    """A coding's ``VatRatePercent`` in percent. The API answers a fraction (0.25 for 25 %, like row ``VatRate``)
    although the description says "percent"; no VAT rate lies in (0 %, 1 %], so both readings map to one value."""
    if value is None:
        return None
    rate = float(value)
    return rate * 100.0 if 0.0 < rate <= 1.0 else rate


@dataclass(slots=True)
class ArticleIndex:
    by_number: dict[str, ArticleRef] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[Record], codings: Iterable[Record] = ()) -> ArticleIndex:
        """Articles by number; pass ``/articleaccountcodings`` to know each article's VAT rate for validation."""
        rates = {str(c["Id"]): _coding_percent(c.get("VatRatePercent")) for c in codings if c.get("Id") is not None}
        index = cls()
        for record in records:
            number = code_key(record.get("Number"))
            if number is None:
                continue
            coding_id = record.get("CodingId")
            rate = rates.get(str(coding_id)) if coding_id is not None else None
            index.by_number[number] = ArticleRef(
                id=str(record["Id"]),
                number=number,
                name=record.get("Name"),
                is_active=record.get("IsActive", True) is not False,
                coding_id=str(coding_id) if coding_id is not None else None,
                vat_rate_percent=float(rate) if rate is not None else None,
            )
        return index

    def get(self, number: str | None) -> ArticleRef | None:
        key = code_key(number)
        return self.by_number.get(key) if key else None


@dataclass(frozen=True, slots=True)
class VatCodeRef:
    id: str
    code: str
    rate: float
    vat_account: int | None = None


@dataclass(slots=True)
class VatCodeIndex:
    by_code: dict[str, VatCodeRef] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> VatCodeIndex:
        index = cls()
        for record in records:
            code = code_key(record.get("Code"))
            if code is None:
                continue
            related = record.get("RelatedAccounts") or {}
            account = related.get("AccountNumber1")
            index.by_code[code.upper()] = VatCodeRef(
                id=str(record["Id"]),
                code=code,
                rate=float(record.get("VatRate") or 0.0),
                vat_account=int(account) if account is not None else None,
            )
        return index

    def get(self, code: str | None) -> VatCodeRef | None:
        key = code_key(code)
        return self.by_code.get(key.upper()) if key else None


@dataclass(frozen=True, slots=True)
class TermsOfPaymentRef:
    id: str
    name: str | None
    number_of_days: int | None


@dataclass(slots=True)
class TermsOfPaymentIndex:
    by_id: dict[str, TermsOfPaymentRef] = field(default_factory=dict)
    by_name: dict[str, TermsOfPaymentRef] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> TermsOfPaymentIndex:
        index = cls()
        for record in records:
            if record.get("AvailableForSales") is False:
                continue
            ref = TermsOfPaymentRef(str(record["Id"]), record.get("Name"), record.get("NumberOfDays"))
            index.by_id[ref.id.lower()] = ref
            for name in (record.get("Name"), record.get("NameEnglish")):
                key = _text_key(name)
                if key:
                    index.by_name.setdefault(key, ref)
        return index

    def resolve(self, id_or_name: str | None) -> TermsOfPaymentRef | None:
        """Config names terms by id or by name (as the user sees them in eAccounting)."""
        if not id_or_name:
            return None
        return self.by_id.get(id_or_name.strip().lower()) or self.by_name.get(_text_key(id_or_name) or "")


@dataclass(frozen=True, slots=True)
class DeliveryMethodRef:
    id: str
    name: str
    code: str | None


@dataclass(slots=True)
class DeliveryMethodIndex:
    by_key: dict[str, DeliveryMethodRef] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> DeliveryMethodIndex:
        index = cls()
        for record in records:
            ref = DeliveryMethodRef(str(record["Id"]), str(record.get("Name") or ""), record.get("Code"))
            for key in (ref.id.lower(), _text_key(ref.code), _text_key(ref.name)):
                if key:
                    index.by_key.setdefault(key, ref)
        return index

    def resolve(self, id_code_or_name: str | None) -> DeliveryMethodRef | None:
        key = _text_key(id_code_or_name)
        return self.by_key.get(key) if key else None


@dataclass(frozen=True, slots=True)
class CostCenterItemRef:
    id: str
    dimension: int
    short_name: str
    name: str
    is_active: bool


@dataclass(slots=True)
class CostCenterItemIndex:
    """eAccounting cost-centre items per dimension (the cost centre's ``Number``, 1-3), by short name or name."""

    by_dimension: dict[int, dict[str, CostCenterItemRef]] = field(default_factory=dict)

    @classmethod
    def from_records(cls, cost_centers: Iterable[Record]) -> CostCenterItemIndex:
        """Takes ``/costcenters`` records, whose ``Items`` carry the items of each dimension."""
        index = cls()
        for center in cost_centers:
            dimension = int(center.get("Number") or 0)
            table = index.by_dimension.setdefault(dimension, {})
            for item in center.get("Items") or ():
                ref = CostCenterItemRef(
                    id=str(item["Id"]),
                    dimension=dimension,
                    short_name=str(item.get("ShortName") or ""),
                    name=str(item.get("Name") or ""),
                    is_active=item.get("IsActive", True) is not False,
                )
                for key in (_text_key(ref.short_name), _text_key(ref.name)):
                    if key:
                        table.setdefault(key, ref)
        return index

    def get(self, dimension: int, code: str | None) -> CostCenterItemRef | None:
        key = _text_key(code)
        return self.by_dimension.get(dimension, {}).get(key) if key else None


@dataclass(slots=True)
class ExistingReferences:
    """Documents already written, by the Exact reference they carry, per eAccounting collection.

    ``ids`` holds ``"collection/reference"`` → target id. It grows with the ledger's history and with the sync, so a
    destination passes a mapping kept on disk; a plain dict serves tests and small runs.
    """

    ids: MutableMapping[str, str] = field(default_factory=dict)

    def get(self, collection: str, reference: str) -> str | None:
        return self.ids.get(f"{collection}/{reference}")

    def add(self, collection: str, reference: str, target_id: str) -> None:
        self.ids[f"{collection}/{reference}"] = target_id

    def __len__(self) -> int:
        return len(self.ids)


def _currency(value: Any) -> str | None:
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


# ------------------------------------------------------------------------------------------------- Exact side


@dataclass(frozen=True, slots=True)
class ExactShippingMethod:
    id: str
    code: str | None
    description: str | None


@dataclass(slots=True)
class ExactShippingMethods:
    """Exact ``sales/ShippingMethods`` by ID: sales orders name their method only by ID and description."""

    by_id: dict[str, ExactShippingMethod] = field(default_factory=dict)

    def add(self, record: Record) -> bool:
        method_id = _text_key(record.get("ID"))
        if method_id is None:
            return False
        self.by_id[method_id] = ExactShippingMethod(
            method_id, _clean_text(record.get("Code")), _clean_text(record.get("Description"))
        )
        return True

    def get(self, method_id: str | None) -> ExactShippingMethod | None:
        key = _text_key(method_id)
        return self.by_id.get(key) if key else None

    def __len__(self) -> int:
        return len(self.by_id)


def _clean_text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


@dataclass(slots=True)
class ExactParties:
    """Exact accounts, contacts and addresses by ``ID``, so a sales order's ``OrderedBy`` can be read in full."""

    accounts: dict[str, Record] = field(default_factory=dict)
    contacts: dict[str, Record] = field(default_factory=dict)
    addresses: dict[str, Record] = field(default_factory=dict)
    contacts_by_account: dict[str, list[Record]] = field(default_factory=dict)

    @classmethod
    def from_records(
        cls, accounts: Iterable[Record] = (), contacts: Iterable[Record] = (), addresses: Iterable[Record] = ()
    ) -> ExactParties:
        parties = cls(
            accounts={str(a["ID"]).lower(): a for a in accounts if a.get("ID")},
            addresses={str(a["ID"]).lower(): a for a in addresses if a.get("ID")},
        )
        for contact in contacts:
            parties.add_contact(contact)
        return parties

    def add_account(self, account: Record) -> None:
        self.accounts[str(account["ID"]).lower()] = account

    def add_contact(self, contact: Record) -> None:
        if not contact.get("ID"):
            return
        self.contacts[str(contact["ID"]).lower()] = contact
        owner = str(contact.get("Account") or "").lower()
        if owner:
            self.contacts_by_account.setdefault(owner, []).append(contact)

    def account(self, account_id: str | None) -> Record | None:
        return self.accounts.get(account_id.lower()) if account_id else None

    def contact(self, contact_id: str | None) -> Record | None:
        return self.contacts.get(contact_id.lower()) if contact_id else None

    def address(self, address_id: str | None) -> Record | None:
        return self.addresses.get(address_id.lower()) if address_id else None

    def main_contact(self, account: Record) -> Record | None:
        contact = self.contact(account.get("MainContact"))
        if contact is not None:
            return contact
        account_id = str(account.get("ID") or "").lower()
        # Without MainContact set, the contact flagged IsMainContact (or the only one) of the account stands in.
        candidates = self.contacts_by_account.get(account_id, [])
        flagged = [c for c in candidates if c.get("IsMainContact")]
        if flagged:
            return flagged[0]
        return candidates[0] if len(candidates) == 1 else None


@dataclass(slots=True)
class EAccountingLookups:
    """Everything the Exact → eAccounting rules may consult, fetched once per sync."""

    customers: CustomerIndex = field(default_factory=CustomerIndex)
    articles: ArticleIndex = field(default_factory=ArticleIndex)
    vat_codes: VatCodeIndex = field(default_factory=VatCodeIndex)
    terms_of_payment: TermsOfPaymentIndex = field(default_factory=TermsOfPaymentIndex)
    delivery_methods: DeliveryMethodIndex = field(default_factory=DeliveryMethodIndex)
    cost_center_items: CostCenterItemIndex = field(default_factory=CostCenterItemIndex)
    existing: ExistingReferences = field(default_factory=ExistingReferences)
    parties: ExactParties = field(default_factory=ExactParties)
    shipping_methods: ExactShippingMethods = field(default_factory=ExactShippingMethods)
    company_currency: str | None = None  # eAccounting companysettings CurrencyCode
