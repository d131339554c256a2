import io
import sys

from destination_exact_online.destination import DestinationExactOnline
from ledgerbridge_write_safety import secret_masking


def run() -> None:
    # Line-buffered stdout: a rotated refresh token (CONNECTOR_CONFIG) and each committed STATE reach the platform
    # at once, so a destination killed mid-sync loses neither.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    secret_masking.install()
    DestinationExactOnline().run(sys.argv[1:])
