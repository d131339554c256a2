"""The keys a record's writes touch, which decide what may be written at the same time (see ``record_scheduler``).

- its own source id: the same source record twice in one sync is written in arrival order;
- the key of every create it carries (``PlannedWrite.key``, e.g. a customer's e-mail): two records with the same
  natural key are never in flight together, and the second finds the first's id in the map of created ids;
- the key of every create it links to: the create is confirmed before the write that refers to it is sent;
- the id of every object it updates.
"""

from __future__ import annotations

from .work import RecordWork

#: Prefix of the keys of creates (``PlannedWrite.key``); once such a create is confirmed the key is settled.
CREATE_KEY = "key:"


def record_keys(stream: str, work: RecordWork) -> frozenset[str]:
    ref = work.source_ref
    keys = {f"source:{stream}:{ref.id}"} if getattr(ref, "id", None) else set()
    for write in work.writes:
        if write.key:
            keys.add(f"{CREATE_KEY}{write.key}")
        keys.update(f"{CREATE_KEY}{linked}" for linked in write.links.values())
        if write.target_id:
            keys.add(f"id:{write.target_collection}/{write.target_id}")
    return frozenset(keys)
