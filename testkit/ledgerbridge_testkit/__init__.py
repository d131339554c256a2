"""Connector processes as the platform runs them, for the suites that test them from the outside."""

from .acceptance_config import acceptance_config
from .airbyte_output import Output
from .api_writes import writes
from .catalog import configured_catalog
from .config_file import ConfigFile
from .connector_process import console_script, run_connector
from .eaccounting_company import company_rules, goods_coding_and_unit
from .emulated_clock import EmulatedClock
from .emulator_config import emulator_config
from .live_token import live_credentials

__all__ = [
    "ConfigFile",
    "EmulatedClock",
    "Output",
    "acceptance_config",
    "company_rules",
    "configured_catalog",
    "console_script",
    "emulator_config",
    "goods_coding_and_unit",
    "live_credentials",
    "run_connector",
    "writes",
]
