"""Typst failures that come from a lesson's content, not from the builders, as diagnostics that
say where the content is and what to change."""

from __future__ import annotations

import re

from builders.diagnostics import CourseError, Diagnostic, SourceLoc
from builders.load.control_chars import describe, spelled
from builders.model import Lesson, Quiz
from builders.render.print_docs import PrintDoc

# Typst's PDF/UA check: `the text "…" could not be displayed with font "…"`.
NO_GLYPH = re.compile(r'the text `"(?P<text>(?:[^"\\]|\\.)*)"` could not be displayed with font '
                      r'`"(?P<font>[^"]*)"`')
TYPST_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}|\\(.)")
ESCAPED = {"n": "\n", "t": "\t", "r": "\r"}


def typst_source_error(error: Exception, lesson: Lesson, doc: PrintDoc,
                       quiz: Quiz | None) -> CourseError | None:
    """The source problem behind a Typst failure, or None when the failure is not one."""
    message = str(error)
    if (found := NO_GLYPH.search(message)) is not None:
        return _no_glyph(_unescape(found["text"]), found["font"], lesson, quiz)
    if doc.images and "image" in message.lower():
        return _unreadable_image(lesson, doc, message)
    return None


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        if match[1]:
            return chr(int(match[1], 16))
        return ESCAPED.get(match[2], match[2])

    return TYPST_ESCAPE.sub(one, text)


def _no_glyph(text: str, font: str, lesson: Lesson, quiz: Quiz | None) -> CourseError:
    """Text the print fonts have no glyph for (an emoji, a script they do not cover): PDF/UA
    forbids printing it as empty boxes."""
    shown = ", ".join(f"'{char}' {describe(char)}" for char in dict.fromkeys(text)
                      if not char.isspace())
    return CourseError([Diagnostic(
        "error",
        "pdf.no-glyph",
        f"the print edition's fonts ({font} and Typst's other built-in fonts) cannot show "
        f"{shown}: the PDFs of this lesson cannot be made",
        _where(text, lesson, quiz),
        "write it in words or leave it out (the HTML and LMS editions show it; build them alone "
        "with --format to go on meanwhile)",
    )])


def _where(text: str, lesson: Lesson, quiz: Quiz | None) -> SourceLoc:
    """The first place of `text` (or of its first character), as itself or as a character
    reference, in the lesson file; else the quiz question that holds it."""
    written = spelled(lesson.source, text)
    if not written and text.strip():
        text = text.strip()[0]
        written = spelled(lesson.source, text)
    if written:
        return SourceLoc.of_index(lesson.path, lesson.source, lesson.source.find(written))
    for question in quiz.questions if quiz else ():
        if any(spelled(value.get(lesson.lang), text) for _name, value in question.texts()):
            return question.loc
    return lesson.loc


def _unreadable_image(lesson: Lesson, doc: PrintDoc, message: str) -> CourseError:
    """A module image Typst cannot decode (its first bytes looked right): a source problem."""
    return CourseError([Diagnostic(
        "error",
        "lesson.image-unreadable",
        f"an image of this lesson cannot be typeset: {message}",
        SourceLoc(lesson.path, 1, 1),
        f"open and save again {', '.join(sorted(set(doc.images.values())))} (PNG, JPEG, GIF, "
        "WebP or SVG); a damaged or cut-off file is the usual cause",
    )])
