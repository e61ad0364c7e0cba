"""Lessons and quizzes read and checked by an earlier run, so a rebuild after editing one lesson
reads and checks only that one; and, on a cold build, lessons parsed and checked on the worker
processes while this one reads the rest of the course (quizzes too).

An entry holds the parsed lesson (or quiz), what the loader reported about it and what the
quality gate's rules on words found in it (with a lesson's readability figures). It is found by
a digest of everything those depend on: the file's text, path, module, audience and language,
the paragraph, glossary and file names it is checked against, and the code of the builders. A
quiz adapted or added by an overlay is read again each time. Entries live in memory (the
preview server's rebuilds) and, for a build, as files in the exports' cache folder, signed with
this machine's build key (see `build_key`); an entry that cannot be read, or that this machine did
not sign, is simply parsed again. Entries not used by a run are removed after it.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from builders.build_key import signed, verified
from builders.diagnostics import Diagnostic, Diagnostics
from builders.feeder import Feeder
from builders.load.lesson import LessonContext, read_lesson
from builders.load.quiz import read_quiz_text
from builders.memo import keep
from builders.model import Lesson, Quiz

if TYPE_CHECKING:
    from builders.quality.readability import Readability

MEMORY_LIMIT = 5_000

# Runs a function on a worker process, submit(function, *arguments), or returns None when no
# worker has room for it.
Submit = Callable[..., "Future[Any] | None"]


def _no_errors(reported: list[Diagnostic]) -> bool:
    """Whether a file was read without errors: one with errors is read again next time."""
    return not any(d.level == "error" for d in reported)


@dataclass
class Entry:
    lesson: Lesson | None
    reported: list[Diagnostic]  # by the loader while reading it
    findings: list[Diagnostic] | None = None  # by the quality gate's rules on words
    figures: Readability | None = None

    @property
    def keepable(self) -> bool:
        return self.lesson is not None and _no_errors(self.reported)


@dataclass
class QuizEntry:
    quiz: Quiz | None
    reported: list[Diagnostic]  # by the loader while reading it
    languages: tuple[str, ...]  # of the course, which the rules on its words look at
    findings: list[Diagnostic] | None = None  # by the quality gate's rules on its words

    @property
    def keepable(self) -> bool:
        return self.quiz is not None and _no_errors(self.reported)


E = TypeVar("E", Entry, QuizEntry)


@dataclass(frozen=True)
class SourceFile:
    """One lesson or quiz file as the loader found it, and what it is checked against."""

    text: str
    path: str
    digest: str
    module: str
    audience: str
    lang: str  # "" for a quiz
    ctx: LessonContext

    def detached(self) -> SourceFile:
        """The same without the run's diagnostics, to send to another process."""
        return replace(self, ctx=replace(self.ctx, diags=Diagnostics()))


def checked_entry(source: SourceFile) -> Entry:
    """Parse and check one lesson: what the loader reports, and what the rules on words find."""
    found = Diagnostics()
    lesson = read_lesson(source.text, source.path, source.digest, source.module, source.audience,
                         source.lang, replace(source.ctx, diags=found))
    entry = Entry(lesson, found.items)
    if entry.keepable and lesson is not None:
        from builders.quality.language_rules import lesson_findings
        from builders.quality.readability import measure_lesson

        entry.findings = lesson_findings(lesson)
        entry.figures = measure_lesson(lesson)
    return entry


def checked_quiz(source: SourceFile) -> QuizEntry:
    """Read and check one quiz: what the loader reports, and what the rules on its words find."""
    found = Diagnostics()
    quiz = read_quiz_text(source.text, source.path, source.digest, source.module,
                          source.audience, replace(source.ctx, diags=found))
    entry = QuizEntry(quiz, found.items, source.ctx.languages)
    if entry.keepable and quiz is not None:
        from builders.quality.course_rules import quiz_findings

        entry.findings = quiz_findings(quiz, entry.languages)
    return entry


def checked_and_stored(check: Callable[[SourceFile], Entry | QuizEntry], source: SourceFile,
                       folder: Path | None, key: str) -> bytes:
    """`check(source)` on a worker process: the entry pickled, and stored in `folder` when it
    can be kept."""
    return pickled_and_stored(check(source), folder, key)


def pickled_and_stored(entry: Entry | QuizEntry, folder: Path | None, key: str) -> bytes:
    """The entry pickled, and stored in `folder` when it can be kept: whoever reads a file
    stores it, as soon as it is read."""
    data = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
    if folder is not None and entry.keepable:
        _store(folder, key, data)
    return data


def _store(folder: Path, key: str, data: bytes) -> None:
    from builders.write import write_file_atomic

    try:
        write_file_atomic(folder / f"{key}.pickle", signed(data))
    except OSError:  # a cache that cannot be written only makes the next build slower
        return


_memory: dict[str, Entry | QuizEntry] = {}
# This run's lessons that were pickled (by a worker, or here to be stored) or came from the disk,
# by id, with the lesson itself so the id stays its own: the same bytes give the workers their
# share of the course.
_pickled: dict[int, tuple[Lesson, bytes]] = {}


def _came_pickled(lesson: Lesson, data: bytes) -> None:
    _pickled[id(lesson)] = (lesson, data)


def pickled_entry(lesson: Lesson) -> bytes | None:
    """The pickled cache entry `lesson` came in (from a worker or the disk) or was stored in, in
    this run."""
    found = _pickled.get(id(lesson))
    return found[1] if found is not None and found[0] is lesson else None


def forget_pickled() -> None:
    _pickled.clear()


class _Reading(Generic[E]):
    """A lesson or quiz not found in the cache: read on a worker process, or here."""

    def __init__(self, key: str, source: SourceFile, check: Callable[[SourceFile], E]):
        self.key = key
        self.check: Callable[[SourceFile], E] = check
        self.source: SourceFile | None = source  # until it is read or sent
        self.future: Future[bytes] | None = None
        self.entry: E | None = None
        self.data: bytes | None = None  # the entry pickled, when it was (to store or to send)

    def read_here(self) -> E:
        assert self.source is not None, "a file is read once, here or on a worker"
        self.entry, self.source = self.check(self.source), None
        return self.entry

    def send(self, submit: Submit, folder: Path | None) -> bool:
        """Give the file to a worker with room for it, if any."""
        assert self.source is not None
        self.future = submit(checked_and_stored, self.check, self.source.detached(), folder,
                             self.key)
        if self.future is not None:
            self.source = None
        return self.future is not None

    def take(self) -> None:
        """Take in what the worker read (waiting for it if need be)."""
        assert self.future is not None
        self.data = self.future.result()
        self.entry, self.future = pickle.loads(self.data), None

    def result(self) -> tuple[E, bytes | None]:
        """The entry, and its pickle when it was pickled."""
        if self.future is not None:
            self.take()
        assert self.entry is not None, "a file still waiting: settle() reads them"
        return self.entry, self.data


class SourceCache:
    """The lessons and quizzes of one run of the loader: from memory, the cache folder, the
    workers or read here."""

    def __init__(self, folder: Path | None, code: str = "", submit: Submit | None = None,
                 keep_pickled: bool = False):
        """`code`: the builders' code digest, part of every key (computed when not given);
        `submit`: runs lessons and quizzes not found on worker processes (else they are read here);
        `keep_pickled`: keep each lesson's pickle for `pickled_entry`."""
        self.folder = folder
        self.submit = submit
        self.keep_pickled = keep_pickled
        self.used: dict[str, Entry | QuizEntry] = {}
        self.waiting: deque[_Reading[Any]] = deque()  # not in the cache, not sent to a worker
        self.sent: list[_Reading[Any]] = []  # on a worker, not taken in yet
        self.feeder = Feeder(self._send_next)
        forget_pickled()
        if not code:
            from builders.pipeline import code_digest

            code = code_digest()
        self.code = code

    def key(self, source: SourceFile) -> str:
        ctx = source.ctx
        parts = [self.code, source.digest, source.path, source.module, source.audience,
                 source.lang, source.text, *sorted(ctx.paragraph_ids), "|",
                 *sorted(ctx.term_ids), "|", *sorted(ctx.asset_paths), "|", *ctx.languages,
                 "|", *(f"{path}: {problem}" for path, problem in ctx.image_problems)]
        # surrogateescape: file names that are not UTF-8 (asset paths) are keys like any other
        return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()

    def lesson(self, source: SourceFile, diags: Diagnostics) -> Callable[[], Lesson | None]:
        """The lesson, its diagnostics added to `diags`, when the returned function is called:
        from the cache, else read here or on a worker process (see `settle`)."""
        found = self._find(source, Entry, checked_entry)
        return lambda: self._use(*found(), diags).lesson

    def quiz(self, source: SourceFile, diags: Diagnostics) -> Callable[[], Quiz | None]:
        """The quiz, as `lesson` gives the lesson."""
        found = self._find(source, QuizEntry, checked_quiz)
        return lambda: self._use(*found(), diags).quiz

    def _find(self, source: SourceFile, kind: type[E], check: Callable[[SourceFile], E]
              ) -> Callable[[], tuple[str, E, bytes | None]]:
        """When called: the entry's key, the entry, and its pickle if it was pickled."""
        key = self.key(source)
        remembered = _memory.get(key)
        found = (remembered, None) if isinstance(remembered, kind) else self._from_disk(key, kind)
        if found is not None:
            entry, data = found

            def stored() -> tuple[str, E, bytes | None]:
                return key, entry, data

            return stored
        reading: _Reading[E] = _Reading(key, source, check)
        if self.submit is None:
            self._read_here(reading)
        else:
            with self.feeder.lock:
                self.waiting.append(reading)
            self.feeder.send()

        def read() -> tuple[str, E, bytes | None]:
            entry, data = reading.result()
            return key, entry, data

        return read

    def _send_next(self) -> Future[bytes] | None:
        """Give the first waiting lesson or quiz to a worker with room for it, if any. Called by
        the feeder, with its lock held."""
        if not (self.submit and self.waiting and self.waiting[0].send(self.submit, self.folder)):
            return None
        reading = self.waiting.popleft()
        self.sent.append(reading)
        return reading.future

    def settle(self) -> None:
        """Read the files still waiting, here and on the workers: this process takes them
        from the last, the workers from the first. Between two, it takes in what the workers
        have finished, so little is left to take in once the last file is read."""
        while True:
            self.feeder.send()
            self._take_finished()
            with self.feeder.lock:
                if not self.waiting:
                    return
                reading = self.waiting.pop()
            self._read_here(reading)

    def _take_finished(self) -> None:
        with self.feeder.lock:
            finished = [r for r in self.sent if r.future is not None and r.future.done()]
            self.sent = [r for r in self.sent if r not in finished]
        for reading in finished:
            reading.take()

    def _read_here(self, reading: _Reading[Any]) -> None:
        """Read a file in this process, and store it (pickled, as a worker would) when it can
        be kept; the pickle also gives the workers their share of the course. When workers
        render (`keep_pickled`), the lesson kept here is the one its pickle holds: its tokens
        wait packed, as those of the lessons the workers read."""
        entry = reading.read_here()
        if entry.keepable and (self.folder is not None or self.keep_pickled):
            reading.data = pickled_and_stored(entry, self.folder, reading.key)
            if self.keep_pickled and isinstance(entry, Entry):
                reading.entry = pickle.loads(reading.data)

    def _use(self, key: str, entry: E, data: bytes | None, diags: Diagnostics) -> E:
        """Take `entry` (pickled as `data` when it was) into this run."""
        diags.items += entry.reported
        if not entry.keepable:
            return entry
        if isinstance(entry, Entry):
            self._remember_lesson(entry, data)
        elif entry.findings is not None and entry.quiz is not None:
            from builders.quality.course_rules import remember_quiz

            remember_quiz(entry.quiz, entry.languages, entry.findings)
        self.used[key] = keep(_memory, key, entry, MEMORY_LIMIT)
        return entry

    def _remember_lesson(self, entry: Entry, data: bytes | None) -> None:
        """Hand what was found in a lesson to the quality gate, and keep its pickle."""
        if data is not None and entry.lesson is not None and self.keep_pickled:
            _came_pickled(entry.lesson, data)
        if entry.findings is not None and entry.figures is not None and entry.lesson is not None:
            from builders.quality.language_rules import remember
            from builders.quality.readability import remember_measure

            remember(entry.lesson, entry.findings)
            remember_measure(entry.lesson, entry.figures)

    def _from_disk(self, key: str, kind: type[E]) -> tuple[E, bytes] | None:
        if self.folder is None:
            return None
        try:
            data = verified((self.folder / f"{key}.pickle").read_bytes())
            if data is None:  # not signed with this machine's key: never unpickled
                return None
            entry = pickle.loads(data)
        except Exception:  # missing, truncated or from another version: read again
            return None
        return (entry, data) if isinstance(entry, kind) else None

    def drop_unused(self) -> None:
        """Remove the stored entries this run did not use (after a run without errors)."""
        if self.folder is None:
            return
        try:
            for stale in self.folder.glob("*.pickle"):
                if stale.stem not in self.used:
                    stale.unlink(missing_ok=True)
        except OSError:
            return
