"""Files named on the command line to read in (a question bank, a notebook, a results table):
never read much past the size the caller takes, and never waited on. /dev/zero filled the
memory until the system killed e4j; a named pipe no program writes to made e4j wait forever.
A pipe that is written to (`<(curl …)`, /dev/stdin) is read as before."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def read_at_most(path: Path, limit: int) -> bytes:
    """The file's bytes, or its first `limit + 1` when it is longer: enough for the caller to
    say it is over its limit. OSError when it cannot be read."""
    # Opening a named pipe to read waits for a writer; opened without waiting, a pipe nothing
    # writes to reads as empty, and one something writes to is then read as usual.
    without_waiting = getattr(os, "O_NONBLOCK", 0)  # Windows has no such flag
    descriptor = os.open(path, os.O_RDONLY | without_waiting)
    with os.fdopen(descriptor, "rb") as file:
        if stat.S_ISDIR(os.fstat(descriptor).st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if without_waiting:
            os.set_blocking(descriptor, True)
        return file.read(limit + 1)
