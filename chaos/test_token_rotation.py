"""Consecutive syncs with Exact's single-use refresh tokens, hours of emulated time apart or only seconds: the chain
of tokens is never lost and no refresh is asked for within 570 s of the previous one (Exact refuses those)."""

from __future__ import annotations

import json
import random
from itertools import pairwise

from flow import ExactSource, time_travel

from emulator_kit.process import EmulatorProcess
from ledgerbridge_testkit import configured_catalog

MIN_SECONDS_BETWEEN_REFRESHES = 570
# Gaps between runs: often short (the token is reused), often around the 570/600 s edges, sometimes hours.
GAPS = (0, 5, 60, 300, 560, 568, 571, 590, 599, 601, 700, 3600, 4 * 3600)


def test_given_consecutive_runs_on_a_fast_clock_when_tokens_rotate_then_the_chain_holds_and_no_refresh_is_early(
    size, scorecard, tmp_path
):
    with EmulatorProcess("exact-online-emulator", "--minutely-limit", "0", "--daily-limit", "0") as exact:
        source = ExactSource(tmp_path, exact)
        source.discover()
        catalog = json.loads(source.catalog_path.read_text())
        streams = [s["stream"] for s in catalog["streams"] if s["stream"]["name"] == "accounts"]
        source.catalog_path.write_text(json.dumps(configured_catalog({"streams": streams}, {"accounts"}, set())))
        rng = random.Random(11)
        refreshed_at: list[float] = []
        failures = []
        for run in range(size.rotation_runs):
            before = source.config.read()["credentials"]["refresh_token"]
            now = time_travel(exact, source.config, rng.choice(GAPS) + rng.random())
            output = source.run("read")
            if output.returncode != 0 or not output.of_type("RECORD"):
                failures.append((run, output.stderr[-1500:] or output.stdout[-1500:]))
                break
            if source.config.read()["credentials"]["refresh_token"] != before:
                refreshed_at.append(now)
        log = exact.requests_log()

    token_calls = [e for e in log if e["path"].endswith("/oauth2/token")]
    gaps = [b - a for a, b in pairwise(refreshed_at)]
    scorecard.held(
        f"{size.rotation_runs} consecutive Exact syncs with rotating refresh tokens, "
        f"{len(token_calls)} token grants over {refreshed_at[-1] - refreshed_at[0] if refreshed_at else 0:,.0f} "
        f"emulated seconds"
    )
    scorecard.survived("access token expired between runs", max(0, len(token_calls) - 1))
    assert failures == []
    assert all(e["status"] == 200 for e in token_calls), [e for e in token_calls if e["status"] != 200]
    assert len(token_calls) == len(refreshed_at)  # discover calls no API; every grant is a rotation
    assert len(refreshed_at) >= size.rotation_runs // 6, "too few rotations to prove anything"
    # Refresh times are taken at the start of each run, so they carry the run's few seconds of uncertainty.
    assert min(gaps) >= MIN_SECONDS_BETWEEN_REFRESHES - 10, sorted(gaps)[:5]
