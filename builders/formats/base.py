"""The seam every output format plugs into: a builder plans jobs and renders each to bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from builders.diagnostics import Diagnostic
from builders.model import Course, Lesson, Module

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
    hands_over: ClassVar[bool] = False  # its course-wide jobs take what `handoff` gives

    def __init__(self, **options: str) -> None:
        """Options a format understands (e.g. paper="letter" for PDFs); others are ignored."""
        self.options = options
        # What this format's jobs made that its course-wide jobs reuse (see `handoff`).
        self.handed: dict[Any, Any] = {}

    def plan(self, course: Course) -> list[Job]:
        raise NotImplementedError

    def render(self, course: Course, job: Job) -> Artifact:
        raise NotImplementedError

    def warm_up(self) -> None:
        """Import and set up what rendering needs, ahead of the first job (a worker process
        does it while the parent loads the course)."""

    def handoff(self) -> dict[Any, Any]:
        """What the jobs rendered in this process since the last call made that this format's
        course-wide jobs reuse (e.g. lesson pages); a worker process sends it to the parent,
        where course-wide jobs render, and forgets it."""
        handed, self.handed = self.handed, {}
        return handed

    def receive(self, parts: dict[Any, Any]) -> None:
        """Keep what a worker's jobs handed over (see `handoff`) for the course-wide jobs."""
        self.handed |= parts

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


def lesson_inputs(module: Module, lesson: Lesson) -> tuple[str, ...]:
    """What a lesson's outputs depend on: module metadata, the lesson, its quiz, module files."""
    quiz = module.quiz(lesson.audience)
    return (
        module.meta_digest,
        lesson.digest,
        quiz.digest if quiz else "",
        *(asset.digest for asset in module.assets),
    )


def lesson_job(module: Module, lesson: Lesson, shared: tuple[str, ...]) -> Job:
    """The job `<module>/<audience>/<lang>` of one lesson."""
    return Job(
        f"{module.id}/{lesson.audience}/{lesson.lang}",
        (*shared, *lesson_inputs(module, lesson)),
        lang=lesson.lang,
        audience=lesson.audience,
        module=module.id,
    )


def lesson_of(course: Course, job: Job) -> tuple[Module, Lesson]:
    """The module and lesson a `lesson_job` stands for."""
    module_id, audience, lang = job.key.split(":")[-1].split("/")
    module = course.module(module_id)
    lesson = module.lesson(audience, lang) if module else None
    if module is None or lesson is None:
        raise KeyError(f"no lesson for job {job.key}")
    return module, lesson
