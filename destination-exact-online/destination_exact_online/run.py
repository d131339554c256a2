import sys

from destination_exact_online.destination import DestinationExactOnline


def run() -> None:
    DestinationExactOnline().run(sys.argv[1:])
