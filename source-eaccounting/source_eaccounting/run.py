import sys

from airbyte_cdk.entrypoint import launch

from .source import SourceEAccounting


def run() -> None:
    launch(SourceEAccounting(), sys.argv[1:])
