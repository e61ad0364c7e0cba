"""Rules on the words of a lesson: reading level, age safety, victim-blaming, terminology,
link text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

from builders.diagnostics import Diagnostic, SourceLoc
from builders.load.markdown import body_line
from builders.memo import keep
from builders.model import Course, Lesson
from builders.quality.prose import Block, text_blocks
from builders.quality.readability import FORMULA_NAME, measure_lesson
from builders.quality.wordlists import (
    TextWords,
    blaming_phrases,
    may_occur,
    pattern_if_present,
    phrase_pattern,
    phrases_for,
    terminology,
    text_words,
)
from builders.shipped_data import shipped_yaml

MIN_WORDS_MEASURED = 100
MEMO_LIMIT = 10_000  # lessons whose findings are kept
SAFETY_AUDIENCES = ("primary", "secondary")


@lru_cache(maxsize=1)
def bands() -> dict[str, Any]:
    text = (resources.files("builders.quality") / "data" / "bands.yaml").read_text("utf-8")
    return shipped_yaml(text)


def check(course: Course) -> Iterator[Diagnostic]:
    yield from _unchecked_languages(course)
    for module in course.modules:
        for lesson in module.lessons:
            yield from lesson_findings(lesson)


_FOUND: dict[tuple[str, str, str, str], list[Diagnostic]] = {}


def lesson_key(lesson: Lesson) -> tuple[str, str, str, str]:
    return (lesson.path, lesson.digest, lesson.lang, lesson.audience)


def lesson_findings(lesson: Lesson) -> list[Diagnostic]:
    """What the rules on words find in one lesson; found once per version of the lesson (the
    loader's cache can hand over what an earlier run found, see `remember`)."""
    key = lesson_key(lesson)
    if key in _FOUND:
        return _FOUND[key]
    learner = list(text_blocks(lesson, keep_terms=True))
    everything = list(text_blocks(lesson, teacher=True, keep_terms=True))
    # The words of all the text, learner's and teacher's: the quick first test of both checks
    # below (more words can only make it say yes wrongly, never no).
    words = text_words("\n".join(b.text for b in everything))
    findings = [*_reading_level(lesson), *_age_safety(lesson, learner, words),
                *_phrases(lesson, everything, words), *_link_text(lesson), *_tables(lesson)]
    return keep(_FOUND, key, findings, MEMO_LIMIT)


def remember(lesson: Lesson, findings: list[Diagnostic]) -> None:
    _FOUND[lesson_key(lesson)] = findings


def _unchecked_languages(course: Course) -> Iterator[Diagnostic]:
    """A course language the word lists and reading bands do not cover is checked for less."""
    for lang in course.languages:
        if not phrases_for("trusted_adult", lang):
            yield Diagnostic(
                "warning",
                "quality.unchecked-language",
                f"the quality gate has no word lists or reading bands for '{lang}': age safety, "
                "victim-blaming, trusted adult, terminology and reading level go unchecked",
                SourceLoc("modules/course.yaml", 1, 1),
                f"add '{lang}' lists to builders/quality/data/wordlists.yaml and bands to "
                "bands.yaml (docs/adding-a-language.md), or have a reviewer read every lesson",
            )


def _reading_level(lesson: Lesson) -> Iterator[Diagnostic]:
    band = bands().get(lesson.audience, {})
    figures = measure_lesson(lesson)
    if figures.words < MIN_WORDS_MEASURED or lesson.lang not in band:
        return
    where = SourceLoc(lesson.path, 1, 1)
    limits = band[lesson.lang]
    low, high = limits["ease"]
    if not low <= figures.ease <= high:
        yield Diagnostic(
            "warning",
            "reading.level",
            f"{FORMULA_NAME.get(lesson.lang, 'reading ease')} is {figures.ease:g}; "
            f"the {lesson.audience} band is {low}–{high}",
            where,
            "shorter sentences and everyday words make it easier"
            if figures.ease < low
            else "the text may be too simple for this audience",
        )
    if "grade" in limits and figures.grade is not None:
        low, high = limits["grade"]
        if not low <= figures.grade <= high:
            yield Diagnostic(
                "warning",
                "reading.level",
                f"Flesch–Kincaid grade is {figures.grade:g}; the {lesson.audience} band is "
                f"{low}–{high}",
                where,
            )
    limit = band.get("words_per_sentence")
    if limit and figures.words_per_sentence > limit:
        yield Diagnostic(
            "warning",
            "reading.sentence-length",
            f"sentences average {figures.words_per_sentence:.1f} words; "
            f"{lesson.audience} lessons keep to {limit}",
            where,
            "split long sentences",
        )


def _age_safety(lesson: Lesson, blocks: list[Block], words: TextWords
                ) -> Iterator[Diagnostic]:
    avoid = pattern_if_present(phrases_for("age", lesson.audience, lesson.lang), words)
    if avoid:
        for block in blocks:
            for match in avoid.finditer(block.text):
                line, col = block.locate(phrase_pattern((match[0],)) or avoid)
                yield Diagnostic(
                    "warning",
                    "safety.age-term",
                    f"'{match[0]}' is not for {lesson.audience} learner text",
                    SourceLoc(lesson.path, line, col),
                    "say it without graphic, sexual or fear-based words, or move it to a "
                    "teacher note",
                )
    if lesson.audience not in SAFETY_AUDIENCES:
        return
    trusted = phrase_pattern(phrases_for("trusted_adult", lesson.lang))
    text = " ".join(b.raw for b in blocks)
    if trusted and not trusted.search(text):
        yield Diagnostic(
            "warning",
            "safety.trusted-adult",
            "the lesson never names a trusted adult learners can talk to",
            SourceLoc(lesson.path, 1, 1),
            "say who to talk to, e.g. [[trusted-adult]], a teacher or the school counsellor",
        )
    if not any(t.type == "container_local-help_open" for t in lesson.tokens):
        yield Diagnostic(
            "warning",
            "safety.local-help",
            "the lesson has no '::: local-help' box saying where help is found",
            SourceLoc(lesson.path, 1, 1),
            "end the lesson with a ::: local-help container",
        )


def _phrases(lesson: Lesson, blocks: list[Block], words: TextWords) -> Iterator[Diagnostic]:
    every_term, rules = terminology(lesson.lang)
    blaming = may_occur(phrases_for("victim_blaming", lesson.lang), words)
    any_term = pattern_if_present(every_term, words)
    for block in blocks if blaming or any_term else ():
        for match in blaming_phrases(block.text, lesson.lang) if blaming else ():
            line, col = block.locate(re.compile(re.escape(match[0])))
            yield Diagnostic(
                "warning",
                "safety.victim-blaming",
                f"'{match[0]}' blames the person harmed",
                SourceLoc(lesson.path, line, col),
                "describe the circumstances and the people who exploit, not the person's "
                "choices or character",
            )
        if any_term is None or not any_term.search(block.text):
            continue
        for pattern, prefer in rules:
            for match in pattern.finditer(block.text):
                line, col = block.locate(phrase_pattern((match[0],)) or pattern)
                yield Diagnostic(
                    "warning",
                    "term.preferred",
                    f"'{match[0]}': write '{prefer}'",
                    SourceLoc(lesson.path, line, col),
                )


def _link_text(lesson: Lesson) -> Iterator[Diagnostic]:
    vague = {p.casefold() for p in phrases_for("vague_links", lesson.lang)}
    for token in lesson.tokens:
        if token.type != "inline":
            continue
        children = token.children or []
        for position, child in enumerate(children):
            if child.type != "link_open":
                continue
            words = []
            for follower in children[position + 1 :]:
                if follower.type == "link_close":
                    break
                words.append(follower.content)
            label = " ".join("".join(words).split()).casefold().strip(" .:")
            if label in vague or not label:
                line = body_line(token, lesson.body_offset)
                yield Diagnostic(
                    "warning",
                    "a11y.link-text",
                    f"link text '{label}' says nothing out of context" if label else
                    "this link has no text: a screen reader announces only 'link'",
                    SourceLoc(lesson.path, line, 1),
                    "name where the link goes, e.g. 'the ILO fair recruitment guidelines'",
                )


def _tables(lesson: Lesson) -> Iterator[Diagnostic]:
    tokens = lesson.tokens
    for index, token in enumerate(tokens):
        if token.type != "thead_open":
            continue
        header = []
        for follower in tokens[index + 1 :]:
            if follower.type == "thead_close":
                break
            if follower.type == "inline":
                header.append(follower.content.strip())
        if not any(header):
            line = body_line(token, lesson.body_offset)
            yield Diagnostic(
                "warning",
                "a11y.table-header",
                "the table's header row is empty",
                SourceLoc(lesson.path, line, 1),
                "name each column in the first row",
            )
