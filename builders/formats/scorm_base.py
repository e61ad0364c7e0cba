"""What both SCORM builders share: the package plan and the zip; only the manifest differs."""

from __future__ import annotations

from typing import ClassVar

from builders.formats.base import Artifact, Builder, Job, lesson_inputs, lesson_job
from builders.model import Course, Lesson, Module
from builders.package import zip_bytes
from builders.scorm.content import (
    Metadata,
    PackageContent,
    package_content,
    package_metadata,
    page_key,
)

COURSE = "course"


def package_name(scope: str, audience: str, lang: str, fmt: str) -> str:
    """e4j-root-causes-secondary-fr-scorm12.zip (ASCII: ids are slugs, langs are codes)."""
    return f"e4j-{scope}-{audience}-{lang}-{fmt}.zip"


class ScormBuilder(Builder):
    scorm: ClassVar[str]
    # `handed`: the page of a one-lesson package waits there for the course package of its
    # edition, which holds the same page: rendered once, and no longer kept once that one takes
    # it.
    hands_over = True

    def manifest(self, meta: Metadata, content: PackageContent, title: str) -> bytes:
        raise NotImplementedError

    def plan(self, course: Course) -> list[Job]:
        jobs = []
        shared = (course.sources.digest, course.glossary.digest, repr(course.title))
        for lang, audience in course.editions():
            pairs = course.lessons_for(lang, audience)
            digests = [d for module, lesson in pairs for d in lesson_inputs(module, lesson)]
            jobs += [lesson_job(module, lesson, shared) for module, lesson in pairs]
            jobs.append(
                Job(
                    f"{COURSE}/{audience}/{lang}", (*shared, *digests), lang=lang, audience=audience
                )
            )
        return jobs

    def render(self, course: Course, job: Job) -> Artifact:
        scope, audience, lang = job.key.split("/")
        pairs: list[tuple[Module, Lesson]] = course.lessons_for(
            lang, audience, None if scope == COURSE else scope
        )
        identifier = f"E4J-{scope}-{audience}-{lang}-{self.name}"
        meta = package_metadata(course, pairs, identifier, whole_course=scope == COURSE)
        if scope == COURSE:
            content = package_content(course, pairs, self.scorm, self.handed)
        else:
            content = package_content(course, pairs, self.scorm)
            for module, lesson in pairs:
                self.handed[page_key(course, module, lesson)] = content.files[
                    f"{module.id}/index.html"
                ]
        files = dict(content.files)
        files["imsmanifest.xml"] = self.manifest(meta, content, meta.title)
        return {
            package_name(scope, audience, lang, self.name): zip_bytes(files, ("imsmanifest.xml",))
        }
