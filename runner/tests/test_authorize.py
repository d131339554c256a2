"""``ledgerbridge authorize``: the authorisation-code flow against both emulators' auto-approving consent pages."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from ledgerbridge.authorize import AuthorizationError, authorize
from ledgerbridge.config_files import read_config
from ledgerbridge_testkit import emulator_config
from ledgerbridge_testkit.live_token import redeem

from .conftest import write_json


def follow(url: str) -> None:
    """The browser: the emulator approves at once and redirects to the loopback listener."""
    requests.get(url, timeout=30).raise_for_status()


def app_only(emulator) -> dict:
    return {key: emulator.credentials[key] for key in ("client_id", "client_secret")}


def test_given_an_exact_app_when_authorized_then_the_config_holds_working_tokens_readable_only_by_the_user(
    tmp_path: Path, exact, capsys
):
    path = write_json(
        tmp_path / "exact.json",
        {
            "base_url": exact.start_line["base_url"],
            "division": exact.start_line["division"],
            "credentials": app_only(exact),
        },
    )
    path.chmod(0o644)

    authorize("exact-online", path, port=0, open_browser=follow)

    config = read_config(path)
    credentials = config["credentials"]
    assert {"refresh_token", "access_token", "token_expiry_date"} <= set(credentials)
    assert config["division"] == exact.start_line["division"], "the rest of the file is kept"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    me = requests.get(
        f"{exact.start_line['base_url']}/api/v1/current/Me",
        headers={"Authorization": f"Bearer {credentials['access_token']}", "Accept": "application/json"},
        timeout=30,
    )
    assert me.ok
    output = capsys.readouterr().out
    assert credentials["refresh_token"] not in output and credentials["access_token"] not in output


def test_given_an_eaccounting_app_when_authorized_then_the_refresh_token_can_be_exchanged(tmp_path: Path, eaccounting):
    path = write_json(tmp_path / "ea.json", {**emulator_config(eaccounting), "credentials": app_only(eaccounting)})

    authorize("eaccounting", path, port=0, open_browser=follow)

    credentials = read_config(path)["credentials"]
    answer = redeem(eaccounting, {**app_only(eaccounting), "refresh_token": credentials["refresh_token"]})
    assert answer.ok


def test_given_a_redirect_with_a_foreign_state_when_authorizing_then_it_is_refused_and_nothing_is_stored(
    tmp_path: Path, eaccounting
):
    original = {**emulator_config(eaccounting), "credentials": app_only(eaccounting)}
    path = write_json(tmp_path / "ea.json", original)

    def forged(url: str) -> None:
        redirect = re.search(r"redirect_uri=([^&]+)", url).group(1)
        requests.get(requests.utils.unquote(redirect), params={"code": "stolen", "state": "not-ours"}, timeout=30)

    with pytest.raises(AuthorizationError, match="different state"):
        authorize("eaccounting", path, port=0, open_browser=forged)
    assert read_config(path) == original


def test_given_the_cli_without_a_browser_when_the_printed_url_is_opened_then_tokens_are_stored(tmp_path: Path, exact):
    path = write_json(
        tmp_path / "exact.json", {"base_url": exact.start_line["base_url"], "credentials": app_only(exact)}
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "ledgerbridge", "authorize", "exact-online", "--config", str(path), "--port", "0",
         "--no-browser", "--timeout", "60"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    url = None
    for line in process.stdout:
        if line.startswith("If no browser opens, visit: "):
            url = line.split(": ", 1)[1].strip()
            break
    assert url is not None
    follow(url)
    assert process.wait(timeout=60) == 0
    assert read_config(path)["credentials"].get("refresh_token")
