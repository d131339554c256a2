"""``exact-online-emulator``: start the emulated Exact Online site and print the start line once it is ready."""

from __future__ import annotations

import argparse
import hashlib
import threading
import uuid
from typing import Any

from emulator_kit.app import EmulatorApp
from emulator_kit.cli import add_common_arguments, build_kit
from emulator_kit.server import serve
from emulator_kit.statefile import StateFile
from exact_online_emulator.auth import TOKEN_CALLS_PER_DAY, Authority, Client
from exact_online_emulator.models.backend import Backend
from exact_online_emulator.rate_limits import Limits, RateLimiter
from exact_online_emulator.responses import ExactApi, render_fault
from exact_online_emulator.seed import PER_SCALE, seed_backend
from exact_online_emulator.webhooks import COLLECTION as WEBHOOK_COLLECTION
from exact_online_emulator.webhooks import WebhookHub, webhook_secret_for_seed


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exact-online-emulator", description="Local emulator of the Exact Online REST API."
    )
    add_common_arguments(parser)
    parser.add_argument(
        "--minutely-limit",
        type=int,
        default=60,
        help="calls per clock minute per client and division; 0 disables (default: 60)",
    )
    parser.add_argument(
        "--daily-limit",
        type=int,
        default=5000,
        help="calls per UTC day per client and division; 0 disables (default: 5000)",
    )
    parser.add_argument(
        "--error-block",
        type=int,
        default=10,
        help="errors per endpoint per hour before the client is blocked for an hour; 0 disables (default: 10)",
    )
    parser.add_argument(
        "--token-daily-limit",
        type=int,
        default=TOKEN_CALLS_PER_DAY,
        help="token endpoint calls per client per day; 0 disables (default: 200)",
    )
    parser.add_argument(
        "--volume",
        action="append",
        default=[],
        type=_volume,
        metavar="KIND=N",
        help="seed N accounts, items or orders in the main division instead of 60, 25 or 40 per unit of --scale "
        "(repeatable; e.g. --volume accounts=1000000 for a large read)",
    )
    parser.add_argument(
        "--webhook-secret",
        help="the app's webhook secret that signs webhook callbacks (HashCode); default: derived from --seed, "
        "see README",
    )
    parser.add_argument(
        "--public-url",
        help="URL clients use to reach the emulator (behind a TLS proxy); used in __next and __metadata links",
    )
    return parser


def _volume(text: str) -> tuple[str, int]:
    kind, _, number = text.partition("=")
    if kind not in PER_SCALE or not number.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r}: expected KIND=N with KIND one of {', '.join(PER_SCALE)}")
    return kind, int(number)


def client_for_seed(seed: int) -> Client:
    digest = hashlib.sha256(f"exact-online-emulator:{seed}".encode()).digest()
    return Client(client_id=str(uuid.UUID(bytes=digest[:16], version=4)), client_secret=digest[16:].hex()[:24])


class Emulator:
    """Wires backend, OAuth authority, rate limiter and the optional state file together."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.clock, self.faults = build_kit(args)
        self.backend = Backend(self.clock, seed=args.seed)
        self.authority = Authority(self.clock, client_for_seed(args.seed), args.token_daily_limit)
        self.limiter = RateLimiter(self.clock, Limits(args.minutely_limit, args.daily_limit, args.error_block))
        self.state_file = StateFile(args.state_file) if args.state_file else None
        self._save_lock = threading.Lock()
        state = self.state_file.load() if self.state_file else None
        if state:
            self.backend.restore(state["backend"])
            self.authority.restore(state["auth"])
        else:
            seed_backend(self.backend, args.seed, args.scale, args.empty, dict(args.volume))
        self.public_url = args.public_url
        self.webhooks = WebhookHub(
            self.clock, args.webhook_secret or webhook_secret_for_seed(args.seed), self.authority.client.client_id
        )
        if state and "webhooks" in state:
            self.webhooks.restore(state["webhooks"])
        self.backend.on_row_event = self.webhooks.record
        self.backend.on_write_done = self.webhooks.flush
        self.api = ExactApi(
            self.backend,
            self.authority,
            self.limiter,
            on_write=self.save,
            public_url=args.public_url,
            webhooks=self.webhooks,
        )
        self.app = EmulatorApp(
            self.api,
            dump=self.dump,
            render_fault=render_fault,
            clock=self.clock,
            faults=self.faults,
            slow_seconds=args.slow_seconds,
            latency_seconds=args.latency_seconds,
            timeout_seconds=args.timeout_seconds,
        )

    def save(self) -> None:
        if self.state_file is None:
            return
        with self._save_lock:
            self.state_file.save(
                {
                    "backend": self.backend.snapshot(),
                    "auth": self.authority.snapshot(),
                    "webhooks": self.webhooks.snapshot(),
                }
            )

    def dump(self) -> dict[str, Any]:
        return {**self.backend.dump(), WEBHOOK_COLLECTION: self.webhooks.snapshot()["subscriptions"]}

    def start_line(self, base_url: str) -> dict[str, Any]:
        self.webhooks.root_url = (self.public_url or base_url).rstrip("/") + "/"
        refresh_token = self.authority.issue_start_refresh_token()
        self.save()
        return {
            "base_url": base_url,
            "division": self.backend.user.current_division,
            "credentials": {
                "client_id": self.authority.client.client_id,
                "client_secret": self.authority.client.client_secret,
                "refresh_token": refresh_token,
            },
        }


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    emulator = Emulator(args)
    serve(
        emulator.app,
        host=args.host,
        port=args.port,
        start_line=emulator.start_line,
        on_shutdown=emulator.save,
        verbose=args.verbose,
    )


if __name__ == "__main__":
    main()
