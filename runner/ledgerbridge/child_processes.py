"""How the runner starts connector processes: they die with it, and a Ctrl-C in the terminal reaches only the runner.

- Linux parent-death signal (``prctl(PR_SET_PDEATHSIG, SIGKILL)``): if the runner is killed, even with SIGKILL, the
  kernel kills its connectors too, so no orphaned destination keeps writing with nobody to commit its states.
- Own process group: a terminal's SIGINT goes to the runner alone, which then stops the connectors in order (source
  first, so the destination can finish and echo the states of what it wrote).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable
from typing import TypedDict

PR_SET_PDEATHSIG = 1


class ChildOptions(TypedDict):
    preexec_fn: Callable[[], None] | None
    process_group: int


def child_options() -> ChildOptions:
    """``subprocess.Popen``/``run`` keyword arguments for a connector process."""
    return {"preexec_fn": _die_with(os.getpid()) if sys.platform.startswith("linux") else None, "process_group": 0}


def _die_with(parent: int) -> Callable[[], None]:
    def set_parent_death_signal() -> None:  # runs in the child between fork and exec
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            os._exit(126)
        if os.getppid() != parent:  # the runner died before prctl took effect: nobody is left to read the output
            os._exit(126)

    return set_parent_death_signal
