"""A tiny Airbyte destination for runner tests, shaped like the ledgerbridge destinations' write loop.

Per record it logs one activity line (``created``, or ``failed`` for numbers in ``fail``); it echoes a STATE once
the records before it are "written" (none after a failure); with failures it ends with an error trace and exit 1;
at start it rotates its refresh token (CONTROL); with ``crash_at`` it stops with
a TRACE error when that record arrives, as a destination does when the API goes down mid-sync.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def emit(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def log(payload: dict) -> None:
    emit({"type": "LOG", "log": {"level": "INFO", "message": json.dumps(payload)}})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command")
    parser.add_argument("--config")
    parser.add_argument("--catalog")
    args = parser.parse_args()
    if args.command == "spec":  # a free-form config: the fakes take whatever a test gives them
        emit({"type": "SPEC", "spec": {"connectionSpecification": {"type": "object"}}})
        return
    config = json.loads(Path(args.config).read_text())
    if args.command == "check":
        ok = config.get("healthy", True)
        status = {"status": "SUCCEEDED"} if ok else {"status": "FAILED", "message": "credentials refused"}
        emit({"type": "CONNECTION_STATUS", "connectionStatus": status})
        return
    rotated = dict(config)
    rotated["credentials"] = {**config["credentials"], "refresh_token": config["credentials"]["refresh_token"] + "+"}
    control = {"type": "CONNECTOR_CONFIG", "emitted_at": 0, "connectorConfig": {"config": rotated}}
    emit({"type": "CONTROL", "control": control})
    failing = set(config.get("fail", []))
    dry_run = config.get("dry_run", False)
    failed = 0
    for line in sys.stdin:
        message = json.loads(line)
        if message["type"] == "RECORD":
            record = message["record"]
            n = record["data"].get("n") or record["data"].get("Id") or record["data"].get("ID")
            if config.get("crash_at") == n:
                emit({"type": "TRACE", "trace": {"type": "ERROR", "emitted_at": 0, "error": {"message": "API down"}}})
                sys.exit(1)
            activity = {"event": "activity", "stream": record["stream"], "source_id": str(n), "source_number": str(n)}
            if n in failing:
                failed += 1
                activity.update(action="failed", field="Code", reason="Code is longer than 18 characters")
            elif dry_run:
                activity.update(action="planned", target="widgets", reason="new", dry_run=True)
            elif n in config.get("updates", []):
                # a known widget of a new customer: the record's line says "created" (its first write's action)
                writes = [
                    {"target": "customers", "action": "created", "target_id": f"c-{n}"},
                    {"target": "widgets", "action": "updated", "target_id": f"w-{n}"},
                ]
                activity.update(action="created", target="customers", target_id=f"c-{n}", writes=writes)
            else:
                activity.update(action="created", target="widgets", target_id=f"w-{n}", reason="new")
            log(activity)
        elif message["type"] == "STATE" and not dry_run and not failed:
            emit(message)
    if failed:  # as the ledgerbridge destinations end a sync with failed records
        error = {"message": f"{failed} record(s) failed", "internal_message": f"failed_records: {failed}",
                 "failure_type": "config_error"}  # fmt: skip
        emit({"type": "TRACE", "trace": {"type": "ERROR", "emitted_at": 0, "error": error}})
        sys.exit(1)


if __name__ == "__main__":
    main()
