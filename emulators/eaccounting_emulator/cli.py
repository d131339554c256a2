"""``eaccounting-emulator``: a local stand-in for the Visma eAccounting API v2 and its identity server.

Prints one JSON line once ready: ``{"api_url", "identity_url", "credentials": {client_id, client_secret,
refresh_token}}`` and serves until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import logging
import sys
from typing import Any

from eaccounting_emulator.auth import ACCESS_TOKEN_SECONDS, IdentityServer
from eaccounting_emulator.models.backend import Backend
from eaccounting_emulator.persistence import StateSaver, restore
from eaccounting_emulator.rate_limits import DEFAULT_PER_MINUTE, RateLimiter
from eaccounting_emulator.responses import EAccountingApi, render_fault
from eaccounting_emulator.seed import seed
from emulator_kit.app import EmulatorApp
from emulator_kit.cli import add_common_arguments, build_kit
from emulator_kit.server import serve
from emulator_kit.statefile import StateFile

DEFAULT_CLIENT_ID = "ledgerbridge-eaccounting"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eaccounting-emulator", description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    parser.add_argument(
        "--per-minute-limit",
        type=int,
        default=DEFAULT_PER_MINUTE,
        help="calls per minute per client and endpoint before 429 / ErrorCode 4010; 0 disables "
        f"(default: {DEFAULT_PER_MINUTE})",
    )
    parser.add_argument(
        "--access-token-seconds",
        type=int,
        default=ACCESS_TOKEN_SECONDS,
        help=f"access-token lifetime in emulated seconds (default: {ACCESS_TOKEN_SECONDS})",
    )
    parser.add_argument(
        "--client-id", default=DEFAULT_CLIENT_ID, help=f"OAuth client id (default: {DEFAULT_CLIENT_ID})"
    )
    parser.add_argument("--client-secret", help="OAuth client secret (default: derived from --seed)")
    parser.add_argument(
        "--fault-retry-seconds",
        type=int,
        default=60,
        help='the wait an injected 429 names ("Try again in N seconds") (default: 60)',
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr)
    clock, faults = build_kit(args)
    token_options = {"access_token_seconds": args.access_token_seconds}
    state_file = StateFile(args.state_file) if args.state_file else None
    state = state_file.load() if state_file else None
    if state is not None:
        backend, identity = restore(state, clock, **token_options)
    else:
        backend = Backend(clock)
        seed(backend, seed=args.seed, scale=args.scale, empty=args.empty)
        secret = args.client_secret or hashlib.sha256(f"eaccounting-emulator:{args.seed}".encode()).hexdigest()[:40]
        identity = IdentityServer.create(clock, args.client_id, secret, **token_options)
    saver = StateSaver(state_file, backend, identity, clock) if state_file else None
    on_change = saver.mark_dirty if saver else (lambda: None)
    backend.on_change = on_change
    if saver:
        saver.save()
    api = EAccountingApi(backend, identity, RateLimiter(clock, args.per_minute_limit), on_change)
    app = EmulatorApp(
        api,
        dump=backend.dump,
        render_fault=functools.partial(render_fault, retry_seconds=args.fault_retry_seconds),
        clock=clock,
        faults=faults,
        slow_seconds=args.slow_seconds,
        latency_seconds=args.latency_seconds,
        timeout_seconds=args.timeout_seconds,
    )

    def start_line(base_url: str) -> dict[str, Any]:
        return {
            "api_url": f"{base_url}/v2",
            "identity_url": base_url,
            "credentials": {
                "client_id": identity.client_id,
                "client_secret": identity.client_secret,
                "refresh_token": identity.state.primary_refresh_token,
            },
        }

    serve(
        app,
        host=args.host,
        port=args.port,
        start_line=start_line,
        on_shutdown=saver.close if saver else None,
        verbose=args.verbose,
    )


if __name__ == "__main__":
    main()
