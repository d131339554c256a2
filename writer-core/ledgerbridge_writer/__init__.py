"""ledgerbridge-writer-core: the generic half of the ledgerbridge destinations (see README.md)."""

from .activity import ActivityEntry, Outcome, WriteResult, json_log, log_message
from .concurrency import WriteConcurrency, configured_in_flight
from .counters import SyncCounters
from .disk_map import DiskMap
from .links import UnresolvedLink, resolve_links, set_path
from .state_gate import StateGate
from .target import Target
from .work import BatchWrite, RecordFailure, RecordWork, RecordWriteError, WriteOutcomeUnknown
from .writer import Writer

__all__ = [
    "ActivityEntry",
    "BatchWrite",
    "DiskMap",
    "Outcome",
    "RecordFailure",
    "RecordWork",
    "RecordWriteError",
    "StateGate",
    "SyncCounters",
    "Target",
    "UnresolvedLink",
    "WriteConcurrency",
    "WriteOutcomeUnknown",
    "WriteResult",
    "Writer",
    "configured_in_flight",
    "json_log",
    "log_message",
    "resolve_links",
    "set_path",
]
