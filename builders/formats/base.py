"""The seam every output format plugs into: a builder plans jobs and renders each to bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from builders.diagnostics import Diagnostic
from builders.model import Course

Artifact = dict[str, bytes]  # relative POSIX path inside the format's folder -> file content


@dataclass(frozen=True)
class Job:
    """One independent piece of a format's output and the digests it depends on.

    `lang`, `audience` and `module` say what the job belongs to (None: shared by all), so a
    build limited with --lang/--audience/--module runs only the jobs it asked for.
    """

    key: str
    inputs: tuple[str, ...]
    lang: str | None = None
    audience: str | None = None
    module: str | None = None


class Builder:
    """Base class of every format: `name` is the CLI name, `build` gives the whole artifact."""

    name: ClassVar[str]
    description: ClassVar[str]

    def __init__(self, **options: str) -> None:
        """Options a format understands (e.g. paper="letter" for PDFs); others are ignored."""
        self.options = options

    def plan(self, course: Course) -> list[Job]:
        raise NotImplementedError

    def render(self, course: Course, job: Job) -> Artifact:
        raise NotImplementedError

    def warnings(self, course: Course) -> list[Diagnostic]:
        """What this format cannot carry of the course (shown after a build; never fatal)."""
        return []

    def build(self, course: Course) -> Artifact:
        """Every job's files together (what tests and golden files compare)."""
        artifact: Artifact = {}
        for job in self.plan(course):
            for path, data in self.render(course, job).items():
                if path in artifact:
                    raise ValueError(f"{self.name}: two jobs write {path}")
                artifact[path] = data
        return artifact
