"""Ending a process without freeing its objects one by one: for a large course that takes
seconds at exit, and nothing needs it once the output is written."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from typing import NoReturn


def flush_and_exit(code: int) -> NoReturn:
    """Flush stdout and stderr, then end the process with `code` at once."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream
            stream.flush()
    os._exit(code)


def quick_exit(code: int) -> NoReturn:
    """Run the exit functions (atexit), then `flush_and_exit`."""
    atexit._run_exitfuncs()
    flush_and_exit(code)
