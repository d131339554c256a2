import sys

from destination_exact_online.destination import DestinationExactOnline
from ledgerbridge_write_safety import secret_masking


def run() -> None:
    secret_masking.install()
    DestinationExactOnline().run(sys.argv[1:])
