"""One ledgerbridge flow run the way docs/pyairbyte.md recommends, with the real `airbyte` package (PyAirbyte).

Runs inside the PyAirbyte tools environment (`make tools`), never inside the repository's own: it imports nothing from
the repository. Usage: ``python pyairbyte_flow.py JOB.json``, where the job names the source and destination
(installed console scripts and config files), the streams, the party streams to refresh in full, and a cache folder.
Prints one JSON line with what PyAirbyte reported.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import airbyte as ab


def _keeps_rotated_tokens(config_path: Path, connector: Any) -> Any:
    """Connectors rotate single-use refresh tokens mid-run: save the new config *and* hand it to the connector object,
    or its next call (discover, the write, the next run) starts from a token that is already dead."""

    def on_change(new_config: dict[str, Any]) -> None:
        temporary = config_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(new_config))
        os.replace(temporary, config_path)
        connector[0].set_config(new_config)

    return on_change


def run(job: dict[str, Any]) -> dict[str, Any]:
    source_config = Path(job["source"]["config"])
    destination_config = Path(job["destination"]["config"])
    holder_source: list[Any] = []
    holder_destination: list[Any] = []
    source = ab.get_source(
        job["source"]["name"],
        config=json.loads(source_config.read_text()),
        local_executable=job["source"]["executable"],
        config_change_callback=_keeps_rotated_tokens(source_config, holder_source),
    )
    holder_source.append(source)
    source.select_streams(job["streams"])
    destination = ab.get_destination(
        job["destination"]["name"],
        config=json.loads(destination_config.read_text()),
        local_executable=job["destination"]["executable"],
        config_change_callback=_keeps_rotated_tokens(destination_config, holder_destination),
    )
    holder_destination.append(destination)
    # One cache per source: both sources have accounts, vat_codes and cost_centers streams, so a shared cache would
    # merge two systems' records into one table.
    cache = ab.new_local_cache(cache_name=job["cache_name"], cache_dir=job["cache_dir"], cleanup=False)
    if job["mode"] == "cache":
        parties = job.get("full_refresh_streams") or []
        if parties:
            source.read(cache=cache, streams=parties, force_full_refresh=True)
        result = source.read(cache=cache, streams=job["streams"])
        # The source's state already lives in the cache; PyAirbyte's separate destination-state table refuses a
        # second write of the same stream (duplicate key), so it is not used.
        written = destination.write(result, state_cache=False)
    else:
        written = destination.write(source, cache=False, state_cache=cache)
    return {"processed_records": getattr(written, "processed_records", None), "streams": sorted(job["streams"])}


if __name__ == "__main__":
    print(json.dumps(run(json.loads(Path(sys.argv[1]).read_text()))))
