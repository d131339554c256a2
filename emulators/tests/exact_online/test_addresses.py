"""crm/Addresses as Exact Online documents it: seeded visit/invoice/delivery addresses of the seeded accounts, the
regular (60), bulk and sync (1,000) views, the Type enum and Account/Warehouse rules on writes, one main address per
type, and deletions (also with their account) in sync/Deleted as EntityType 3."""

from __future__ import annotations

VISIT, POSTAL, INVOICE, DELIVERY = 1, 2, 3, 4
ADDRESS_DELETED = 3
ACCOUNT_DELETED = 2
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def _all_rows(emulator, path, params):
    response = emulator.get(path, **params)
    assert response.status_code == 200, response.text
    pages = [response.json()["d"]]
    while "__next" in pages[-1]:
        response = emulator.get(pages[-1]["__next"])
        assert response.status_code == 200, response.text
        pages.append(response.json()["d"])
    return pages, [row for page in pages for row in page["results"]]


def _error(response):
    return response.json()["error"]["message"]["value"]


def _new_account(emulator, name="Adresboek B.V.", country="NL"):
    response = emulator.post("crm/Accounts", {"Name": name, "Country": country})
    assert response.status_code == 201, response.text
    return response.json()["d"]


def _addresses_of(emulator, account_id):
    return emulator.get(
        "crm/Addresses", **{"$filter": f"Account eq guid'{account_id}'", "$select": "ID,Type,Main,AddressLine1"}
    ).json()["d"]["results"]


def _deleted_since(emulator, floor):
    return emulator.get(
        "sync/Deleted", **{"$filter": f"Timestamp gt {floor}L", "$select": "Timestamp,EntityKey,EntityType"}
    ).json()["d"]["results"]


def _deleted_floor(emulator):
    rows = emulator.get("sync/Deleted", **{"$filter": "Timestamp gt 1L", "$select": "Timestamp"}).json()["d"]["results"]
    return max([row["Timestamp"] for row in rows] or [1])


def test_given_seeded_accounts_when_reading_bulk_addresses_then_each_has_its_own_address_as_main_visit_address(seeded):
    _pages, accounts = _all_rows(
        seeded, "sync/CRM/Accounts", {"$filter": "Timestamp gt 1L", "$select": "ID,Name,AddressLine1,City,Country"}
    )
    select = "ID,Account,AccountName,Type,Main,AddressLine1,City,Country,Warehouse"
    _pages, addresses = _all_rows(seeded, "bulk/CRM/Addresses", {"$select": select})

    visits = {row["Account"]: row for row in addresses if row["Type"] == VISIT}
    assert set(visits) == {account["ID"] for account in accounts}
    for account in accounts:
        visit = visits[account["ID"]]
        assert visit["Main"] is True
        assert (visit["AccountName"], visit["AddressLine1"], visit["City"], visit["Country"]) == (
            account["Name"],
            account["AddressLine1"],
            account["City"],
            account["Country"],
        )
    country_of = {account["ID"]: account["Country"] for account in accounts}
    by_account = [row for row in addresses if row.get("Account")]
    assert all(row["Country"] == country_of[row["Account"]] for row in by_account)
    assert {row["Type"] for row in by_account} == {VISIT, INVOICE, DELIVERY}
    assert all(row["Type"] == DELIVERY and row["Account"] is None for row in addresses if row["Warehouse"])
    mains = [(row["Account"], row["Type"]) for row in by_account if row["Main"]]
    assert len(mains) == len(set(mains)), "more than one main address of a type for an account"


def test_given_many_addresses_when_listing_regular_and_sync_then_60_and_1000_row_pages_cover_the_same_rows(seeded):
    regular_pages, regular = _all_rows(seeded, "crm/Addresses", {"$select": "ID", "$inlinecount": "allpages"})
    since_first = {"$filter": "Timestamp gt 1L", "$select": "Timestamp,ID"}
    sync_pages, synced = _all_rows(seeded, "sync/CRM/Addresses", since_first)

    assert len(regular_pages[0]["results"]) == 60 and "$skiptoken=guid'" in regular_pages[0]["__next"]
    assert len(regular) == int(regular_pages[0]["__count"]) > 2000
    assert len(sync_pages[0]["results"]) == 1000 and len(sync_pages) >= 3
    timestamps = [row["Timestamp"] for row in synced]
    assert timestamps == sorted(timestamps) and len(set(timestamps)) == len(timestamps)
    assert sync_pages[0]["__next"].endswith(f"$skiptoken={timestamps[999]}L")
    assert sorted(row["ID"] for row in synced) == sorted(row["ID"] for row in regular)


def test_given_sync_cursor_when_an_address_changes_then_only_that_address_is_read_again(fresh):
    _pages, before = _all_rows(fresh, "sync/CRM/Addresses", {"$filter": "Timestamp gt 1L", "$select": "Timestamp,ID"})
    cursor = max(row["Timestamp"] for row in before)
    changed = before[0]["ID"]

    update = fresh.put(f"crm/Addresses(guid'{changed}')", {"AddressLine2": "2nd floor"})
    after = fresh.get(
        "sync/CRM/Addresses", **{"$filter": f"Timestamp gt {cursor}L", "$select": "Timestamp,ID,AddressLine2"}
    ).json()["d"]["results"]

    assert update.status_code == 204
    assert [(row["ID"], row["AddressLine2"]) for row in after] == [(changed, "2nd floor")]


def test_given_valid_address_when_posted_then_201_with_names_filled_and_first_of_its_type_is_main(fresh):
    account = _new_account(fresh)

    response = fresh.post(
        "crm/Addresses",
        {"Account": account["ID"], "Type": DELIVERY, "AddressLine1": "Kade 12", "City": "Utrecht", "Country": "nl"},
    )

    assert response.status_code == 201, response.text
    address = response.json()["d"]
    assert address["__metadata"]["type"] == "Exact.Web.Api.Models.Address"
    names = (address["AccountName"], address["Country"], address["CountryName"])
    assert names == ("Adresboek B.V.", "NL", "Netherlands")
    assert address["Main"] is True and address["Created"].startswith("/Date(")


def test_given_unknown_account_or_contact_when_posting_address_then_400_naming_the_reference(fresh):
    no_account = fresh.post("crm/Addresses", {"Account": UNKNOWN, "Type": VISIT, "City": "Gent"})
    account = _new_account(fresh)
    no_contact = fresh.post("crm/Addresses", {"Account": account["ID"], "Contact": UNKNOWN, "Type": VISIT})

    assert no_account.status_code == 400 and f"Account '{UNKNOWN}'" in _error(no_account)
    assert no_contact.status_code == 400 and f"Contact '{UNKNOWN}'" in _error(no_contact)
    assert _addresses_of(fresh, account["ID"]) == []


def test_given_address_breaking_the_documented_rules_when_posting_then_400_says_which_rule(fresh):
    account = _new_account(fresh)
    warehouse = fresh.get("inventory/Warehouses", **{"$select": "ID"}).json()["d"]["results"][0]["ID"]

    bad_type = fresh.post("crm/Addresses", {"Account": account["ID"], "Type": 7})
    no_type = fresh.post("crm/Addresses", {"Account": account["ID"], "City": "Breda"})
    no_owner = fresh.post("crm/Addresses", {"Type": VISIT, "City": "Breda"})
    warehouse_visit = fresh.post("crm/Addresses", {"Warehouse": warehouse, "Type": VISIT})
    warehouse_and_account = fresh.post("crm/Addresses", {"Warehouse": warehouse, "Account": account["ID"], "Type": 4})
    bad_country = fresh.post("crm/Addresses", {"Account": account["ID"], "Type": POSTAL, "Country": "XX"})
    warehouse_delivery = fresh.post("crm/Addresses", {"Warehouse": warehouse, "Type": DELIVERY, "City": "Venlo"})

    assert bad_type.status_code == 400 and "Visit=1, Postal=2, Invoice=3, Delivery=4" in _error(bad_type)
    assert no_type.status_code == 400 and "'Type'" in _error(no_type)
    assert no_owner.status_code == 400 and "'Account'" in _error(no_owner)
    assert warehouse_visit.status_code == 400 and "type Delivery" in _error(warehouse_visit)
    assert warehouse_and_account.status_code == 400 and "Account must be empty" in _error(warehouse_and_account)
    assert bad_country.status_code == 400 and "'XX'" in _error(bad_country)
    assert warehouse_delivery.status_code == 201 and warehouse_delivery.json()["d"]["WarehouseCode"]


def test_given_a_main_address_when_another_of_that_type_is_made_main_then_the_old_one_is_demoted(fresh):
    account = _new_account(fresh)
    first = fresh.post("crm/Addresses", {"Account": account["ID"], "Type": INVOICE, "AddressLine1": "Postbus 1"})
    second = fresh.post("crm/Addresses", {"Account": account["ID"], "Type": INVOICE, "AddressLine1": "Postbus 2"})
    visit = fresh.post("crm/Addresses", {"Account": account["ID"], "Type": VISIT, "AddressLine1": "Markt 1"})
    assert second.json()["d"]["Main"] is False

    promote = fresh.put(f"crm/Addresses(guid'{second.json()['d']['ID']}')", {"Main": True})
    bad_update = fresh.put(f"crm/Addresses(guid'{visit.json()['d']['ID']}')", {"Type": 0})

    mains = {row["AddressLine1"]: row["Main"] for row in _addresses_of(fresh, account["ID"])}
    assert first.status_code == second.status_code == visit.status_code == 201
    assert promote.status_code == 204
    assert mains == {"Postbus 1": False, "Postbus 2": True, "Markt 1": True}
    assert bad_update.status_code == 400 and "address type" in _error(bad_update)


def test_given_address_when_deleted_then_204_gone_and_listed_in_sync_deleted_as_entity_type_3(fresh):
    address = fresh.get("crm/Addresses", **{"$top": "1", "$select": "ID"}).json()["d"][0]
    floor = _deleted_floor(fresh)

    response = fresh.delete(f"crm/Addresses(guid'{address['ID']}')")

    assert response.status_code == 204
    assert fresh.get(f"crm/Addresses(guid'{address['ID']}')").status_code == 404
    assert [(row["EntityKey"], row["EntityType"]) for row in _deleted_since(fresh, floor)] == [
        (address["ID"], ADDRESS_DELETED)
    ]


def test_given_account_with_addresses_when_account_deleted_then_its_addresses_are_deleted_too(fresh):
    account = _new_account(fresh, "Opheffing B.V.", "BE")
    created = [
        fresh.post("crm/Addresses", {"Account": account["ID"], "Type": kind, "City": "Antwerpen"}).json()["d"]["ID"]
        for kind in (VISIT, DELIVERY)
    ]
    floor = _deleted_floor(fresh)

    response = fresh.delete(f"crm/Accounts(guid'{account['ID']}')")

    deleted = {(row["EntityKey"], row["EntityType"]) for row in _deleted_since(fresh, floor)}
    assert response.status_code == 204
    assert deleted == {(key, ADDRESS_DELETED) for key in created} | {(account["ID"], ACCOUNT_DELETED)}
    assert _addresses_of(fresh, account["ID"]) == []
