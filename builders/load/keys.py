"""The keys of a quiz file and of a waiver, each with its kind and meaning: the loader checks
files against them and `e4j reference quiz` writes docs/quiz-reference.md from them."""

from __future__ import annotations

from dataclasses import dataclass

from builders.model import QUESTION_TYPES

TEXT = "text in every language"


@dataclass(frozen=True)
class Key:
    name: str
    kind: str
    meaning: str
    required: bool = True
    default: str = ""


QUIZ_KEYS = (
    Key("title", TEXT, "the quiz's title, shown above the questions and in the LMS"),
    Key("questions", "list of questions", "the questions, in the order they are shown"),
    Key("pass_mark", "whole number 0–100", "percent of the points needed to pass (the SCORM "
        "mastery score)", False, "70"),
    Key("pre_post", "true/false", "the same items are also printed and exported as a pre-test "
        "and a post-test", False, "false"),
    Key("shuffle", "true/false", "delivery tools may shuffle the options", False, "true"),
    Key("waivers", "list of {rule, line, reason}", "quality-gate findings accepted on purpose, "
        "each with a written reason (docs/quality.md)", False),
)

COMMON_KEYS = (
    Key("id", "letters, digits, - and _ (at most 100)", "stable and unique in the whole course; "
        "results, imports and overlays find the question by it"),
    Key("type", "one of " + ", ".join(QUESTION_TYPES), "the question type (below)"),
    Key("points", "number above 0", "the question's weight in the score"),
    Key("outcome", "outcome id", "the learning outcome of the lesson that the question assesses"),
    Key("paragraphs", "list of paragraph ids", "paragraphs of the paper the question rests on, "
        "at least one (`[\"8\", \"16(e)\"]`)"),
    Key("prompt", TEXT, "the question; inline Markdown, citations and glossary terms allowed"),
    Key("feedback", TEXT, "general feedback, shown after any answer", False),
)

TYPE_KEYS: dict[str, tuple[Key, ...]] = {
    "single": (Key("options", "list of options", "exactly one option has `correct: true`"),),
    "multiple": (Key("options", "list of options", "one or more options have `correct: true`; "
                     "the points are shared among them"),),
    "truefalse": (
        Key("answer", "true/false", "whether the statement in the prompt is true"),
        Key("feedback_true", TEXT, "shown to someone who answered true"),
        Key("feedback_false", TEXT, "shown to someone who answered false"),
    ),
    "short": (
        Key("answers", "list of texts per language", "accepted answers, e.g. "
            "`{en: [exclusion, social exclusion], fr: [exclusion]}`"),
        Key("feedback_correct", TEXT, "shown after an accepted answer"),
        Key("feedback_incorrect", TEXT, "shown after any other answer"),
        Key("case_sensitive", "true/false", "whether capital letters must match", False, "false"),
        Key("accent_sensitive", "true/false", "whether accents must match (\"defi\" for "
            "\"défi\")", False, "false"),
    ),
    "matching": (
        Key("pairs", "list of pairs", "2 to 50; each premise has one match"),
        Key("feedback_correct", TEXT, "shown when every pair is right"),
        Key("feedback_incorrect", TEXT, "shown otherwise"),
    ),
    "numerical": (
        Key("answer", "number", "the right answer"),
        Key("feedback_correct", TEXT, "shown after a right answer"),
        Key("feedback_incorrect", TEXT, "shown otherwise"),
        Key("tolerance", "number", "answers within ± tolerance are right", False, "0"),
    ),
    "essay": (
        Key("marking_guide", TEXT, "for the teacher only: what a good answer contains"),
        Key("min_words", "whole number", "the length asked for", False),
    ),
}

OPTION_KEYS = (
    Key("text", TEXT, "the option"),
    Key("feedback", TEXT, "shown to someone who chose this option"),
    Key("correct", "true/false", "whether the option is right", False, "false"),
)

PAIR_KEYS = (
    Key("premise", TEXT, "the left-hand item"),
    Key("match", TEXT, "its match"),
)

WAIVER_KEYS = (
    Key("rule", "rule code", "the quality rule, e.g. `parity.untranslated`"),
    Key("line", "line number", "the line of this file where the finding is"),
    Key("reason", "text", "why the rule does not apply there, in a sentence"),
)


def names(keys: tuple[Key, ...], required: bool) -> tuple[str, ...]:
    return tuple(key.name for key in keys if key.required == required)
