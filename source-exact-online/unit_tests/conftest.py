from __future__ import annotations

import pytest


class FakeClock:
    """Stands in for the wall clock of the rate-limit pacer: sleeping advances it instantly and is recorded."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(autouse=True)
def _no_real_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    # CDK retries sleep through time.sleep; unit tests assert on the decision, not on the waiting.
    monkeypatch.setattr("time.sleep", lambda seconds: None)
