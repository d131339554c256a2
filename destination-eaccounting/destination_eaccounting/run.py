import io
import sys

from ledgerbridge_write_safety import secret_masking

from .destination import DestinationEaccounting


def run() -> None:
    # Line-buffered stdout: a rotated refresh token (CONNECTOR_CONFIG) and each committed STATE reach the platform
    # at once, so a destination killed mid-sync loses neither.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    secret_masking.install()
    DestinationEaccounting().run(sys.argv[1:])
