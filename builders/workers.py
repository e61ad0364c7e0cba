"""Rendering jobs on every core.

Jobs are independent, so a format with many jobs to build sends them to a pool of worker
processes, started with the `spawn` method (with `fork`, a worker can hang once Typst has run in
the parent). Each worker receives the validated course once, pickled, and returns each job's
files; the parent takes them in plan order, so the output does not depend on which worker ran
what. A format with only a few jobs to build (an incremental build), or a course too large to
copy into every worker, renders in this process on threads.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from builders.formats import get_builder
from builders.formats.base import Artifact, Builder, Job
from builders.model import Course

WORKERS = max(2, os.cpu_count() or 2)
POOL_MIN_JOBS = 8  # below this, starting processes costs more than it saves
# Each worker holds a copy of the course (about 1.4 MB per lesson, mostly parsed Markdown), so a
# larger course renders in this process: slower, but memory stays at one copy.
POOL_MAX_LESSONS = 400

_worker: dict[str, Any] = {}  # in a worker: the course, the options, a builder per format


class Renderer:
    """Renders jobs of any format, on worker processes started when first needed."""

    def __init__(self, course: Course, options: dict[str, str]):
        self.course, self.options = course, options
        self.processes: ProcessPoolExecutor | None = None
        self.threads: ThreadPoolExecutor | None = None
        lessons = sum(len(module.lessons) for module in course.modules)
        self.pool_allowed = WORKERS >= 2 and lessons <= POOL_MAX_LESSONS

    def render(self, builder: Builder, jobs: list[Job]) -> Iterator[Artifact]:
        """Each job's files, in the order of `jobs`."""
        if len(jobs) < POOL_MIN_JOBS or not self.pool_allowed:
            self.threads = self.threads or ThreadPoolExecutor(WORKERS, "e4j-render")
            # Typst and zlib release the GIL, so renders overlap.
            return self.threads.map(lambda job: builder.render(self.course, job), jobs)
        if self.processes is None:
            self.processes = ProcessPoolExecutor(
                WORKERS,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(pickle.dumps(self.course, protocol=pickle.HIGHEST_PROTOCOL),
                          self.options),
            )
        return self.processes.map(_render, [builder.name] * len(jobs), jobs)

    def close(self, cancel: bool = False) -> None:
        pools: list[Executor | None] = [self.threads, self.processes]
        for pool in pools:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=cancel)
        self.threads = self.processes = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self.close(cancel=error is not None)


def _start_worker(course_data: bytes, options: dict[str, str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    from builders.locales import use_course_strings

    course = pickle.loads(course_data)
    use_course_strings(course.interface)
    _worker.update(course=course, options=options, builders={})


def _render(name: str, job: Job) -> Artifact:
    builders = _worker["builders"]
    if name not in builders:
        builders[name] = get_builder(name, **_worker["options"])
    return builders[name].render(_worker["course"], job)
