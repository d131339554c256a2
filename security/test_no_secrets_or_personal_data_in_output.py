"""A representative run — `ledgerbridge demo` (every flow, twice, through the runner) plus the orders flow's connectors
run directly — leaves no secret and no seeded customer's personal data in any output or log at INFO.

Excluded by design, and only these: the connector config files (they hold the credentials), RECORD messages (the data
being synced) and CONTROL/CONNECTOR_CONFIG messages (how a connector hands its rotated tokens to the platform)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from sensitive import control_free_lines, leaks, personal_data, read_tree, secrets_in

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import console_script, emulator_config, run_connector


def _seeded_personal_data() -> set[str]:
    # The demo starts these two emulators with these options; seeded data is deterministic, so a twin's dump is the
    # demo's customers.
    with (
        EmulatorProcess("exact-online-emulator", "--minutely-limit", "0") as exact,
        EmulatorProcess("eaccounting-emulator") as eaccounting,
    ):
        return personal_data(exact.dump()) | personal_data(eaccounting.dump())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    home = tmp_path_factory.mktemp("home")
    with open(os.devnull, "rb") as nothing:
        completed = subprocess.run(
            [console_script("ledgerbridge"), "--home", str(home), "demo"],
            stdin=nothing, capture_output=True, text=True, timeout=500,
        )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    secrets_folder = home / "demo" / "connections" / "secrets"
    configs = [json.loads(p.read_text()) for p in secrets_folder.glob("*.json")]
    texts = {"ledgerbridge demo stdout": completed.stdout, "ledgerbridge demo stderr": completed.stderr}
    texts.update(read_tree(home, skip=secrets_folder.glob("*.json")))
    return {"texts": texts, "secrets": {s for c in configs for s in secrets_in(c)}}


@pytest.fixture(scope="module")
def direct_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """source-exact-online read | destination-eaccounting write, outputs captured whole (stdout and stderr)."""
    work = tmp_path_factory.mktemp("direct")
    secrets: set[str] = set()
    texts: dict[str, str] = {}
    with (
        EmulatorProcess("exact-online-emulator", "--minutely-limit", "0") as exact,
        EmulatorProcess("eaccounting-emulator") as eaccounting,
    ):
        source_config, destination_config = emulator_config(exact), emulator_config(eaccounting)
        secrets |= set(secrets_in(source_config)) | set(secrets_in(destination_config))
        (work / "source.json").write_text(json.dumps(source_config))
        discover = run_connector([console_script("source-exact-online"), "discover", "--config",
                                  str(work / "source.json")], work)  # fmt: skip
        catalog = discover.catalog()
        streams = [{"stream": s, "sync_mode": "full_refresh", "destination_sync_mode": "append"}
                   for s in catalog["streams"] if s["name"] in ("accounts", "contacts", "sales_orders")]  # fmt: skip
        (work / "catalog.json").write_text(json.dumps({"streams": streams}))
        read = run_connector([console_script("source-exact-online"), "read", "--config", str(work / "source.json"),
                              "--catalog", str(work / "catalog.json")], work)  # fmt: skip
        assert read.returncode == 0, read.stderr[-2000:]
        (work / "records.jsonl").write_text(read.stdout)
        dump = eaccounting.dump()
        coding = next(c["Id"] for c in dump["articleaccountcodings"] if c.get("VatRatePercent") in (0.25, 25))
        destination_config["mapping"] = {
            "vat": {"mode": "by_country", "home_country": "SE", "eu_reverse_charge_code": "39", "export_code": "36",
                    "per_country": [{"country": c, "eaccounting_code": "10"} for c in ("SE", "NL", "BE", "DE")]},
            "articles": {"create_missing": True, "new_article_coding_id": coding,
                         "new_article_unit_id": dump["units"][0]["Id"]},
            "payment_terms": {"default_terms": "30 dagar netto"},
        }  # fmt: skip
        (work / "destination.json").write_text(json.dumps(destination_config))
        write = run_connector([console_script("destination-eaccounting"), "write", "--config",
                               str(work / "destination.json"), "--catalog", str(work / "catalog.json")],
                              work, stdin_path=work / "records.jsonl")  # fmt: skip
        # Records that fail end the write with exit 1 and a "records failed" trace; that text is scanned too.
        assert write.returncode == 0 or (
            write.returncode == 1 and '"internal_message":"failed_records' in write.stdout.splitlines()[-1]
        ), write.stderr[-2000:]
        logged = [m["log"]["message"] for m in write.of_type("LOG")]
        assert any('"action":"created"' in m.replace(" ", "") for m in logged), "the destination wrote nothing"
    for name, completed in (("discover", discover), ("read", read), ("write", write)):
        for control in completed.of_type("CONTROL"):
            secrets |= set(secrets_in(control))
        texts[f"{name} stdout"] = "\n".join(control_free_lines(completed.stdout))
        texts[f"{name} stderr"] = completed.stderr
    return {"texts": texts, "secrets": secrets}


def test_given_a_demo_run_when_its_output_logs_and_activity_are_scanned_then_no_secret_appears(demo):
    assert len(demo["secrets"]) >= 8  # client secrets, refresh and access tokens of four connectors
    assert leaks(demo["texts"], demo["secrets"]) == []


def test_given_a_demo_run_when_its_output_logs_and_activity_are_scanned_then_no_customer_data_appears(demo):
    needles = _seeded_personal_data()
    assert len(needles) > 100
    assert any("activity" in where for where in demo["texts"])
    assert leaks(demo["texts"], needles) == []


def test_given_connectors_run_directly_when_their_stdout_and_stderr_are_scanned_then_no_secret_or_customer_data(
    direct_run,
):
    # Every rotated token the connectors handed back is a needle too (they appear only in CONTROL messages).
    assert len(direct_run["secrets"]) >= 5
    assert leaks(direct_run["texts"], direct_run["secrets"]) == []
    assert leaks(direct_run["texts"], _seeded_personal_data()) == []
