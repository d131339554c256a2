"""Rate-limit benchmark: a backlog of 2,000 Exact Online calls through the Exact client under Exact's 60 calls per clock
minute, on the emulator's fast clock — zero 429s, and at least 95 % of the calls the windows allowed were
used (every clock
minute the backlog spanned except the last, where the backlog, not the budget, ran out).

The emulator runs at --clock-speed 60 (one emulated minute per real second); the client is given the same clock, as a
connector would read the real one. Each call is one small read (``vat/VATCodes?$top=1``). The daily limit is off (2,000
calls would otherwise take most of a day's 5,000 — a different figure).

Usage: .venv/bin/python benchmarks/rate_limit.py [--calls 2000] [--speed 60]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from figures import report
from quiet_rotation import quiet_rotation

from emulator_kit.process import EmulatorProcess
from exact_online_client import ExactOnlineClient

LIMIT = 60
SEGMENT = 500
SEGMENT_GAP = 150


def _segments(stamps: list[float]) -> list[list[float]]:
    segments: list[list[float]] = [[]]
    for stamp in stamps:
        if stamp != stamp:  # NaN: a gap between two segments
            segments.append([])
        else:
            segments[-1].append(stamp)
    return [segment for segment in segments if segment]


USE_TARGET = 0.95


class EmulatorClock:
    """The emulator's clock seen from here: its time at one instant plus real time elapsed since, times the speed."""

    def __init__(self, emulator: EmulatorProcess, speed: float) -> None:
        self._origin, self._started, self._speed = emulator.advance_clock(0), time.monotonic(), speed

    def time(self) -> float:
        return self._origin + (time.monotonic() - self._started) * self._speed

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds) / self._speed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--speed", type=float, default=60.0)
    args = parser.parse_args()
    options = ["--clock-speed", str(args.speed), "--minutely-limit", str(LIMIT), "--daily-limit", "0"]
    with EmulatorProcess("exact-online-emulator", *options) as emulator:
        line = emulator.start_line
        config = {"base_url": line["base_url"], "divisions": [line["division"]], "credentials": line["credentials"]}
        clock = EmulatorClock(emulator, args.speed)
        division = line["division"]
        started = clock.time()
        stamps: list[float] = []
        # The client keeps Exact's token rules on the real clock, which the fast clock outruns: each segment is one
        # access token's life (500 calls < 600 s), and a new client process-alike starts the next one after the
        # 570 s refresh interval has passed; the idle gap between segments is no window the backlog could use.
        for segment_start in range(0, args.calls, SEGMENT):
            if stamps:
                emulator.advance_clock(SEGMENT_GAP)
                clock = EmulatorClock(emulator, args.speed)  # re-read the emulator's time after the jump
                stamps.append(float("nan"))  # marks the gap
            # Like a new run after the gap: only the (rotated) refresh token is carried over.
            config["credentials"] = {
                k: v for k, v in config["credentials"].items() if k not in ("access_token", "token_expiry_date")
            }
            client = ExactOnlineClient(config, clock=clock)
            with quiet_rotation():
                for _ in range(min(SEGMENT, args.calls - segment_start)):
                    client.request("GET", client.url(division, "vat/VATCodes"), params={"$top": "1"})
                    stamps.append(clock.time())
        finished = clock.time()
        log = [e for e in emulator.requests_log() if f"/api/v1/{division}/" in e["path"]]
    too_many = sum(1 for e in log if e["status"] == 429)
    # Every clock minute the backlog spanned, except the last (the backlog ran out there, not the budget); the warm-up
    # call's window had one call less to give.
    # Each segment's last window is left out like the backlog's last: the segment, not the budget, ran out there.
    per_window: Counter[int] = Counter()
    allowed = used_calls = 0
    for segment in _segments(stamps):
        windows = Counter(int(t // 60) for t in segment)
        full = sorted(windows)[:-1]
        per_window.update(windows)
        allowed += LIMIT * len(full)
        used_calls += sum(windows[w] for w in full)
    used = used_calls / max(allowed, 1)
    print(
        f"{args.calls:,} calls in {finished - started:,.0f} emulated s, {SEGMENT_GAP} s gaps included "
        f"({len(per_window)} clock minutes with calls; {allowed:,} allowed in all but each segment's last)"
    )
    print(f"429 answers: {too_many}   target 0")
    print(f"share of allowed calls used: {used:.1%}   target >= {USE_TARGET:.0%}")
    report("Exact rate limit: 429s in 2,000 calls at 60/min", too_many, "= 0", too_many == 0)
    report("Exact rate limit: share of allowed calls used", round(used, 3), f">= {USE_TARGET}", used >= USE_TARGET)
    return 0 if too_many == 0 and used >= USE_TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
