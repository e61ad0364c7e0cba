"""Quiz questions prepared for display: HTML fragments per language plus the self-check key."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from html import unescape
from typing import Any

from markupsafe import Markup

from builders.memo import keep
from builders.model import Course, Question, Quiz
from builders.render.html import HtmlFragments, PageState

TAG = re.compile(r"<[^>]+>")


def _plain(html: str) -> str:
    return unescape(TAG.sub("", html))


def _format_number(value: float) -> str:
    return f"{value:g}"


@dataclass
class QuestionView:
    """One question in one language, ready for a template."""

    id: str
    type: str
    number: int
    points: float
    outcome: str
    paragraphs: tuple[str, ...]
    prompt: Markup
    feedback: Markup
    options: list[dict[str, Any]] = field(default_factory=list)
    premises: list[Markup] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)  # matching answers, sorted
    accepted: tuple[str, ...] = ()
    answer: str = ""
    tolerance: str = ""
    case_sensitive: bool = False
    accent_sensitive: bool = False
    feedback_true: Markup = Markup("")
    feedback_false: Markup = Markup("")
    feedback_correct: Markup = Markup("")
    feedback_incorrect: Markup = Markup("")
    marking_guide: Markup = Markup("")
    min_words: int = 0
    key: dict[str, Any] = field(default_factory=dict)  # what quiz.js needs to check answers


# Quizzes (in one language) whose views are kept for other pages: about 100 kB each. A lesson's
# learner and teacher pages are made one after the other, its package pages with the next
# formats: a course of up to about this many lessons per process shares with those too.
SHARED_LIMIT = 128
_SHARED: dict[tuple[str, str, str, bool], tuple[list[QuestionView], list[str], list[str]]] = {}


def page_question_views(course: Course, quiz: Quiz, state: PageState) -> list[QuestionView]:
    """The quiz's views for a lesson page, with the paragraphs and terms they cite added to the
    page's `state`. Every page of a lesson (learner, teacher, inside each package) shows the same
    views: they are made once, unless they show an image (its path depends on where the page
    is) or a heading (its id on the page's other headings)."""
    key = (course.digest, quiz.path, state.lang, state.self_contained)
    shared = _SHARED.get(key)
    if shared is None:
        own = replace(state, cited={}, terms={}, ids=set(state.ids), images={})
        views = question_views(quiz, HtmlFragments(course, own), state.lang)
        shared = views, list(own.cited), list(own.terms)
        if own.images or own.ids != state.ids:
            state.ids, state.heading_level = own.ids, own.heading_level
            state.images.update(own.images)
        else:
            keep(_SHARED, key, shared, SHARED_LIMIT)
    views, cited, terms = shared
    state.cited.update(dict.fromkeys(cited))
    state.terms.update(dict.fromkeys(terms))
    return views


def question_views(quiz: Quiz, frags: HtmlFragments, lang: str) -> list[QuestionView]:
    return [_view(q, n, frags, lang) for n, q in enumerate(quiz.questions, start=1)]


def _view(q: Question, number: int, frags: HtmlFragments, lang: str) -> QuestionView:
    def md(text: Any) -> Markup:
        value = text.get(lang) if text else ""
        return Markup(frags.inline(value)) if value else Markup("")

    view = QuestionView(
        id=q.id,
        type=q.type,
        number=number,
        points=q.points,
        outcome=q.outcome,
        paragraphs=q.paragraphs,
        prompt=md(q.prompt),
        feedback=md(q.feedback),
        feedback_true=md(q.feedback_true),
        feedback_false=md(q.feedback_false),
        feedback_correct=md(q.feedback_correct),
        feedback_incorrect=md(q.feedback_incorrect),
        marking_guide=Markup(frags.block(q.marking_guide.get(lang)))
        if q.marking_guide
        else Markup(""),
        min_words=q.min_words,
    )
    key: dict[str, Any] = {
        "type": q.type,
        "points": q.points,
        "outcome": q.outcome,
        "general": str(view.feedback),
    }
    if q.type in ("single", "multiple"):
        view.options = [
            {"html": md(o.text), "feedback": md(o.feedback), "correct": o.correct}
            for o in q.options
        ]
        key["correct"] = [i for i, o in enumerate(q.options) if o.correct]
        key["feedback"] = [str(o["feedback"]) for o in view.options]
    elif q.type == "truefalse":
        view.answer = "true" if q.answer else "false"
        key.update(
            answer=bool(q.answer),
            feedback_true=str(view.feedback_true),
            feedback_false=str(view.feedback_false),
        )
    elif q.type == "short":
        view.accepted = q.accepted(lang)
        view.case_sensitive, view.accent_sensitive = q.case_sensitive, q.accent_sensitive
        key.update(
            accepted=list(view.accepted),
            case_sensitive=q.case_sensitive,
            accent_sensitive=q.accent_sensitive,
        )
    elif q.type == "numerical":
        view.answer = _format_number(float(q.answer or 0))
        view.tolerance = _format_number(q.tolerance)
        key.update(answer=q.answer, tolerance=q.tolerance)
    elif q.type == "matching":
        view.premises = [md(p.premise) for p in q.pairs]
        matches = [_plain(str(md(p.match))) for p in q.pairs]
        order = sorted(range(len(matches)), key=lambda i: (matches[i].casefold(), i))
        view.choices = [{"value": i, "text": matches[i]} for i in order]
        view.options = [
            {"premise": view.premises[i], "match": matches[i]} for i in range(len(matches))
        ]
        key["pairs"] = list(range(len(matches)))
    if q.type in ("short", "numerical", "matching"):
        key.update(
            feedback_correct=str(view.feedback_correct),
            feedback_incorrect=str(view.feedback_incorrect),
        )
    if q.type == "essay":
        key["min_words"] = q.min_words
    view.key = key
    return view


def quiz_json(views: list[QuestionView], pass_mark: int) -> Markup:
    """The answer key as JSON safe to embed in a <script type="application/json"> element."""
    data = {"passMark": pass_mark, "questions": {v.id: v.key for v in views}}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
