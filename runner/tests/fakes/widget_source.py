"""A tiny Airbyte source for runner tests: ``widgets`` records 1..count, a STATE after each, a rotated token at start.

It speaks the protocol on stdout exactly as a CDK connector does; the runner cannot tell it from a real one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def emit(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command")
    parser.add_argument("--config")
    parser.add_argument("--catalog")
    parser.add_argument("--state")
    args = parser.parse_args()
    if args.command == "spec":  # a free-form config: the fakes take whatever a test gives them
        emit({"type": "SPEC", "spec": {"connectionSpecification": {"type": "object"}}})
        return
    config = json.loads(Path(args.config).read_text())
    if args.command == "check":
        emit({"type": "CONNECTION_STATUS", "connectionStatus": {"status": "SUCCEEDED"}})
        return
    if args.command == "discover":
        stream = {
            "name": "widgets",
            "json_schema": {"type": "object"},
            "supported_sync_modes": ["full_refresh", "incremental"],
            "source_defined_cursor": True,
            "default_cursor_field": ["n"],
            "source_defined_primary_key": [["n"]],
        }
        emit({"type": "CATALOG", "catalog": {"streams": [stream]}})
        return
    rotated = dict(config)
    rotated["credentials"] = {**config["credentials"], "refresh_token": config["credentials"]["refresh_token"] + "+"}
    control = {"type": "CONNECTOR_CONFIG", "emitted_at": 0, "connectorConfig": {"config": rotated}}
    emit({"type": "CONTROL", "control": control})
    start = 0
    if args.state:
        for state in json.loads(Path(args.state).read_text()):
            start = state["stream"]["stream_state"]["n"]
    for n in range(start + 1, config["count"] + 1):
        emit({"type": "RECORD", "record": {"stream": "widgets", "data": {"n": n}, "emitted_at": 0}})
        stream = {"stream_descriptor": {"name": "widgets"}, "stream_state": {"n": n}}
        emit({"type": "STATE", "state": {"type": "STREAM", "stream": stream}})


if __name__ == "__main__":
    main()
