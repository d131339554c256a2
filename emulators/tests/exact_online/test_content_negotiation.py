"""Exact answers Atom XML unless the request asks for JSON; errors too.

Sources: research/exact-online.md §4 ("Always send Accept: application/json; the default response type is XML" —
Airbyte source-exact ``request_headers``: "Default response type is XML, this is overriden to return JSON") and §12.4
("JSON only when Accept: application/json"); OData v2 Atom format (feed/entry, m:properties, d:<Property>,
m:type, m:null, m:count, link rel="next"; error element in the metadata namespace). Before this change the emulator
answered JSON to every request, so a code path that dropped the header passed every test.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"
D = "{http://schemas.microsoft.com/ado/2007/08/dataservices}"
M = "{http://schemas.microsoft.com/ado/2007/08/dataservices/metadata}"


def _xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - the emulator under test wrote it


def _get(emulator, path: str, accept: str | None, **params: str):
    headers = {"Authorization": emulator.headers()["Authorization"]}
    if accept is not None:
        headers["Accept"] = accept
    url = path if path.startswith("http") else f"{emulator.api}/{path}"
    return emulator.session.get(url, params=params or None, headers=headers)


@pytest.mark.parametrize("accept", [None, "*/*", "application/xml", "application/atom+xml"])
def test_given_no_json_in_accept_when_listing_then_atom_feed_with_the_same_rows(seeded, accept):
    query = {"$filter": "Country eq 'NL'", "$inlinecount": "allpages"}
    as_json = _get(seeded, "crm/Accounts", "application/json", **query).json()["d"]
    response = _get(seeded, "crm/Accounts", accept, **query)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml;type=feed")
    feed = _xml(response.content)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    ids = [entry.find(f"{ATOM}content/{M}properties/{D}ID").text for entry in entries]
    assert ids == [row["ID"] for row in as_json["results"]]
    assert int(feed.find(f"{M}count").text) == int(as_json["__count"])
    assert feed.find(f"{ATOM}link[@rel='next']").get("href") == as_json["__next"]
    first = entries[0].find(f"{ATOM}content/{M}properties")
    assert first.find(f"{D}ID").get(f"{M}type") == "Edm.Guid"
    assert first.find(f"{D}Created").get(f"{M}type") == "Edm.DateTime"


def test_given_no_accept_when_getting_by_key_then_atom_entry(seeded):
    row = _get(seeded, "crm/Accounts", "application/json", **{"$filter": "Country eq 'NL'", "$top": "1"}).json()["d"][0]

    response = _get(seeded, f"crm/Accounts(guid'{row['ID']}')", None)

    assert response.headers["Content-Type"].startswith("application/atom+xml;type=entry")
    entry = _xml(response.content)
    assert entry.tag == f"{ATOM}entry"
    assert entry.find(f"{ATOM}id").text == row["__metadata"]["uri"]
    assert entry.find(f"{ATOM}content/{M}properties/{D}Name").text == row["Name"]


def test_given_no_accept_when_request_fails_then_xml_error_body(seeded):
    response = _get(seeded, "crm/Accounts", None)  # mandatory filter missing

    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/xml")
    error = _xml(response.content)
    assert error.tag == f"{M}error"
    assert "mandatory filtering" in error.find(f"{M}message").text


def test_given_accept_json_when_listing_then_verbose_json(seeded):
    response = _get(seeded, "crm/Accounts", "application/json", **{"$filter": "Country eq 'NL'"})

    assert response.headers["Content-Type"].startswith("application/json")
    assert "results" in response.json()["d"]


def test_given_no_accept_when_reading_current_me_then_atom_feed(seeded):
    response = _get(seeded, f"{seeded.base_url}/api/v1/current/Me", None)

    feed = _xml(response.content)
    division = feed.find(f"{ATOM}entry/{ATOM}content/{M}properties/{D}CurrentDivision")
    assert int(division.text) == seeded.division
