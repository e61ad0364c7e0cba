"""The feeder: queued work sent as workers have room, from any thread."""

from __future__ import annotations

import sys
from collections import deque
from concurrent.futures import Future

from builders.feeder import Feeder


class _Pool:
    """One worker with room for `room` unfinished tasks; a task finishes when told to, or at
    once (`done`)."""

    def __init__(self, tasks: list[str], room: int, done: bool = False):
        self.queue = deque(tasks)
        self.room, self.done = room, done
        self.running: list[Future[str]] = []
        self.sent: list[str] = []
        self.depths: set[int] = set()  # of the call stack, at each call of send_next
        self.feeder = Feeder(self.send_next, self.finished)

    def send_next(self) -> Future[str] | None:
        self.depths.add(_stack_depth())
        if not self.queue or len(self.running) >= self.room:
            return None
        task = self.queue.popleft()
        future: Future[str] = Future()
        self.running.append(future)
        self.sent.append(task)
        if self.done:
            future.set_result(task)
        return future

    def finished(self, future: Future[str]) -> None:
        self.running.remove(future)


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def test_a_finished_task_makes_room_for_the_next():
    pool = _Pool(["a", "b", "c"], room=1)
    pool.feeder.send()
    assert pool.sent == ["a"]
    pool.running[0].set_result("a")  # as a pool's thread does when the worker is done
    assert pool.sent == ["a", "b"]
    pool.running[0].set_result("b")
    pool.running[0].set_result("c")
    assert pool.sent == ["a", "b", "c"] and not pool.running


def test_tasks_done_when_sent_are_counted_without_nesting():
    """A future already done runs its callback at once, inside the sending loop: it counts
    the task, and the loop goes on instead of a second one starting inside it."""
    pool = _Pool([str(n) for n in range(50)], room=1, done=True)
    pool.feeder.send()
    assert pool.sent == [str(n) for n in range(50)]
    assert len(pool.depths) == 1 and not pool.running


def test_nothing_is_sent_once_closed():
    pool = _Pool(["a", "b"], room=1)
    pool.feeder.send()
    pool.feeder.close()
    pool.running[0].set_result("a")
    pool.feeder.send()
    assert pool.sent == ["a"]
