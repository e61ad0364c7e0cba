"""Reads one quiz file: every question type, its answer key and its feedback in every language."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from builders.diagnostics import SourceLoc
from builders.load.fields import FieldReader, as_map, read_mapping, read_waivers
from builders.load.keys import (
    COMMON_KEYS,
    OPTION_KEYS,
    PAIR_KEYS,
    QUIZ_KEYS,
    TYPE_KEYS,
    names,
)
from builders.load.lesson import LessonContext, check_image, check_printable_inline
from builders.load.markdown import parsed
from builders.load.yaml import YMap, YSeq
from builders.model import (
    QUESTION_TEXTS,
    QUESTION_TYPES,
    Localized,
    MatchPair,
    Option,
    Question,
    Quiz,
)

MOODLE_MAX_SHARES = 10  # Moodle's grade options go down to 1/10 of the mark
# Every premise of a matching question lists every match (as Moodle's does): n pairs put n²
# choices on the page; 1,000 pairs made a 33 MB page and a 47-second build.
MAX_PAIRS = 50
# A question id is its idnumber in Moodle's question bank (at most 100 characters there) and its
# interaction id in SCORM.
QUESTION_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,99}$")
BY_TYPE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    kind: (names(keys, required=True), names(keys, required=False))
    for kind, keys in TYPE_KEYS.items()
}


def read_quiz_text(
    text: str, path: str, digest: str, module_id: str, audience: str, ctx: LessonContext
) -> Quiz | None:
    """Read and check one quiz file's text (no overlay adapts it)."""
    data = read_mapping(text, path, ctx.diags)
    return None if data is None else read_quiz(data, path, digest, module_id, audience, ctx)


def read_quiz(
    data: Any, path: str, digest: str, module_id: str, audience: str, ctx: LessonContext
) -> Quiz | None:
    """Check one quiz file's contents (already parsed YAML) and build the Quiz."""
    ctx = dataclasses.replace(ctx, found_images=[])
    top = as_map(data, SourceLoc(path, 1, 1), "a quiz file", ctx.diags)
    if top is None:
        return None
    fields = FieldReader(top, ctx.diags, "the quiz", ctx.languages)
    fields.check_keys(names(QUIZ_KEYS, required=True), names(QUIZ_KEYS, required=False))
    pass_mark = fields.integer("pass_mark", default=70, minimum=0)
    if pass_mark > 100:
        ctx.diags.error(
            "quiz.pass-mark", f"pass_mark is a percentage, not {pass_mark}", fields.loc("pass_mark")
        )
    items = fields.seq("questions")
    if "questions" in top and not items:
        ctx.diags.error("quiz.empty", "the quiz has no questions", items.loc)
    questions = []
    for index, item in enumerate(items):
        question = _read_question(item, items.loc_of(index), ctx)
        if question is not None:
            questions.append(question)
    title = fields.localized("title")
    _check_inline(title, fields.loc("title"), ctx)
    return Quiz(
        module_id=module_id,
        audience=audience,
        title=title,
        pass_mark=pass_mark,
        pre_post=fields.flag("pre_post"),
        shuffle=fields.flag("shuffle", default=True),
        questions=tuple(questions),
        path=path,
        digest=digest,
        loc=SourceLoc(path, 1, 1),
        waivers=read_waivers(fields),
        images=tuple(dict.fromkeys(ctx.found_images)),
    )


def _read_question(item: Any, loc: SourceLoc, ctx: LessonContext) -> Question | None:
    entry = as_map(item, loc, "a question", ctx.diags)
    if entry is None:
        return None
    kind = entry.get("type")
    if kind not in QUESTION_TYPES:
        from builders.diagnostics import did_you_mean

        ctx.diags.error(
            "quiz.type",
            f"unknown question type '{kind}'" if kind else "the question has no 'type'",
            entry.loc_of("type"),
            did_you_mean(str(kind or ""), QUESTION_TYPES),
        )
        return None
    required, optional = BY_TYPE[kind]
    ident = str(entry.get("id", "")).strip()
    fields = FieldReader(entry, ctx.diags, f"question '{ident or '?'}'", ctx.languages)
    fields.check_keys(names(COMMON_KEYS, required=True) + required,
                      names(COMMON_KEYS, required=False) + optional)
    if ident and not QUESTION_ID.match(ident):
        ctx.diags.error(
            "quiz.question-id",
            f"question id '{ident}' must start with a letter and use letters, digits, - or _, "
            "at most 100 of them",
            fields.loc("id"),
        )
    paragraphs = fields.paragraph_ids("paragraphs")
    if "paragraphs" in entry and not paragraphs:
        ctx.diags.error(
            "quiz.no-paragraph",
            f"question '{ident}' must cite at least one paragraph of the paper",
            fields.loc("paragraphs"),
        )
    for pid, ploc in paragraphs:
        if pid not in ctx.paragraph_ids:
            ctx.diags.error(
                "cite.unknown-paragraph", f"§{pid} is not a paragraph of the source paper", ploc
            )
    texts: dict[str, Localized] = {}
    for name in QUESTION_TEXTS:
        if name in entry:
            texts[name] = fields.localized(name)
            _check_inline(texts[name], fields.loc(name), ctx)
    points = fields.number("points", default=1.0)
    if "points" in entry and points <= 0:
        ctx.diags.error("quiz.points", "points must be more than 0", fields.loc("points"))
    extra: dict[str, Any] = {}
    if kind in ("single", "multiple"):
        extra["options"] = _read_options(fields, kind, ident, ctx)
    elif kind == "truefalse":
        extra["answer"] = fields.flag("answer")
    elif kind == "short":
        extra["answers"] = _read_short_answers(fields, ctx)
        extra["case_sensitive"] = fields.flag("case_sensitive")
        extra["accent_sensitive"] = fields.flag("accent_sensitive")
    elif kind == "matching":
        extra["pairs"] = _read_pairs(fields, ctx)
    elif kind == "numerical":
        extra["answer"] = fields.number("answer")
        extra["tolerance"] = fields.number("tolerance")
        if extra["tolerance"] < 0:
            ctx.diags.error(
                "quiz.tolerance", "tolerance cannot be negative", fields.loc("tolerance")
            )
    elif kind == "essay":
        extra["min_words"] = fields.integer("min_words", minimum=0)
    return Question(
        id=ident,
        type=kind,
        points=points,
        outcome=fields.text("outcome"),
        paragraphs=tuple(pid for pid, _ in paragraphs),
        prompt=texts.get("prompt", Localized(())),
        feedback=texts.get("feedback", Localized(())),
        loc=entry.loc,
        feedback_true=texts.get("feedback_true", Localized(())),
        feedback_false=texts.get("feedback_false", Localized(())),
        feedback_correct=texts.get("feedback_correct", Localized(())),
        feedback_incorrect=texts.get("feedback_incorrect", Localized(())),
        marking_guide=texts.get("marking_guide", Localized(())),
        **extra,
    )


def _read_options(
    fields: FieldReader, kind: str, ident: str, ctx: LessonContext
) -> tuple[Option, ...]:
    items = fields.seq("options")
    options = []
    for index, item in enumerate(items):
        entry = as_map(item, items.loc_of(index), "an option", ctx.diags)
        if entry is None:
            continue
        reader = FieldReader(entry, ctx.diags, f"option {index + 1} of '{ident}'", ctx.languages)
        reader.check_keys(names(OPTION_KEYS, required=True), names(OPTION_KEYS, required=False))
        text, feedback = reader.localized("text"), reader.localized("feedback")
        _check_inline(text, reader.loc("text"), ctx)
        _check_inline(feedback, reader.loc("feedback"), ctx)
        options.append(Option(text, reader.flag("correct"), feedback))
    correct = sum(option.correct for option in options)
    if "options" in fields.data and len(options) < 2:
        ctx.diags.error("quiz.options", f"question '{ident}' needs at least two options", items.loc)
    elif kind == "single" and correct != 1:
        ctx.diags.error(
            "quiz.single-correct",
            f"single-choice question '{ident}' has {correct} correct options; it needs exactly one",
            items.loc,
            "mark one option with 'correct: true', or use type: multiple",
        )
    elif kind == "multiple" and max(correct, len(options) - correct) > MOODLE_MAX_SHARES:
        ctx.diags.error(
            "quiz.too-many-options",
            f"question '{ident}' has {correct} correct and {len(options) - correct} wrong options; "
            f"question banks can share a mark between at most {MOODLE_MAX_SHARES}",
            items.loc,
            "split the question in two",
        )
    elif kind == "multiple" and correct == 0:
        ctx.diags.error(
            "quiz.no-correct-choice",
            f"question '{ident}' has no correct option",
            items.loc,
            "mark at least one option with 'correct: true'",
        )
    return tuple(options)


def _read_short_answers(
    fields: FieldReader, ctx: LessonContext
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    value, loc = fields.data.get("answers"), fields.loc("answers")
    if not isinstance(value, YMap):
        ctx.diags.error(
            "quiz.answers",
            "'answers' must list accepted answers per language",
            loc,
            "write answers: {en: [answer, variant], fr: [réponse, variante]}",
        )
        return ()
    result = []
    for lang in ctx.languages:
        answers = value.get(lang)
        if (
            not isinstance(answers, YSeq)
            or not answers
            or not all(
                isinstance(a, (str, int, float)) and not isinstance(a, bool) and str(a).strip()
                for a in answers
            )
        ):
            ctx.diags.error(
                "quiz.answers",
                f"'answers' needs a list of accepted answers in '{lang}'",
                value.loc_of(lang),
            )
            continue
        result.append((lang, tuple(str(a).strip() for a in answers)))
    for lang in value:
        if lang not in ctx.languages:
            ctx.diags.error(
                "schema.language",
                f"language '{lang}' is not a course language",
                value.key_loc(lang),
            )
    return tuple(result)


def _read_pairs(fields: FieldReader, ctx: LessonContext) -> tuple[MatchPair, ...]:
    items = fields.seq("pairs")
    pairs = []
    for index, item in enumerate(items):
        entry = as_map(item, items.loc_of(index), "a matching pair", ctx.diags)
        if entry is None:
            continue
        reader = FieldReader(entry, ctx.diags, "a matching pair", ctx.languages)
        reader.check_keys(names(PAIR_KEYS, required=True))
        premise, match = reader.localized("premise"), reader.localized("match")
        _check_inline(premise, reader.loc("premise"), ctx)
        _check_inline(match, reader.loc("match"), ctx)
        pairs.append(MatchPair(premise, match))
    if "pairs" in fields.data and len(pairs) < 2:
        ctx.diags.error("quiz.pairs", "a matching question needs at least two pairs", items.loc)
    if len(pairs) > MAX_PAIRS:
        ctx.diags.error("quiz.pairs", f"a matching question has at most {MAX_PAIRS} pairs, not "
                        f"{len(pairs)}: each premise lists every match", items.loc,
                        "split it into several questions")
    return tuple(pairs)


def _check_inline(text: Localized, loc: SourceLoc, ctx: LessonContext) -> None:
    """Citations and glossary terms inside quiz strings must resolve, as in lessons."""
    for _lang, value in text.pairs:
        for token in parsed(value, inline=True):
            check_printable_inline(value, token, loc, ctx.diags)
            for child in token.children or []:
                if child.type == "citation":
                    if child.meta["error"]:
                        ctx.diags.error("cite.syntax", child.meta["error"], loc)
                    for pid in child.meta["ids"]:
                        if pid not in ctx.paragraph_ids:
                            ctx.diags.error(
                                "cite.unknown-paragraph",
                                f"§{pid} is not a paragraph of the source paper",
                                loc,
                            )
                elif child.type == "image":
                    src = str(child.attrs.get("src", ""))
                    path = check_image(src, child.content, loc, ctx)
                    if path:
                        ctx.found_images.append(path)
                elif child.type == "local":
                    ctx.diags.error(
                        "quiz.local", "[[local:…]] placeholders are for lessons, not quizzes",
                        loc, "write the fact into the question, or ask about the lesson",
                    )
                elif child.type == "term" and child.meta["id"] not in ctx.term_ids:
                    ctx.diags.error(
                        "glossary.unknown-term",
                        f"'{child.meta['id']}' is not a term of the glossary",
                        loc,
                    )
