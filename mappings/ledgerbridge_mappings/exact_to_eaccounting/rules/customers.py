"""How an Exact account becomes (or finds) an eAccounting customer, and the default debtor."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from ledgerbridge_mappings.shared.rules.base import LongText, RuleModel
from ledgerbridge_mappings.shared.rules.match_keys import MatchKey


class PersonDetection(StrEnum):
    """Exact has no private-person flag on accounts; this decides which accounts become private persons."""

    AUTO = "auto"
    ALWAYS_COMPANY = "always_company"
    ALWAYS_PRIVATE = "always_private"


class NumberTaken(StrEnum):
    """A new customer's number (its Exact account code) already belongs to another eAccounting customer."""

    FAIL = "fail"
    EACCOUNTING_NUMBERS = "eaccounting_numbers"


class DefaultDebtorMode(StrEnum):
    OFF = "off"
    FALLBACK = "fallback"
    FORCE = "force"


class DefaultDebtor(RuleModel):
    mode: DefaultDebtorMode = Field(
        default=DefaultDebtorMode.OFF,
        title="Default debtor mode",
        description="off: never; fallback: use the default debtor when the order's customer cannot be resolved "
        "(not in the accounts stream, or without the match key); force: book every order on the default debtor.",
        examples=["fallback"],
    )
    customer_number: str | None = Field(
        default=None,
        max_length=16,
        title="Default debtor customer number",
        description="CustomerNumber of an existing eAccounting customer.",
        examples=["9999"],
    )

    @model_validator(mode="after")
    def _number_when_used(self) -> DefaultDebtor:
        if self.mode is not DefaultDebtorMode.OFF and not (self.customer_number or "").strip():
            raise ValueError("customer_number is required when the default debtor mode is fallback or force")
        return self


class CustomerRules(RuleModel):
    match_key: MatchKey = Field(
        default=MatchKey.EMAIL,
        title="Match customers on",
        description="Which field finds an existing eAccounting customer for an Exact account: e-mail address, "
        "customer number (Exact account code) or VAT number.",
        examples=["email"],
    )
    create_missing: bool = Field(
        default=True,
        title="Create missing customers",
        description="Create an eAccounting customer when none matches; otherwise the order fails (or falls back to "
        "the default debtor).",
    )
    person_detection: PersonDetection = Field(
        default=PersonDetection.AUTO,
        title="Private persons",
        description="auto: an account without VAT number and without Chamber of Commerce number whose name equals "
        "its main contact's name is a private person, every other account a company with a contact person; "
        "always_company; always_private.",
        examples=["auto"],
    )
    use_exact_code_as_customer_number: bool = Field(
        default=True,
        title="Use Exact account code as customer number",
        description="New customers get the Exact account code (without its padding) as CustomerNumber; "
        "otherwise eAccounting numbers them.",
    )
    customer_number_taken: NumberTaken = Field(
        default=NumberTaken.FAIL,
        title="When the customer number is taken",
        description="With use_exact_code_as_customer_number, a new customer whose Exact account code is already "
        "another eAccounting customer's number (seen in the customers read before planning): fail: the record "
        "fails naming the account code, nothing is sent; eaccounting_numbers: the customer is created without a "
        "number and eAccounting gives it the next free one.",
        examples=["fail"],
    )
    default_debtor: DefaultDebtor = Field(
        default_factory=DefaultDebtor,
        title="Default debtor",
        description="One eAccounting customer that takes orders without a usable customer, or all of them.",
    )
    long_text: LongText = Field(
        default=LongText.ERROR,
        title="Text longer than eAccounting allows",
        description="error: the record fails naming the field; truncate: cut to the allowed length.",
        examples=["error"],
    )
