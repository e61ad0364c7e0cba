"""Lessons parsed and checked by an earlier run, so a rebuild after editing one lesson parses and
checks only that one.

An entry holds the parsed lesson, what the loader reported about it and what the quality gate's
rules on words found in it (with its readability figures). It is found by a digest of everything
those depend on: the lesson's text, path, module, audience and language, the paragraph, glossary
and file names it is checked against, and the code of the builders. Entries live in memory (the
preview server's rebuilds) and, for a build, as files in the exports' cache folder; an entry that
cannot be read is simply parsed again. Entries not used by a run are removed after it.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from builders.diagnostics import Diagnostic, Diagnostics
from builders.load.lesson import LessonContext
from builders.memo import keep
from builders.model import Lesson

if TYPE_CHECKING:
    from builders.quality.readability import Readability

MEMORY_LIMIT = 5_000


@dataclass
class Entry:
    lesson: Lesson
    reported: list[Diagnostic]  # by the loader while reading it
    findings: list[Diagnostic] | None = None  # by the quality gate's rules on words
    figures: Readability | None = None


_memory: dict[str, Entry] = {}


class LessonCache:
    def __init__(self, folder: Path | None, code: str = ""):
        """`code`: the builders' code digest, part of every key (computed when not given)."""
        self.folder = folder
        self.used: dict[str, Entry] = {}
        self.new: set[str] = set()
        if not code:
            from builders.pipeline import code_digest

            code = code_digest()
        self.code = code

    def key(self, text: str, digest: str, path: str, module: str, audience: str, lang: str,
            ctx: LessonContext) -> str:
        parts = [self.code, digest, path, module, audience, lang, text,
                 *sorted(ctx.paragraph_ids), "|",
                 *sorted(ctx.term_ids), "|", *sorted(ctx.asset_paths), "|", *ctx.languages,
                 "|", *(f"{path}: {problem}" for path, problem in ctx.image_problems)]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def lesson(self, key: str, diags: Diagnostics, read: Callable[[], Lesson | None]
               ) -> Lesson | None:
        """The lesson stored under `key`, its diagnostics replayed, or `read()` stored."""
        entry = _memory.get(key) or self._from_disk(key)
        if entry is None:
            before = len(diags.items)
            lesson = read()
            reported = diags.items[before:]
            if lesson is None or any(d.level == "error" for d in reported):
                return lesson
            entry = Entry(lesson, reported)
            self.new.add(key)
        else:
            diags.items += entry.reported
            if entry.findings is not None and entry.figures is not None:
                from builders.quality.language_rules import remember
                from builders.quality.readability import remember_measure

                remember(entry.lesson, entry.findings)
                remember_measure(entry.lesson, entry.figures)
        self.used[key] = keep(_memory, key, entry, MEMORY_LIMIT)
        return entry.lesson

    def _from_disk(self, key: str) -> Entry | None:
        if self.folder is None:
            return None
        try:
            entry = pickle.loads((self.folder / f"{key}.pickle").read_bytes())
        except Exception:  # missing, truncated or from another version: parse again
            return None
        return entry if isinstance(entry, Entry) else None

    def save(self) -> None:
        """Store what the quality gate found with each new lesson; drop entries not used."""
        from builders.quality.language_rules import lesson_findings
        from builders.quality.readability import measure_lesson

        for key in self.new:
            entry = self.used[key]
            entry.findings = lesson_findings(entry.lesson)
            entry.figures = measure_lesson(entry.lesson)
        if self.folder is None:
            return
        from builders.write import write_file_atomic

        try:
            for key in sorted(self.new):
                data = pickle.dumps(self.used[key], protocol=pickle.HIGHEST_PROTOCOL)
                write_file_atomic(self.folder / f"{key}.pickle", data)
            for stale in self.folder.glob("*.pickle"):
                if stale.stem not in self.used:
                    stale.unlink(missing_ok=True)
        except OSError:  # a cache that cannot be written only makes the next build slower
            return
