import sys

from airbyte_cdk.entrypoint import launch

from ledgerbridge_write_safety import secret_masking

from .source import SourceEAccounting


def run() -> None:
    secret_masking.install()
    launch(SourceEAccounting(), sys.argv[1:])
