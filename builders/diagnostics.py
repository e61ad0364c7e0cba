"""Source locations, diagnostics and the collector that gathers every finding of a run."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Level = Literal["error", "warning", "note"]  # notes inform and never fail a build


@dataclass(frozen=True, order=True)
class SourceLoc:
    """A position in a source file: path relative to the project root, 1-based line and column."""

    path: str
    line: int = 1
    col: int = 1

    @classmethod
    def of_index(cls, path: str, text: str, index: int, line_offset: int = 0) -> SourceLoc:
        """Where character `index` of `text` stands, `text` starting `line_offset` lines into
        the file."""
        line = text.count("\n", 0, index) + 1 + line_offset
        return cls(path, line, index - (text.rfind("\n", 0, index) + 1) + 1)

    @classmethod
    def of_byte(cls, path: str, data: bytes, index: int) -> SourceLoc:
        """Where byte `index` of `data` stands, `data` being UTF-8 up to there (where a decoder
        stopped, say)."""
        before = data[:index].decode("utf-8", "replace")
        return cls.of_index(path, before, len(before))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


CONTROL_SHOWN = {code: f"\\x{code:02x}" for code in (*range(32), *range(127, 160))}


def printable(text: str) -> str:
    """`text` on one line, as any output can write it: control characters shown as \\x0a (a
    file name may hold a line break) and lone surrogates as \\udce9 (Python keeps the bytes of a
    file name that is not UTF-8 as such, and no output can encode them)."""
    return text.translate(CONTROL_SHOWN).encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass(frozen=True)
class Diagnostic:
    """One finding, printed as `path:line:col: level[code]: message` plus an optional hint."""

    level: Level
    code: str
    message: str
    loc: SourceLoc
    hint: str = ""

    def format(self) -> str:
        text = printable(f"{self.loc}: {self.level}[{self.code}]: {self.message}")
        if self.hint:
            text += f"\n    hint: {printable(self.hint)}"
        return text

    def sort_key(self) -> tuple[SourceLoc, str, str]:
        return (self.loc, self.code, self.message)


@dataclass
class Diagnostics:
    """Collects all diagnostics of a run so that every problem is reported at once."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, loc: SourceLoc, hint: str = "") -> None:
        self.items.append(Diagnostic("error", code, message, loc, hint))

    def note(self, code: str, message: str, loc: SourceLoc, hint: str = "") -> None:
        self.items.append(Diagnostic("note", code, message, loc, hint))

    def warning(self, code: str, message: str, loc: SourceLoc, hint: str = "") -> None:
        self.items.append(Diagnostic("warning", code, message, loc, hint))

    def error_at(self, loc: SourceLoc) -> bool:
        """Whether an error stands at `loc` already."""
        return any(d.level == "error" and d.loc == loc for d in self.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level == "warning"]

    def sorted(self) -> list[Diagnostic]:
        unique = {(d.level, d.code, d.message, d.loc, d.hint): d for d in self.items}
        return sorted(unique.values(), key=Diagnostic.sort_key)


class CourseError(Exception):
    """Raised when the sources have errors; carries every diagnostic of the run."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{len(diagnostics)} problem(s) in the course sources")
        self.diagnostics = diagnostics

    def __reduce__(self) -> tuple[type[CourseError], tuple[list[Diagnostic]]]:
        return CourseError, (self.diagnostics,)  # raised in a worker, re-raised in the parent


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest valid choice, or listing the choices when none is close."""
    options = sorted(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    listed = ", ".join(options)
    return f"use one of: {listed}" if listed else ""
