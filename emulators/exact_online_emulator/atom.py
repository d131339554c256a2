"""Exact's default wire format: OData v2 Atom XML, answered to every request that does not ask for JSON.

Exact serves JSON only when the request's ``Accept`` header asks for ``application/json``; otherwise feeds, entries
and errors come as Atom/XML (research/exact-online.md §4 "the default response type is XML", §12.4 "JSON only when
Accept: application/json"). The emulator builds every answer as verbose JSON first; this module turns that same payload
into the Atom shape OData v2 defines, so both formats always carry the same data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from werkzeug.wrappers import Request

ATOM = "http://www.w3.org/2005/Atom"
DATA = "http://schemas.microsoft.com/ado/2007/08/dataservices"
META = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"
SCHEME = "http://schemas.microsoft.com/ado/2007/08/dataservices/scheme"
RELATED = "http://schemas.microsoft.com/ado/2007/08/dataservices/related/"
FEED_TYPE = "application/atom+xml;type=feed;charset=utf-8"
ENTRY_TYPE = "application/atom+xml;type=entry;charset=utf-8"
ERROR_TYPE = "application/xml;charset=utf-8"
_DATE = re.compile(r"^/Date\((-?\d+)\)/$")
_XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8" standalone="yes"?>'

ET.register_namespace("", ATOM)
ET.register_namespace("d", DATA)
ET.register_namespace("m", META)


def wants_json(request: Request) -> bool:
    """True when the Accept header names application/json (a wildcard alone gets Exact's default, XML)."""
    return any(
        value.split(";", 1)[0].strip().lower() == "application/json" and quality > 0
        for value, quality in request.accept_mimetypes
    )


def render_payload(
    payload: Mapping[str, Any], types: Mapping[str, Mapping[str, str]], now: datetime
) -> tuple[bytes, str]:
    """The Atom document for a verbose-JSON payload ``{"d": …}``; returns (body, content type)."""
    d = payload["d"]
    updated = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(d, list):
        return _document(_feed(d, None, None, types, updated)), FEED_TYPE
    if "results" in d and "__metadata" not in d:
        return _document(_feed(d["results"], d.get("__count"), d.get("__next"), types, updated)), FEED_TYPE
    return _document(_entry(d, types, updated, root=True)), ENTRY_TYPE


def render_error(message: str, code: str = "") -> bytes:
    error = ET.Element(f"{{{META}}}error")
    ET.SubElement(error, f"{{{META}}}code").text = code
    text = ET.SubElement(error, f"{{{META}}}message")
    text.set("{http://www.w3.org/XML/1998/namespace}lang", "en-US")
    text.text = message
    return _document(error)


def _document(root: ET.Element) -> bytes:
    return _XML_DECLARATION + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def _feed(
    rows: list[dict[str, Any]],
    count: Any,
    next_url: str | None,
    types: Mapping[str, Mapping[str, str]],
    updated: str,
) -> ET.Element:
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title", type="text")
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated
    if count is not None:
        ET.SubElement(feed, f"{{{META}}}count").text = str(count)
    for row in rows:
        feed.append(_entry(row, types, updated))
    if next_url:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="next", href=next_url)
    return feed


def _entry(row: Mapping[str, Any], types: Mapping[str, Mapping[str, str]], updated: str, root: bool = False):
    metadata = row.get("__metadata") or {}
    type_name = metadata.get("type", "")
    fields = types.get(type_name, {})
    entry = ET.Element(f"{{{ATOM}}}entry")
    ET.SubElement(entry, f"{{{ATOM}}}id").text = metadata.get("uri", "")
    ET.SubElement(entry, f"{{{ATOM}}}category", term=type_name, scheme=SCHEME)
    ET.SubElement(
        entry, f"{{{ATOM}}}link", rel="edit", title=type_name.rsplit(".", 1)[-1], href=metadata.get("uri", "")
    )
    ET.SubElement(entry, f"{{{ATOM}}}title")
    ET.SubElement(entry, f"{{{ATOM}}}updated").text = updated
    ET.SubElement(ET.SubElement(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name")
    content = ET.SubElement(entry, f"{{{ATOM}}}content", type="application/xml")
    properties = ET.SubElement(content, f"{{{META}}}properties")
    for name, value in row.items():
        if name == "__metadata":
            continue
        if isinstance(value, dict) and ("__deferred" in value or "results" in value):
            link = ET.Element(
                f"{{{ATOM}}}link",
                rel=RELATED + name,
                type="application/atom+xml;type=feed",
                title=name,
                href=(value.get("__deferred") or {}).get("uri") or f"{metadata.get('uri', '')}/{name}",
            )
            if "results" in value:
                inline = ET.SubElement(link, f"{{{META}}}inline")
                inline.append(_feed(value["results"], None, None, types, updated))
            # Links come before the content element in an Atom entry.
            entry.insert(list(entry).index(content), link)
            continue
        properties.append(_property(name, value, fields.get(name)))
    return entry


def _property(name: str, value: Any, edm: str | None) -> ET.Element:
    element = ET.Element(f"{{{DATA}}}{name}")
    kind = edm or _guess(value)
    if kind != "String":
        element.set(f"{{{META}}}type", f"Edm.{kind}")
    if value is None:
        element.set(f"{{{META}}}null", "true")
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif isinstance(value, str) and (match := _DATE.match(value)):
        moment = datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC).replace(tzinfo=None)
        element.text = moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds")
    else:
        element.text = str(value)
    return element


def _guess(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Int32"
    if isinstance(value, float):
        return "Double"
    if isinstance(value, str) and _DATE.match(value):
        return "DateTime"
    return "String"
