"""Command-line options every emulator shares."""

from __future__ import annotations

import argparse

from emulator_kit.clock import Clock
from emulator_kit.faults import FaultPlan


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default: 0)")
    parser.add_argument("--seed", type=int, default=1, help="seed for deterministic realistic data (default: 1)")
    parser.add_argument("--empty", action="store_true", help="start with no business data (reference data only)")
    parser.add_argument(
        "--scale", type=int, default=1, help="multiply the seeded business volumes, e.g. 1000 for benchmarks"
    )
    parser.add_argument(
        "--clock-speed",
        type=float,
        default=1.0,
        help="emulated seconds per real second for token lifetimes and rate windows (default: 1)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="KIND:RATE[:PATH_GLOB]",
        help="inject a fault (429, 500, 503, slow, timeout, drop; 500-after, drop-after once the request was applied) "
        "on matching paths at RATE (0-1); repeatable",
    )
    parser.add_argument("--slow-seconds", type=float, default=2.0, help="delay of a 'slow' fault (default: 2)")
    parser.add_argument(
        "--latency-seconds",
        type=float,
        default=0.0,
        help="delay every API request by this long before it is handled, like a remote round trip (default: 0)",
    )
    parser.add_argument(
        "--timeout-seconds", type=float, default=30.0, help="hang of a 'timeout' fault before dropping (default: 30)"
    )
    parser.add_argument("--state-file", help="load state from and save it to this JSON file (survives restarts)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")


def build_kit(args: argparse.Namespace) -> tuple[Clock, FaultPlan]:
    return Clock(speed=args.clock_speed), FaultPlan.parse(args.fault, seed=args.seed)
