"""Whole pages of the HTML editions (also used inside packages): one place renders them."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

from markupsafe import Markup

from builders.locales import UI
from builders.model import AUDIENCES, Course, Lesson, Module
from builders.render.html import HtmlFragments, PageState, paragraph_anchor
from builders.render.quiz_view import page_question_views, quiz_json
from builders.render.templates import template_env

RESERVED_IDS = ("main", "outcomes", "class-plan", "quiz", "quiz-title", "glossary", "sources")


@dataclass(frozen=True)
class Runtime:
    """A SCORM run-time to load in a packaged page: its version and mastery score."""

    scorm: str  # "1.2" or "2004"
    mastery: int  # percent


def static_file(name: str) -> bytes:
    """A file of builders/static/ (style sheet, scripts)."""
    return (resources.files("builders") / "static" / name).read_bytes()


def branding_files(course: Course) -> dict[str, bytes]:
    """The institution's logo, published beside the style sheet of every edition."""
    branding = course.branding
    return {f"assets/{branding.logo_name}": branding.logo} if branding and branding.logo else {}


def lesson_path(lang: str, audience: str, module_id: str, teacher: bool) -> str:
    """Where a lesson page lives inside exports/html/."""
    return f"{lang}/{audience}/{'teacher/' if teacher else ''}{module_id}.html"


def render_page(
    template: str, course: Course, lang: str, root: str, context: dict[str, Any]
) -> bytes:
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


def edition_page(course: Course, lang: str, audience: str) -> bytes:
    entries = [
        {"module": module, "lesson": lesson}
        for module, lesson in course.lessons_for(lang, audience)
    ]
    return render_page(
        "edition.html.j2", course, lang, "../../", {"audience": audience, "entries": entries}
    )


def lesson_page(
    course: Course,
    module: Module,
    lesson: Lesson,
    teacher: bool,
    root: str,
    media: str,
    runtime: Runtime | None = None,
    standalone: bool = False,
    with_quiz: bool = True,
) -> bytes:
    """A lesson page; `root` leads to assets/, `media` to the module images' folder.

    With a `runtime`, the page stands alone inside a package: no links to other pages, and the
    SCORM run-time script is loaded.
    """
    state = PageState(lesson.lang, module.id, media_prefix=media)
    state.ids.update(RESERVED_IDS)
    frags = HtmlFragments(course, state)
    body = Markup(frags.lesson_body(lesson, teacher))
    quiz = module.quiz(lesson.audience) if with_quiz else None
    views = page_question_views(course, quiz, state) if quiz else []
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
        "runtime": runtime,
        "standalone": standalone or runtime is not None,
    }
    return render_page("lesson.html.j2", course, lesson.lang, root, context)
