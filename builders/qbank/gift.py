"""Quizzes in GIFT, Moodle's text format for questions: what it can express, escaped properly,
and a list of what it cannot carry."""

from __future__ import annotations

import re

from builders.diagnostics import Diagnostic
from builders.load.markdown import parsed
from builders.model import Question, Quiz
from builders.qbank.fractions import fraction_text, share
from builders.qbank.moodle_xml import literal_asterisks, short_answers
from builders.qbank.text import BankText

SPECIAL = re.compile(r"([~=#{}:\\])")
IMAGE = re.compile(r'<img [^>]*alt="([^"]*)"[^>]*>')


def _shows_image(markdown: str) -> bool:
    return any(child.type == "image" for token in parsed(markdown, False)
               for child in token.children or [])


def escape_gift(text: str) -> str:
    """Backslash before ~ = # { } : and \\ ; newlines written as \\n."""
    return SPECIAL.sub(r"\\\1", text).replace("\r\n", "\n").replace("\n", "\\n")


def _html(texts: BankText, value) -> str:
    html = IMAGE.sub(lambda m: f"[{m[1]}]", texts.html(value).html) if value else ""
    return "[html]" + escape_gift(html) if html else ""


def _feedback(texts: BankText, value) -> str:
    return f"#{_html(texts, value)}" if value else ""


def question_gift(q: Question, texts: BankText) -> str:
    """One question in GIFT, preceded by a comment naming its outcome and paragraphs."""
    paragraphs = ", ".join(f"§{p}" for p in q.paragraphs)
    lines = [f"// {q.id} – outcome {q.outcome}; {paragraphs}; {q.points:g} point(s)"]
    head = f"::{escape_gift(q.id)}::{_html(texts, q.prompt)}"
    general = f"####{_html(texts, q.feedback)}" if q.feedback else ""
    if q.type in ("single", "multiple"):
        correct = sum(o.correct for o in q.options)
        wrong = len(q.options) - correct
        body = []
        for option in q.options:
            if q.type == "single":
                mark = "=" if option.correct else "~"
            else:
                weight = share(correct) if option.correct else share(wrong, negative=True)
                mark = f"~%{fraction_text(weight)}%"
            body.append(f"\t{mark}{_html(texts, option.text)}{_feedback(texts, option.feedback)}")
        lines += [head + "{", *body, *([f"\t{general}"] if general else []), "}"]
    elif q.type == "truefalse":
        if_right, if_wrong = (
            (q.feedback_true, q.feedback_false) if q.answer else (q.feedback_false, q.feedback_true)
        )
        answer = "TRUE" if q.answer else "FALSE"
        feedback = _feedback(texts, if_wrong) + _feedback(texts, if_right)
        lines.append(f"{head}{{{answer}{feedback}{general}}}")
    elif q.type == "short":
        body = [f"\t={literal_asterisks(escape_gift(a))}{_feedback(texts, q.feedback_correct)}"
                for a in short_answers(q, texts.langs)]
        body.append(f"\t=%0%*{_feedback(texts, q.feedback_incorrect)}")
        lines += [head + "{", *body, *([f"\t{general}"] if general else []), "}"]
    elif q.type == "numerical":
        value = f"{float(q.answer or 0):g}:{q.tolerance:g}"
        lines.append(f"{head}{{#{value}{_feedback(texts, q.feedback_correct)}{general}}}")
    elif q.type == "matching":
        body = [
            f"\t={_html(texts, p.premise)} -> {escape_gift(texts.plain(p.match))}" for p in q.pairs
        ]
        lines += [head + "{", *body, *([f"\t{general}"] if general else []), "}"]
    elif q.type == "essay":
        lines.append(f"{head}{{{general}}}")
    return "\n".join(lines)


def lost_in_gift(quiz: Quiz) -> list[Diagnostic]:
    """What GIFT cannot carry, question by question (Moodle XML keeps all of it)."""
    notes = []
    for q in quiz.questions:
        lost = []
        if quiz.images and any(_shows_image(value) for _, text in q.texts()
                               for _, value in text.pairs):  # parsed only if the quiz has one
            lost.append("images (GIFT cannot embed files; their alt text is kept)")
        if q.type == "essay" and q.marking_guide:
            lost.append("the essay's marking guide")
        if q.type == "essay" and q.min_words:
            lost.append("the essay's minimum word count")
        if q.type == "matching":
            lost.append("the feedback for right and wrong matches")
        if q.type == "numerical" and q.feedback_incorrect:
            lost.append("the feedback for a wrong number")
        if q.type == "short" and q.case_sensitive:
            lost.append("case-sensitive marking")
        if lost:
            notes.append(
                Diagnostic(
                    "note",
                    "gift.lossy",
                    f"GIFT cannot carry {', '.join(lost)} of question '{q.id}'",
                    q.loc,
                    "import the Moodle XML file instead to keep everything",
                )
            )
    return notes


def quiz_gift(quiz: Quiz, texts: BankText, category: str) -> str:
    blocks = [f"$CATEGORY: {category}"]
    blocks += [question_gift(q, texts) for q in quiz.questions]
    return "\n\n".join(blocks) + "\n"
