"""The launcher every test, benchmark and the demo share, against both real emulators."""

import pytest
import requests

from emulator_kit.process import EmulatorProcess


@pytest.mark.parametrize(
    ("command", "url_keys"),
    [("exact-online-emulator", {"base_url", "division"}), ("eaccounting-emulator", {"api_url", "identity_url"})],
)
def test_given_an_emulator_when_started_then_start_line_admin_side_and_stop_work(command, url_keys):
    with EmulatorProcess(command, "--empty") as emulator:
        assert url_keys | {"credentials"} <= emulator.start_line.keys()
        assert {"client_id", "client_secret", "refresh_token"} <= emulator.credentials.keys()
        assert isinstance(emulator.dump(), dict)
        before = emulator.advance_clock(0)
        assert emulator.advance_clock(3600) >= before + 3600
        emulator.set_faults(["503:1"])
        requests.get(f"{emulator.root_url}/anything", timeout=5)
        assert emulator.requests_log()[-1]["status"] == 503
        emulator.clear_requests_log()
        assert emulator.requests_log() == []
    assert emulator.process.poll() == 0


def test_given_bad_options_when_started_then_error_names_the_command():
    with pytest.raises(RuntimeError, match="exact-online-emulator did not start"):
        EmulatorProcess("exact-online-emulator", "--no-such-option")
