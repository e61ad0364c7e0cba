"""Rendering jobs on every core.

Jobs are independent, so a format with many jobs to build sends them to worker processes,
started with the `spawn` method (with `fork`, a worker can hang once Typst has run in the parent).
Each worker receives the validated course once. A small course goes whole to every worker, and
each job goes to the first worker with room for it (`JOBS_PER_WORKER`), so a worker that drew
long jobs is not left with a queue the other could have taken. A large one is shared out by
modules: a worker receives its own modules whole and outlines of the others, and renders the
jobs of its modules, so the course is held about twice in all whatever the number of workers.

Course-wide jobs that reuse what the module jobs made (course packages take their lesson pages,
course banks their questions' XML: `Builder.handoff`) render in this process when their turn
comes, from what the workers handed over, so nothing is rendered twice. The parent takes every
job's files in plan order, so the output does not depend on which process ran what.

Every format's jobs are queued before the first is written, and go to the workers a window at a
time (`JOBS_AHEAD`): the workers start on the next format while this process renders the
course-wide jobs of one and writes its files, and no more finished jobs wait in memory than the
window holds.

A format with only a few jobs to build (an incremental build) renders in this process on threads.

On a cold build the workers start before the course is loaded, and parse and check lessons for
the loader meanwhile (`submitter`); the lessons then come back to them in the same bytes.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import pickle
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from builders.collector import BUILD_THRESHOLDS
from builders.cores import render_processes
from builders.feeder import Feeder
from builders.formats import get_builder
from builders.formats.base import Artifact, Builder, Job
from builders.load.source_cache import Entry, forget_pickled, pickled_entry
from builders.model import Course, Lesson, Module
from builders.quick_exit import flush_and_exit

WORKERS = render_processes()
POOL_MIN_JOBS = 8  # below this, starting processes costs more than it saves
# Up to this size every worker holds the whole course (about 1.4 MB per lesson), so any job can
# go to any worker and the work evens out; a larger course is shared out by modules.
WHOLE_COURSE_LESSONS = 400
LOADING_TASKS = 2  # tasks a worker holds while the course loads: one it runs, one waiting
JOBS_AHEAD = 32  # per worker: jobs sent and not yet taken by this process
JOBS_PER_WORKER = 2  # a whole course: jobs a worker holds unfinished, one it runs, one waiting
# A worker's lessons go to it a few at a time: pickled whole, its share would be copied twice
# over in this process while it is sent (at 1,000 modules, half a gigabyte for a moment).
LESSONS_PER_SHIPMENT = 32
# While workers run, how long this process's main thread keeps the interpreter when the threads
# that pass work and results to and from the workers are waiting for it (Python's default is
# 5 ms). A worker waits for those threads between two tasks: at 5 ms, a quarter of its time
# while the course loads, for a task of about 30 ms.
HANDOFF_SECONDS = 0.0005

Rendered = tuple[Artifact, dict[Any, Any]]  # a job's files, and what it hands to course-wide jobs
_worker: dict[str, Any] = {}  # in a worker: the course, the options, a builder per format


def share_modules(course: Course, shares: int) -> list[set[str]]:
    """Module ids split into `shares` sets of about the same number of lessons (largest module
    first, to the lightest share; ties by order), the same split on every run."""
    owned: list[set[str]] = [set() for _ in range(shares)]
    load = [0] * shares
    by_size = sorted(course.modules, key=lambda m: (-len(m.lessons), m.id))
    for module in by_size:
        lightest = min(range(shares), key=lambda i: (load[i], i))
        owned[lightest].add(module.id)
        load[lightest] += max(1, len(module.lessons))
    return owned


@dataclass
class _Queued:
    """A job for a worker, sent when the window has room."""

    builder: str
    job: Job
    worker: int | None  # None: the first worker with room
    future: Future[Rendered] | None = None


def _outline(module: Module) -> Module:
    """A module without its lessons' parsed Markdown and source text, and its files' bytes."""
    return replace(
        module,
        lessons=tuple(replace(lesson, tokens=(), source="") for lesson in module.lessons),
        assets=tuple(replace(a, data=b"") for a in module.assets),
    )


def pack_outline(course: Course) -> bytes:
    """The course as every worker gets it: outlines of the modules (titles, lessons and quizzes
    stay, so lists of the course read the same). Pickled once for all the workers."""
    outline = replace(course, modules=tuple(_outline(m) for m in course.modules))
    return pickle.dumps(outline, pickle.HIGHEST_PROTOCOL)


def pack_owned(course: Course, owned: set[str]) -> tuple[bytes, list[bytes]]:
    """What the outline leaves out of the modules a worker owns: their files, and their
    lessons' Markdown lesson by lesson, as the build cache entries they were pickled in (by a
    worker, from the disk, or to be stored) if they were, else pickled here: one pickle of the
    whole graph keeps a memo of every token and takes several times longer."""
    modules = [module for module in course.modules if module.id in owned]
    files = {module.id: module.assets for module in modules}
    lessons = [
        pickled_entry(lesson) or pickle.dumps(Entry(lesson, []), pickle.HIGHEST_PROTOCOL)
        for module in modules
        for lesson in module.lessons
    ]
    return pickle.dumps(files, pickle.HIGHEST_PROTOCOL), lessons


def unpack_share(outline_data: bytes, files_data: bytes, lessons: list[bytes], owned: set[str]
                 ) -> Course:
    """The course as one worker needs it: whole for the modules it owns, outlines elsewhere."""
    outline: Course = pickle.loads(outline_data)
    files = pickle.loads(files_data)
    parts = iter(lessons)

    def whole(module: Module) -> Module:
        restored = []
        for lesson in module.lessons:
            read: Lesson = pickle.loads(next(parts)).lesson
            restored.append(replace(lesson, tokens=read.tokens, source=read.source))
        return replace(module, lessons=tuple(restored), assets=files[module.id])

    return replace(
        outline, modules=tuple(whole(m) if m.id in owned else m for m in outline.modules)
    )


class Renderer:
    """Renders jobs of any format, on worker processes started when first needed.

    `start_workers()` may start them before the course is loaded (a cold build surely needs
    them): they import the builders meanwhile, on the other cores."""

    def __init__(self, options: dict[str, str], workers: int | None = None):
        """`workers`: how many processes (default WORKERS); 1 renders in this process alone.
        The caller sets `course` once it is loaded, before the first `render`."""
        self.options = options
        self.course: Course | None = None
        self.workers = workers or WORKERS
        self.processes: list[ProcessPoolExecutor] = []
        self.ready: list[Future[Any]] = []  # done once each worker has started
        self.handed_out = False
        self.owner: dict[str, int] = {}  # module id -> index of the worker that renders it
        self.whole = False  # every worker has the whole course: any worker takes any job
        self.threads: ThreadPoolExecutor | None = None
        self.backlog: deque[_Queued] = deque()  # queued for the workers, not sent yet
        self.sent = 0  # jobs sent to the workers and not yet taken
        self.unfinished = [0] * self.workers  # jobs sent to each worker and not finished
        self.working: dict[Future[Rendered], int] = {}  # each unfinished job's worker
        self.feeder = Feeder(self._send_next, self._finished)

    def render(self, builder: Builder, jobs: list[Job]) -> Iterator[Artifact]:
        """Each job's files, in the order of `jobs`. Jobs for the workers are queued at once,
        after those of earlier calls; the files must be taken in the order of the calls."""
        course = self.course
        assert course is not None, "the renderer has no course yet"
        if len(jobs) < POOL_MIN_JOBS or self.workers < 2:
            return self._on_threads(builder, course, jobs)
        if not self.handed_out:
            self._hand_out(course)
        queued = [self._queue(builder, job) for job in jobs]
        with self.feeder.lock:
            self.backlog.extend(item for item in queued if item is not None)
        self.feeder.send()
        return self._in_order(builder, jobs, queued)

    def _on_threads(self, builder: Builder, course: Course, jobs: list[Job]
                    ) -> Iterator[Artifact]:
        """Renders here, on threads, once the first files are asked for (Typst and zlib release
        the GIL, so renders overlap)."""
        self.threads = self.threads or ThreadPoolExecutor(max(2, self.workers), "e4j-render")
        yield from self.threads.map(lambda job: builder.render(course, job), jobs)

    def _send_next(self) -> Future[Rendered] | None:
        """Send the first queued job if the window has room (and, for a job any worker may
        take, if a worker has room for it). Called by the feeder, with its lock held."""
        if not self.backlog or self.sent >= JOBS_AHEAD * self.workers:
            return None
        item = self.backlog[0]
        worker = item.worker
        if worker is None:
            worker = min(range(self.workers), key=lambda i: (self.unfinished[i], i))
            if self.unfinished[worker] >= JOBS_PER_WORKER:
                return None  # sent when a worker finishes one
        future = self.processes[worker].submit(_render, item.builder, item.job)
        self.backlog.popleft()
        item.future = future
        self.sent += 1
        self.unfinished[worker] += 1
        self.working[future] = worker
        return future

    def _finished(self, future: Future[Rendered]) -> None:
        """A worker finished a job: it has room for the next (the feeder sends it)."""
        self.unfinished[self.working.pop(future)] -= 1

    def _queue(self, builder: Builder, job: Job) -> _Queued | None:
        """`job` queued for a worker, or None when this process renders it (a course-wide job
        that takes what module jobs hand over, or one no worker has the modules for)."""
        if self.whole and not (job.module is None and builder.hands_over):
            return _Queued(builder.name, job, None)
        if job.module is None:
            return None
        return _Queued(builder.name, job, self.owner[job.module])

    def _in_order(
        self, builder: Builder, jobs: list[Job], queued: list[_Queued | None]
    ) -> Iterator[Artifact]:
        assert self.course is not None
        for job, item in zip(jobs, queued, strict=True):
            if item is None:
                # A course-wide job renders here when its turn comes, so it finds what the
                # module jobs planned before it handed over (e.g. their lesson pages).
                yield builder.render(self.course, job)
            else:
                # Taken in the order sent: every job sent before this one has been taken and
                # finished, so there was room for it (unless sending it failed: say why here).
                with self.feeder.lock:
                    if item.future is None:
                        self.feeder.send()
                assert item.future is not None, "files taken out of the order of render calls"
                artifact, parts = item.future.result()
                item.future = None  # the files are held until written, not to the format's end
                with self.feeder.lock:
                    self.sent -= 1
                self.feeder.send()
                builder.receive(parts)
                yield artifact

    def start_workers(self, formats: Sequence[str] = ()) -> None:
        """Start the worker processes, which make ready to render `formats`."""
        context = multiprocessing.get_context("spawn")
        while self.workers >= 2 and len(self.processes) < self.workers:
            pool = ProcessPoolExecutor(1, mp_context=context, initializer=_start_worker,
                                       initargs=(tuple(formats),))
            self.ready.append(pool.submit(int))  # a process starts at its first task
            self.processes.append(pool)

    def submitter(self) -> Callable[..., Future[Any] | None] | None:
        """`submit(function, *arguments)` to a started worker with room for it (while the course
        loads: lessons to parse), or None when no worker is started. `submit` returns None when
        every worker is busy or still starting, so the caller does that work itself."""
        if not self.processes:
            return None
        held: list[list[Future[Any]]] = [[ready] for ready in self.ready]

        def submit(function: Callable[..., Any], *arguments: Any) -> Future[Any] | None:
            for tasks in held:
                tasks[:] = [task for task in tasks if not task.done()]
            index = min(range(len(held)), key=lambda i: len(held[i]))
            if len(held[index]) >= LOADING_TASKS:
                return None
            future = self.processes[index].submit(function, *arguments)
            held[index].append(future)
            return future

        return submit

    def _hand_out(self, course: Course) -> None:
        """Give each worker its share of the modules (its first task, before any job): the
        whole course when it is small enough to be held once per worker."""
        self.start_workers()
        self.handed_out = True
        self.whole = sum(len(m.lessons) for m in course.modules) <= WHOLE_COURSE_LESSONS
        outline = pack_outline(course)
        if self.whole:
            everything = {m.id for m in course.modules}
            packed = pack_owned(course, everything)
            for pool in self.processes:
                self._send_share(pool, outline, *packed, everything)
        else:
            for index, owned in enumerate(share_modules(course, self.workers)):
                self.owner |= dict.fromkeys(owned, index)
                self._send_share(self.processes[index], outline, *pack_owned(course, owned),
                                 owned)
        forget_pickled()  # queued: the queues hold what is not sent yet

    def _send_share(self, pool: Executor, outline: bytes, files: bytes, lessons: list[bytes],
                    owned: set[str]) -> None:
        for start in range(0, len(lessons), LESSONS_PER_SHIPMENT):
            pool.submit(_receive_lessons, lessons[start : start + LESSONS_PER_SHIPMENT])
        pool.submit(_install, outline, files, owned, self.options)

    def close(self, cancel: bool = False) -> None:
        self.feeder.close()  # the pools' threads send nothing more
        pools: list[Executor | None] = [self.threads, *self.processes]
        for pool in pools:
            if pool is not None:  # after an error, workers still starting are not waited for
                pool.shutdown(wait=not cancel, cancel_futures=cancel)
        self.threads, self.processes, self.ready = None, [], []
        self.backlog.clear()
        forget_pickled()

    def __enter__(self) -> Renderer:
        self.switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self.switch_interval, HANDOFF_SECONDS))
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            self.close(cancel=error is not None)
        finally:
            sys.setswitchinterval(self.switch_interval)


def _start_worker(formats: tuple[str, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    # Ends without freeing the course object by object, which the parent would wait for: the
    # pool has stopped and every result is sent by then.
    atexit.register(flush_and_exit, 0)
    gc.set_threshold(*BUILD_THRESHOLDS)
    from builders.formats import REGISTRY

    for name in formats:  # while the parent loads the course
        if name in REGISTRY:  # an unknown name is the parent's to report
            get_builder(name).warm_up()


def _receive_lessons(lessons: list[bytes]) -> None:
    """Keep a shipment of this worker's lessons, pickled, until `_install` builds the course."""
    _worker.setdefault("lessons", []).extend(lessons)


def _install(outline: bytes, files: bytes, owned: set[str], options: dict[str, str]) -> None:
    from builders.locales import use_course_strings

    lessons = _worker.pop("lessons", [])
    gc.disable()  # unpickling makes no garbage: nothing to collect while the course is built
    try:
        course = unpack_share(outline, files, lessons, owned)
    finally:
        gc.freeze()  # the course lives as long as the worker: collections need not walk it
        gc.enable()
    use_course_strings(course.interface)
    _worker.update(course=course, options=options, builders={})


def _render(name: str, job: Job) -> Rendered:
    if "course" not in _worker:
        raise RuntimeError("this worker process has no course: receiving its share failed")
    builders = _worker["builders"]
    if name not in builders:
        builders[name] = get_builder(name, **_worker["options"])
    builder = builders[name]
    return builder.render(_worker["course"], job), builder.handoff()
