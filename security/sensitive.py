"""What must never appear in output or logs: the configured secrets and the seeded customers' personal data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

SECRET_KEYS = ("client_secret", "refresh_token", "access_token")
MIN_LENGTH = 6  # shorter values (a first name, "Oslo") would match unrelated text
# Personal data of a customer (Exact account/contact, eAccounting customer), by the API's own field names.
PERSONAL_FIELDS = (
    "Name", "FullName", "FirstName", "LastName", "Email", "EmailAddress", "Phone", "Mobile", "BusinessPhone",
    "BusinessMobile", "Telephone", "MobilePhone", "ContactPersonName", "ContactPersonEmail", "ContactPersonPhone",
    "ContactPersonMobile", "AddressLine1", "InvoiceAddress1", "DeliveryAddress1",
)  # fmt: skip
PERSONAL_COLLECTIONS = ("crm/Accounts", "crm/Contacts", "crm/Addresses", "customers")


def secrets_in(config: Any) -> Iterator[str]:
    """Every secret value in a connector config (credentials at any depth)."""
    if isinstance(config, dict):
        for key, value in config.items():
            if key in SECRET_KEYS and isinstance(value, str) and len(value) >= MIN_LENGTH:
                yield value
            else:
                yield from secrets_in(value)
    elif isinstance(config, list):
        for item in config:
            yield from secrets_in(item)


def personal_data(dump: dict[str, Any]) -> set[str]:
    found = set()
    for collection in PERSONAL_COLLECTIONS:
        for row in dump.get(collection, []):
            for field in PERSONAL_FIELDS:
                value = row.get(field)
                if isinstance(value, str) and len(value.strip()) >= MIN_LENGTH:
                    found.add(value.strip())
    return found


def control_free_lines(text: str) -> Iterator[str]:
    """The lines of a connector's stdout minus the two message types that carry such data by design: RECORD (the data
    being synced) and CONTROL/CONNECTOR_CONFIG (the protocol's way to hand rotated tokens to the platform)."""
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                kind = json.loads(line).get("type")
            except json.JSONDecodeError:
                kind = None
            if kind in ("RECORD", "CONTROL"):
                continue
        yield line


def leaks(texts: dict[str, str], needles: Iterable[str]) -> list[tuple[str, str]]:
    """(where, what) for every needle found; the value is shown by its first characters only."""
    found = []
    pattern_cache = {n: re.escape(n) for n in needles}
    for where, text in texts.items():
        lowered = text.lower()
        for needle, _ in pattern_cache.items():
            if needle.lower() in lowered:
                found.append((where, needle[:3] + "…"))
    return found


def read_tree(root: Path, skip: Iterable[Path] = ()) -> dict[str, str]:
    skipped = {p.resolve() for p in skip}
    texts = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.resolve() not in skipped:
            texts[str(path.relative_to(root))] = path.read_text(errors="replace")
    return texts
