"""The destination killed from outside (SIGKILL, as a platform pod can be) once Exact has seen its Nth write, then
rerun as Airbyte would: from the states it had echoed. Exact must end up with every record exactly once — no
duplicates, no gaps."""

from __future__ import annotations

import signal
from collections import Counter

import pytest

from integration_tests.emulators import Connection
from integration_tests.test_end_to_end import MAPPING, live
from ledgerbridge_testkit import writes


def assert_complete_and_unique(eaccounting, exact):
    ea, dump = eaccounting.dump(), exact.dump()
    division = exact.division
    emails = Counter((a.get("Email") or "").lower() for a in live(dump, "crm/Accounts", division))
    wanted = {(c.get("EmailAddress") or "").lower() for c in ea["customers"] if c.get("EmailAddress")}
    assert {e: emails[e] for e in wanted} == dict.fromkeys(wanted, 1)
    accounts = {a["Email"].lower(): a["ID"] for a in live(dump, "crm/Accounts", division) if a.get("Email")}
    contacts = Counter(c["Account"] for c in live(dump, "crm/Contacts", division))
    companies = {accounts[c["EmailAddress"].lower()] for c in ea["customers"] if not c["IsPrivatePerson"]}
    assert {a: contacts[a] for a in companies} == dict.fromkeys(companies, 1)
    codes = Counter(i["Code"].strip() for i in live(dump, "logistics/Items", division))
    active = {a["Number"] for a in ea["articles"] if a.get("IsActive", True)}
    assert {n: codes[n] for n in active} == dict.fromkeys(active, 1)
    items = {i["Code"].strip(): i["ID"] for i in live(dump, "logistics/Items", division)}
    prices = Counter(p["Item"] for p in dump["logistics/SalesItemPrices"] if p.get("Currency") == "SEK")
    priced = {items[a["Number"]] for a in ea["articles"] if a.get("IsActive", True) and a.get("NetPrice") is not None}
    assert {i: prices[i] for i in priced} == dict.fromkeys(priced, 1)
    stock = {p["ItemCode"].strip(): p["CurrentStock"] for p in dump["inventory/ItemWarehouses"]}
    for article in ea["articles"]:
        if article.get("IsActive", True) and article.get("IsStock"):
            expected = max(article["StockBalance"] - (article.get("StockBalanceReserved") or 0), 0)
            assert stock.get(article["Number"], 0) == pytest.approx(expected), article["Number"]


# 114 writes in all: 1 = the first account, 45 = mid customers, 100 = among the articles, before any articles state
@pytest.mark.parametrize("crash_after", [1, 45, 100])
def test_given_the_destination_killed_after_n_writes_when_rerun_then_every_record_is_in_exact_exactly_once(
    eaccounting, exact, tmp_path, crash_after
):
    connection = Connection(eaccounting, exact, ["customers", "articles"], tmp_path, MAPPING)
    crashed = connection.sync(kill_when=lambda: len(writes(exact.requests_log())) >= crash_after)
    assert crashed.returncode == -signal.SIGKILL, len(writes(exact.requests_log()))
    assert len(writes(exact.requests_log())) >= crash_after

    resumed = connection.sync()
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert_complete_and_unique(eaccounting, exact)

    exact.clear_requests_log()
    assert connection.sync(from_scratch=True).returncode == 0
    assert writes(exact.requests_log()) == []
