"""The money properties at full count (issue 14): 10,000 random documents per property through the mapping.

`make test` runs a few hundred examples of each; this runs the ``bench`` hypothesis profile (conftest.py in
mappings/tests) over both directions' money properties and reports how many examples each ran and whether every one
held: Exact orders and invoices for the four eAccounting targets reconcile to the cent or are refused naming why, and
eAccounting prices, stock and deliveries reach Exact converted and bounded or are refused.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from figures import report

MAPPINGS = Path(__file__).resolve().parent.parent / "mappings"
PROPERTY_FILES = ["tests/test_money_properties.py", "tests/test_exact_money_properties.py"]
EXAMPLES = 10_000


def main() -> int:
    env = {**os.environ, "HYPOTHESIS_PROFILE": "bench"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--timeout=0"]
    command.append("--hypothesis-show-statistics")
    result = subprocess.run(command + PROPERTY_FILES, cwd=MAPPINGS, env=env, capture_output=True, text=True)
    print(result.stdout[-6000:])
    print(result.stderr[-2000:], file=sys.stderr)
    # Statistics come per test, one line per phase (explicit examples, generation, shrinking): add up each test's.
    blocks = re.split(r"^tests/\S+::", result.stdout, flags=re.MULTILINE)[1:]
    ran = [sum(int(n) for n in re.findall(r"(\d+) passing, \d+ failing", block)) for block in blocks]
    failing = sum(int(n) for n in re.findall(r"\d+ passing, (\d+) failing", result.stdout))
    smallest = min(ran) if ran else 0
    passed = result.returncode == 0 and failing == 0 and smallest >= EXAMPLES
    report(
        f"money properties: examples per property ({len(ran)} properties, both directions)",
        smallest,
        f"≥ {EXAMPLES:,} each, 0 failing",
        passed,
    )
    print(f"{len(ran)} properties, fewest examples {smallest}, failing {failing}: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
