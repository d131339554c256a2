"""Failed records: exit code, listing, the notification to a local webhook; the activity log's retention and filters."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import orjson
import pytest

from ledgerbridge.cli import main


class Receiver:
    """A webhook endpoint on loopback that keeps every body posted to it."""

    def __init__(self) -> None:
        bodies: list[dict] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args) -> None:
                pass

        self.bodies = bodies
        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server.server_port}/"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.server.shutdown()
    running.server.server_close()


def test_given_failing_records_when_synced_then_exit_1_lists_them_and_the_webhook_names_connection_stream_record_error(
    widgets_file, receiver, capsys
):
    path = widgets_file(destination={"fail": [2, 4]}, notify=[receiver.url])

    code = main(["sync", str(path)])

    output = capsys.readouterr().out
    assert code == 1
    assert "widgets-to-recorder / widgets / record 2: Code: Code is longer than 18 characters" in output
    assert "widgets-to-recorder / widgets / record 4: Code: Code is longer than 18 characters" in output
    assert len(receiver.bodies) == 1
    body = receiver.bodies[0]
    assert body["title"].endswith("2 record(s) failed")
    assert body["message"].splitlines() == [
        "widgets-to-recorder / widgets / record 2: Code: Code is longer than 18 characters",
        "widgets-to-recorder / widgets / record 4: Code: Code is longer than 18 characters",
    ]
    assert "very-secret-value" not in json.dumps(body) and "very-secret-value" not in output


def test_given_a_clean_run_when_synced_then_exit_0_and_no_notification(widgets_file, receiver, capsys):
    assert main(["sync", str(widgets_file(notify=[receiver.url]))]) == 0
    assert receiver.bodies == []


def test_given_old_activity_lines_when_a_run_starts_then_lines_past_retention_go_and_recent_ones_stay(
    widgets_file, ledgerbridge_home, capsys
):
    ledgerbridge_home.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    old = {"ts": (now - timedelta(days=8)).isoformat(), "connection": "earlier", "source_id": "old"}
    recent = {"ts": (now - timedelta(days=6)).isoformat(), "connection": "earlier", "source_id": "new"}
    (ledgerbridge_home / "activity.jsonl").write_bytes(orjson.dumps(old) + b"\n" + orjson.dumps(recent) + b"\n")

    assert main(["sync", str(widgets_file(activity_log={"retention_days": 7}))]) == 0

    lines = [orjson.loads(line) for line in (ledgerbridge_home / "activity.jsonl").read_bytes().splitlines()]
    assert [line["source_id"] for line in lines if line["connection"] == "earlier"] == ["new"]
    run = [line for line in lines if line["connection"] == "widgets-to-recorder"]
    assert [line["source_id"] for line in run] == ["1", "2", "3", "4", "5"]
    assert all(line["from"].endswith("source-widgets") and line["to"].endswith("destination-recording") for line in run)


def test_given_a_run_with_failures_when_the_log_is_filtered_then_only_matching_lines_show(widgets_file, capsys):
    main(["sync", str(widgets_file(destination={"fail": [3]}))])
    capsys.readouterr()

    assert main(["log", "--action", "failed", "--json"]) == 0
    failed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(f["source_id"], f["field"], f["action"]) for f in failed] == [("3", "Code", "failed")]

    assert main(["log", "--connection", "widgets-to-recorder", "--record", "5", "--since", "1h", "--json"]) == 0
    assert [json.loads(line)["source_id"] for line in capsys.readouterr().out.splitlines()] == ["5"]
    assert main(["log", "--connection", "someone-else", "--json"]) == 0
    assert capsys.readouterr().out == ""


def test_given_a_second_run_when_nothing_is_new_then_the_source_reads_from_the_committed_state(widgets_file, capsys):
    path = widgets_file()
    assert main(["sync", str(path)]) == 0
    capsys.readouterr()
    config = path.parent / "source.json"
    config.write_text(json.dumps({**json.loads(config.read_text()), "count": 7}))

    assert main(["sync", str(path)]) == 0

    assert "widgets-to-recorder: widgets: read 2, written 2, skipped 0, failed 0" in capsys.readouterr().out
    # Each run rotated both tokens once, and the files kept the chain.
    assert json.loads(config.read_text())["credentials"]["refresh_token"] == "s1++"
    assert json.loads((path.parent / "destination.json").read_text())["credentials"]["refresh_token"] == "d1++"


def test_given_a_preview_when_run_then_nothing_is_committed_and_the_real_run_still_sees_every_record(
    widgets_file, capsys
):
    path = widgets_file()
    assert main(["preview", str(path)]) == 0
    assert "widgets-to-recorder: widgets: read 5, planned 5" in capsys.readouterr().out

    assert main(["sync", str(path)]) == 0
    assert "widgets-to-recorder: widgets: read 5, written 5" in capsys.readouterr().out


def test_given_a_destination_that_refuses_its_credentials_when_checked_then_exit_1_naming_it(widgets_file, capsys):
    path = widgets_file(destination={"healthy": False})

    assert main(["check", str(path)]) == 1
    output = capsys.readouterr().out
    assert "FAILED credentials refused" in output and "very-secret-value" not in output
