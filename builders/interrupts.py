"""Stopping a build on Ctrl-C or SIGTERM, with exports/ left as it was.

SIGTERM is handled like Ctrl-C: it raises KeyboardInterrupt where the program is. When it lands
where Python cannot raise (a finaliser or weakref callback, which only report the exception),
the request is remembered and the build stops at its next check between jobs instead, and the
report of the swallowed exception is not shown.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

_requested = threading.Event()


def _on_signal(signum: int, frame: object) -> None:
    _requested.set()
    raise KeyboardInterrupt


def _quiet_hook(default: Callable[[Any], object]) -> Callable[[Any], object]:
    def hook(unraisable: Any) -> object:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and _requested.is_set():
            return None
        return default(unraisable)

    return hook


def stop_if_requested() -> None:
    """Raise KeyboardInterrupt if a stop was asked for and swallowed somewhere."""
    if _requested.is_set():
        raise KeyboardInterrupt


def handle_termination() -> Callable[[], None]:
    """Install the SIGTERM handler; returns the function that restores the previous state."""
    _requested.clear()
    previous_handler = signal.signal(signal.SIGTERM, _on_signal)
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _quiet_hook(previous_hook)

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous_handler)
        sys.unraisablehook = previous_hook
        _requested.clear()

    return restore
