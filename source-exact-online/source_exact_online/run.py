import sys

from airbyte_cdk.entrypoint import launch

from source_exact_online.source import SourceExactOnline


def run() -> None:
    launch(SourceExactOnline(), sys.argv[1:])
