import sys

from airbyte_cdk.entrypoint import launch

from ledgerbridge_write_safety import secret_masking
from source_exact_online.source import SourceExactOnline


def run() -> None:
    secret_masking.install()
    launch(SourceExactOnline(), sys.argv[1:])
