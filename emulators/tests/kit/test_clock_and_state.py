import time

import pytest

from emulator_kit.clock import Clock
from emulator_kit.statefile import StateFile


def test_given_fast_clock_when_real_time_passes_then_emulated_time_runs_faster():
    clock = Clock(speed=1000.0, origin=0.0)
    before = clock.time()
    time.sleep(0.05)
    assert clock.time() - before >= 40.0


def test_given_clock_when_advanced_then_time_jumps_forward_and_never_back():
    clock = Clock(origin=1_000.0)
    clock.advance(3600)
    assert clock.time() >= 4_600.0
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_given_state_saved_when_loaded_then_same_data_and_no_temporary_files_left(tmp_path):
    state = StateFile(tmp_path / "state.json")
    assert state.load() is None
    state.save({"customers": [{"Id": "a", "Name": "Åsa AB"}]})
    state.save({"customers": [{"Id": "b"}]})
    assert state.load() == {"customers": [{"Id": "b"}]}
    assert [path.name for path in tmp_path.iterdir()] == ["state.json"]
