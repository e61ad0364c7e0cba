"""The offline, accessible HTML edition: learner and teacher pages per language and audience."""

from __future__ import annotations

from importlib import resources
from typing import Any

from markupsafe import Markup

from builders.formats.base import Artifact, Builder, Job
from builders.locales import UI
from builders.model import AUDIENCES, Course, Lesson, Module
from builders.render.html import HtmlFragments, PageState, paragraph_anchor
from builders.render.quiz_view import question_views, quiz_json
from builders.render.templates import template_env

STATIC_FILES = ("e4j.css", "quiz.js")
RESERVED_IDS = ("main", "outcomes", "class-plan", "quiz", "quiz-title", "glossary", "sources")


def lesson_path(lang: str, audience: str, module_id: str, teacher: bool) -> str:
    """Where a lesson page lives inside exports/html/."""
    return f"{lang}/{audience}/{'teacher/' if teacher else ''}{module_id}.html"


class HtmlBuilder(Builder):
    name = "html"
    description = "offline HTML edition (learner and teacher pages), opens from file://"

    def plan(self, course: Course) -> list[Job]:
        jobs = [Job("assets", ()), Job("home", (repr(course.title), repr(course.editions())))]
        for module in course.modules:
            if module.assets:
                jobs.append(
                    Job(
                        f"media:{module.id}",
                        tuple(a.digest for a in module.assets),
                        module=module.id,
                    )
                )
        shared = (course.sources.digest, course.glossary.digest)
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
                quiz = module.quiz(audience)
                inputs = (
                    *shared,
                    module.meta_digest,
                    lesson.digest,
                    quiz.digest if quiz else "",
                    *(a.digest for a in module.assets if a.path in lesson.images),
                )
                jobs.append(
                    Job(
                        f"lesson:{module.id}/{audience}/{lang}",
                        inputs,
                        lang=lang,
                        audience=audience,
                        module=module.id,
                    )
                )
        return jobs

    def render(self, course: Course, job: Job) -> Artifact:
        kind, _, rest = job.key.partition(":")
        if kind == "assets":
            folder = resources.files("builders") / "static"
            return {f"assets/{name}": (folder / name).read_bytes() for name in STATIC_FILES}
        if kind == "home":
            return {"index.html": _page("home.html.j2", course, course.languages[0], "", {})}
        if kind == "media":
            module = course.module(rest)
            assert module is not None
            return {f"media/{module.id}/{a.path}": a.data for a in module.assets}
        if kind == "edition":
            lang, audience = rest.split("/")
            return {f"{lang}/{audience}/index.html": _edition(course, lang, audience)}
        module_id, audience, lang = rest.split("/")
        module = course.module(module_id)
        assert module is not None
        lesson = module.lesson(audience, lang)
        assert lesson is not None
        return {
            lesson_path(lang, audience, module_id, teacher): _lesson(
                course, module, lesson, teacher
            )
            for teacher in (False, True)
        }


def _page(template: str, course: Course, lang: str, root: str, context: dict[str, Any]) -> bytes:
    ui = UI(lang)
    html = (
        template_env("html")
        .get_template(template)
        .render(
            course=course,
            lang=lang,
            root=root,
            ui=ui,
            audiences=AUDIENCES,
            lesson_path=lesson_path,
            **context,
        )
    )
    return html.encode("utf-8")


def _edition(course: Course, lang: str, audience: str) -> bytes:
    entries = [
        {"module": module, "lesson": lesson}
        for module, lesson in course.lessons_for(lang, audience)
    ]
    return _page(
        "edition.html.j2", course, lang, "../../", {"audience": audience, "entries": entries}
    )


def _lesson(course: Course, module: Module, lesson: Lesson, teacher: bool) -> bytes:
    root = "../../../" if teacher else "../../"
    state = PageState(lesson.lang, module.id, media_prefix=f"{root}media")
    state.ids.update(RESERVED_IDS)
    frags = HtmlFragments(course, state)
    body = Markup(frags.lesson_body(lesson, teacher))
    quiz = module.quiz(lesson.audience)
    views = question_views(quiz, frags, lesson.lang) if quiz else []
    for view in views:
        for ident in view.paragraphs:
            state.cited[ident] = None
    for ident in lesson.paragraphs:
        state.cited[ident] = None
    terms = [course.glossary.by_id[t] for t in state.terms if t in course.glossary.by_id]
    terms.sort(key=lambda t: t.term.get(lesson.lang).casefold())
    definitions = {t.id: Markup(frags.inline(t.definition.get(lesson.lang))) for t in terms}
    cited = sorted(state.cited, key=course.sources.order)
    context = {
        "module": module,
        "lesson": lesson,
        "teacher": teacher,
        "body": body,
        "quiz": quiz,
        "questions": views,
        "quiz_data": quiz_json(views, quiz.pass_mark) if quiz and not teacher else "",
        "terms": terms,
        "definitions": definitions,
        "cited": [course.sources.by_id[i] for i in cited if i in course.sources.by_id],
        "anchor": paragraph_anchor,
        "outcomes": {o.id: o.text for o in lesson.outcomes},
        "other_langs": [
            lang
            for lang in course.languages
            if lang != lesson.lang and module.lesson(lesson.audience, lang)
        ],
    }
    return _page("lesson.html.j2", course, lesson.lang, root, context)
