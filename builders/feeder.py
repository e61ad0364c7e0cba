"""Queued work sent to worker processes as they have room: from this thread, and, as a worker
finishes a task, from the pool's thread that learns of it, so a worker does not wait for this
process to be between two tasks of its own before it gets the next one.

Used twice: lessons and quizzes to parse while the course loads (`SourceCache`), and rendering
jobs (`Renderer`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any


class Feeder:
    """Calls `send_next` until it sends nothing more, whenever there may be room: when asked,
    and each time a task it sent finishes (after `finished(future)` has counted it).

    `send_next` sends one queued task if a worker has room for it and returns its future, or
    returns None. It runs with `lock` held, as does `finished`; hold `lock` to change the queue.
    """

    def __init__(self, send_next: Callable[[], Future[Any] | None],
                 finished: Callable[[Future[Any]], None] | None = None):
        self.send_next = send_next
        self.finished = finished
        self.lock = threading.RLock()
        self.closed = False
        self._sending = False

    def send(self) -> None:
        """Send what has room. A failure to send is raised here (a broken pool)."""
        with self.lock:
            if self._sending or self.closed:  # called back from the loop below, which goes on
                return
            self._sending = True
            try:
                while not self.closed and (future := self.send_next()) is not None:
                    future.add_done_callback(self._task_finished)
            finally:
                self._sending = False

    def _task_finished(self, future: Future[Any]) -> None:
        """On a pool's thread (or at once, for a task already finished when sent)."""
        with self.lock:
            if self.finished is not None:
                self.finished(future)
            # A broken pool: the task's result says so to whoever takes it.
            with contextlib.suppress(Exception):
                self.send()

    def close(self) -> None:
        """Send nothing more, from any thread."""
        with self.lock:
            self.closed = True
