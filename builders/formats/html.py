"""The offline, accessible HTML edition: learner and teacher pages per language and audience."""

from __future__ import annotations

from builders.formats.base import Artifact, Builder, Job, lesson_inputs, lesson_of
from builders.model import Course
from builders.render.pages import (
    branding_files,
    edition_page,
    lesson_page,
    lesson_path,
    render_page,
    static_file,
)

STATIC_FILES = ("e4j.css", "quiz.js")


class HtmlBuilder(Builder):
    name = "html"
    description = "offline HTML edition (learner and teacher pages), opens from file://"

    def plan(self, course: Course) -> list[Job]:
        home = (course.sources.digest, repr(course.title), repr(course.editions()))  # footer
        jobs = [Job("assets", ()), Job("home", home)]
        for module in course.modules:
            if shown := module.shown_assets():
                jobs.append(
                    Job(f"media:{module.id}", tuple(a.digest for a in shown), module=module.id)
                )
        shared = (course.sources.digest, course.glossary.digest, repr(course.title))
        for lang, audience in course.editions():
            pairs = course.lessons_for(lang, audience)
            jobs.append(
                Job(
                    f"edition:{lang}/{audience}",
                    (*shared, *(m.meta_digest + les.digest for m, les in pairs)),
                    lang=lang,
                    audience=audience,
                )
            )
            for module, lesson in pairs:
                jobs.append(
                    Job(
                        f"lesson:{module.id}/{audience}/{lang}",
                        (*shared, *lesson_inputs(module, lesson)),
                        lang=lang,
                        audience=audience,
                        module=module.id,
                    )
                )
        return jobs

    def render(self, course: Course, job: Job) -> Artifact:
        kind, _, rest = job.key.partition(":")
        if kind == "assets":
            return {f"assets/{name}": static_file(name) for name in STATIC_FILES} | branding_files(
                course
            )
        if kind == "home":
            return {"index.html": render_page("home.html.j2", course, course.languages[0], "", {})}
        if kind == "media":
            module = course.module(rest)
            assert module is not None
            return {f"media/{module.id}/{a.path}": a.data for a in module.shown_assets()}
        if kind == "edition":
            lang, audience = rest.split("/")
            return {f"{lang}/{audience}/index.html": edition_page(course, lang, audience)}
        module, lesson = lesson_of(course, job)
        pages = {}
        for teacher in (False, True):
            root = "../../../" if teacher else "../../"
            pages[lesson_path(lesson.lang, lesson.audience, module.id, teacher)] = lesson_page(
                course, module, lesson, teacher, root=root, media=f"{root}media"
            )
        return pages
