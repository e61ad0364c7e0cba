"""Lessons as Jupyter notebooks and back: the lesson's own Markdown in cells, answer cells after
each activity, the quiz as a self-check section; importing keeps only the lesson's cells."""

from __future__ import annotations

import re
from typing import Any

from builders.diagnostics import Diagnostic, SourceLoc
from builders.load.lesson import split_front_matter
from builders.locales import UI
from builders.model import AUDIENCES, LANG_CODE, SLUG, Course, Lesson, Module
from builders.render.html import HtmlFragments, PageState
from builders.render.quiz_view import question_views

NBFORMAT, NBFORMAT_MINOR = 4, 5
TAG_LESSON, TAG_ANSWER, TAG_QUIZ, TAG_TITLE = "e4j-lesson", "e4j-answer", "e4j-quiz", "e4j-title"
SECTION = re.compile(r"^## ")
MAX_NOTEBOOK_BYTES = 50_000_000  # an edited lesson with outputs; not read past this to import
ACTIVITY_OPEN = re.compile(r"^:::\s*(activity|case-study|discussion)\b")
CONTAINER_CLOSE = re.compile(r"^:::\s*$")


def split_body(body: str) -> list[tuple[str, bool]]:
    """The body cut at each `## ` section; (segment, answer cell follows) pairs.

    An answer cell follows each activity, case study and discussion, so learners write under
    the task. Segments keep their text exactly; only the blank lines between them are
    normalised on import.
    """
    segments: list[tuple[str, bool]] = []
    current: list[str] = []
    in_task = False
    for line in body.splitlines(keepends=True):
        if SECTION.match(line) and current and not in_task:
            segments.append(("".join(current), False))
            current = []
        current.append(line)
        if ACTIVITY_OPEN.match(line):
            in_task = True
        elif in_task and CONTAINER_CLOSE.match(line):
            in_task = False
            segments.append(("".join(current), True))
            current = []
    if current:
        segments.append(("".join(current), False))
    return [(text, answer) for text, answer in segments if text.strip()]


def _cell(kind: str, source: str, ident: str, tags: list[str]) -> dict[str, Any]:
    cell: dict[str, Any] = {
        "cell_type": kind,
        "id": ident,
        "metadata": {"tags": tags},
        "source": source,
    }
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def lesson_notebook(course: Course, module: Module, lesson: Lesson) -> dict[str, Any]:
    """The notebook of a lesson (nbformat 4.5 as plain data, with deterministic cell ids)."""
    ui = UI(lesson.lang)
    parts = split_front_matter(lesson.source)
    front, body = (parts[0], parts[2]) if parts else ("", lesson.source)
    prefix = f"{module.id}-{lesson.audience}-{lesson.lang}"
    cells = [
        _cell(
            "markdown",
            f"# {lesson.title}\n\n*{module.title.get(lesson.lang)} · "
            f"{ui('audience.' + lesson.audience)} · {ui('minutes', n=lesson.duration)}*\n\n"
            f"**{ui('learning_outcomes')}**\n\n"
            + "".join(f"- {o.text}\n" for o in lesson.outcomes),
            f"{prefix}-title",
            [TAG_TITLE],
        )
    ]
    for number, (segment, answer) in enumerate(split_body(body), start=1):
        cells.append(
            _cell("markdown", segment.strip("\n") + "\n", f"{prefix}-{number:03d}", [TAG_LESSON])
        )
        if answer:
            cells.append(
                _cell(
                    "markdown",
                    f"*{ui('write_answer')}…*\n",
                    f"{prefix}-{number:03d}-answer",
                    [TAG_ANSWER],
                )
            )
    quiz = module.quiz(lesson.audience)
    if quiz:
        cells += _quiz_cells(course, module, lesson, prefix)
    return {
        "nbformat": NBFORMAT,
        "nbformat_minor": NBFORMAT_MINOR,
        "metadata": {
            "language_info": {"name": "markdown"},
            "e4j": {
                "module": module.id,
                "audience": lesson.audience,
                "lang": lesson.lang,
                "path": lesson.path,
                "paragraphs": list(lesson.paragraphs),
                "front_matter": front,
                "licence": module.licence,
            },
        },
        "cells": cells,
    }


def _quiz_cells(course: Course, module: Module, lesson: Lesson, prefix: str) -> list[dict]:
    ui = UI(lesson.lang)
    quiz = module.quiz(lesson.audience)
    assert quiz is not None
    frags = HtmlFragments(course, PageState(lesson.lang, module.id, "media", self_contained=True))
    views = question_views(quiz, frags, lesson.lang)
    cells = [
        _cell(
            "markdown",
            f"## {quiz.title.get(lesson.lang)}\n\n{ui('pass_mark', n=quiz.pass_mark)}\n",
            f"{prefix}-quiz",
            [TAG_QUIZ],
        )
    ]
    for view, question in zip(views, quiz.questions, strict=True):
        lines = [f"**{ui('question_n', n=view.number)}.** {view.prompt}", ""]
        if view.options and question.type in ("single", "multiple"):
            lines += [f"- {option['html']}" for option in view.options]
        elif question.type == "truefalse":
            lines += [f"- {ui('answer_true')}", f"- {ui('answer_false')}"]
        elif question.type == "matching":
            lines += [f"- {premise} → …" for premise in view.premises]
        answer = _answer_text(ui, view, question)
        lines += [
            "",
            f"<details><summary>{ui('correct_answer')}</summary>\n\n{answer}\n\n</details>",
        ]
        cells.append(
            _cell(
                "markdown", "\n".join(lines) + "\n", f"{prefix}-quiz-{view.number:02d}", [TAG_QUIZ]
            )
        )
    return cells


def _answer_text(ui: UI, view: Any, question: Any) -> str:
    if question.type in ("single", "multiple"):
        return "<br>".join(
            f"{'✓' if o['correct'] else '✗'} {o['html']} — {o['feedback']}" for o in view.options
        )
    if question.type == "truefalse":
        feedback = view.feedback_true if view.answer == "true" else view.feedback_false
        return f"{ui('answer_' + view.answer)} — {feedback}"
    if question.type == "short":
        return f"{' · '.join(view.accepted)} — {view.feedback_correct}"
    if question.type == "numerical":
        return f"{view.answer} — {view.feedback_correct}"
    if question.type == "matching":
        return "<br>".join(f"{pair['premise']} → {pair['match']}" for pair in view.options)
    return str(view.feedback or ui("essay_submitted"))


class NotebookError(ValueError):
    """A notebook that cannot become a lesson; carries a located diagnostic."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


def notebook_lesson(notebook: Any, path: str) -> tuple[str, str]:
    """(lesson path, lesson file text) from a notebook this module exported, edited or not."""
    metadata = notebook.get("metadata") if isinstance(notebook, dict) else None
    meta = metadata.get("e4j") if isinstance(metadata, dict) else None
    if not isinstance(meta, dict) or not isinstance(meta.get("path"), str) \
            or not isinstance(meta.get("front_matter"), str):
        raise _not_ours(path, "the notebook has no e4j lesson metadata")
    lesson_path = meta["path"]
    parts = re.fullmatch(r"modules/([^/]+)/([^/.]+)\.([^/.]+)\.md", lesson_path)
    if not parts or not SLUG.match(parts[1]) or parts[2] not in AUDIENCES \
            or not LANG_CODE.match(parts[3]):
        raise _not_ours(path, f"unexpected lesson path '{lesson_path}'")
    cells = notebook.get("cells", [])
    if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
        raise _not_ours(path, "the notebook's cells are not a list of cells", "notebook.cells")
    segments = []
    for number, cell in enumerate(cells, start=1):
        cell_meta = cell.get("metadata", {})
        tags = cell_meta.get("tags", []) if isinstance(cell_meta, dict) else []
        if cell.get("cell_type") == "markdown" and isinstance(tags, list) and TAG_LESSON in tags:
            source = cell.get("source", "")
            if isinstance(source, list) and all(isinstance(line, str) for line in source):
                source = "".join(source)
            if not isinstance(source, str):
                raise _not_ours(path, f"cell {number} has no text as its source", "notebook.cells")
            segments.append(source.strip("\n") + "\n")
    body = "\n".join(segments)
    return lesson_path, f"---\n{meta['front_matter']}---\n\n{body}"


def _not_ours(path: str, problem: str, code: str = "notebook.metadata") -> NotebookError:
    return NotebookError(Diagnostic("error", code, problem, SourceLoc(path, 1, 1),
                                    "import notebooks that `e4j build --format notebook` made"))
