"""Both flows find a party's counterpart through one index: which party keeps a shared key, and how values match."""

from __future__ import annotations

from ledgerbridge_mappings import CustomerIndex, ExactAccountIndex


def customer(id_: str, email: str, *, active: bool) -> dict[str, object]:
    return {
        "Id": id_,
        "EmailAddress": email,
        "CustomerNumber": "  42",
        "VatNumber": "NL004495445B01",
        "IsActive": active,
    }


def test_given_inactive_and_active_customers_sharing_keys_when_indexed_then_the_active_one_matches() -> None:
    for records in (
        [customer("old", "A@Shop.nl", active=False), customer("new", "a@shop.nl", active=True)],
        [customer("new", "a@shop.nl", active=True), customer("old", "A@Shop.nl", active=False)],
    ):
        index = CustomerIndex.from_records(records)

        found = [
            index.find(key, value)
            for key, value in (("email", " A@SHOP.NL "), ("customer_number", "42"), ("vat_number", "NL 0044.95445.B01"))
        ]

        assert [party.id if party else None for party in found] == ["new", "new", "new"]


def test_given_exact_accounts_sharing_an_email_when_indexed_then_the_first_keeps_it_and_codes_match_unpadded() -> None:
    index = ExactAccountIndex.from_records(
        [{"ID": "1", "Email": "a@shop.nl", "Code": "   7"}, {"ID": "2", "Email": "A@shop.nl", "Code": "   8"}]
    )

    first, by_code = index.find("email", "a@SHOP.nl"), index.find("customer_number", "8")

    assert (first or {}).get("ID") == "1"
    assert (by_code or {}).get("ID") == "2"
    assert index.find("vat_number", None) is None
