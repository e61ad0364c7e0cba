"""Rules across files: translation parity, outcome alignment, traceability, quiz wording."""

from __future__ import annotations

import re
from collections.abc import Iterator

from builders.diagnostics import Diagnostic, SourceLoc
from builders.memo import keep
from builders.model import Course, Lesson, Localized, Module, Question, Quiz
from builders.quality.wordlists import (
    blaming_phrases,
    may_occur,
    pattern_if_present,
    phrases_for,
    terminology,
    text_words,
)

# Questions per quiz by audience (content guide and the core-modules issue).
QUESTION_RANGE = {
    "primary": (5, 8),
    "secondary": (8, 12),
    "university": (12, 20),
    "labour-inspectors": (8, 20),
    "consular-staff": (8, 20),
}
ESSAY_RANGE = {"university": (2, 3)}
LETTERS = re.compile(r"[^\W\d_]{2,}")


def check(course: Course) -> Iterator[Diagnostic]:
    for module in course.modules:
        for audience in module.audiences:
            lessons = [module.lesson(audience, lang) for lang in course.languages]
            present = [lesson for lesson in lessons if lesson is not None]
            yield from _parity(present)
            quiz = module.quiz(audience)
            if quiz is not None and present:
                yield from _alignment(present[0], quiz)
                yield from quiz_findings(quiz, course.languages)
            if present:
                yield from _traceability(present[0], quiz)
        yield from _untranslated_module(module, course.languages)


def _parity(lessons: list[Lesson]) -> Iterator[Diagnostic]:
    if len(lessons) < 2:
        return
    reference = lessons[0]
    labels = {"headings": "heading levels", "containers": "containers", "citations": "citations"}
    for lesson in lessons[1:]:
        for part, label in labels.items():
            mine, theirs = getattr(lesson.landmarks, part), getattr(reference.landmarks, part)
            for index in range(max(len(mine), len(theirs))):
                a = mine[index][0] if index < len(mine) else "(nothing)"
                b = theirs[index][0] if index < len(theirs) else "(nothing)"
                if a != b:
                    line = mine[index][1] if index < len(mine) else (mine[-1][1] if mine else 1)
                    where = theirs[index][1] if index < len(theirs) else "its end"
                    yield Diagnostic(
                        "warning",
                        f"parity.{part}",
                        f"{label} differ from {reference.path}: '{a}' here, '{b}' there "
                        f"(item {index + 1}, its line {where})",
                        SourceLoc(lesson.path, line, 1),
                        "every language has the same sections, containers and citations "
                        "in the same order",
                    )
                    break


def _alignment(lesson: Lesson, quiz: Quiz) -> Iterator[Diagnostic]:
    assessed = {q.outcome for q in quiz.questions}
    for outcome in lesson.outcomes:
        if outcome.id not in assessed:
            yield Diagnostic(
                "warning",
                "align.outcome-unassessed",
                f"no question of {quiz.path} assesses outcome '{outcome.id}'",
                SourceLoc(lesson.path, 1, 1),
                "add a question with outcome: " + outcome.id,
            )
    low, high = QUESTION_RANGE.get(quiz.audience, (1, 999))
    count = len(quiz.questions)
    if not low <= count <= high:
        yield Diagnostic(
            "warning",
            "align.question-count",
            f"{count} questions; {quiz.audience} quizzes have {low}–{high}",
            quiz.loc,
        )
    if quiz.audience in ESSAY_RANGE:
        low, high = ESSAY_RANGE[quiz.audience]
        essays = sum(q.type == "essay" for q in quiz.questions)
        if not low <= essays <= high:
            yield Diagnostic(
                "warning",
                "align.essay-count",
                f"{essays} essay questions; {quiz.audience} quizzes have {low}–{high}",
                quiz.loc,
            )


def _traceability(lesson: Lesson, quiz: Quiz | None) -> Iterator[Diagnostic]:
    cited_by_questions: dict[str, set[str]] = {}
    for question in quiz.questions if quiz else ():
        cited_by_questions.setdefault(question.outcome, set()).update(question.paragraphs)
    for outcome in lesson.outcomes:
        if not outcome.paragraphs and not cited_by_questions.get(outcome.id):
            yield Diagnostic(
                "warning",
                "trace.outcome-untraced",
                f"outcome '{outcome.id}' is tied to no paragraph of the paper",
                SourceLoc(lesson.path, 1, 1),
                "give the outcome 'paragraphs:' or assess it with a question that cites some",
            )


def _same_everywhere(text: Localized, languages: tuple[str, ...]) -> bool:
    values = {text.get(lang) for lang in languages}
    only = next(iter(values)) if len(values) == 1 else ""
    return bool(only) and len(LETTERS.findall(only)) >= 2


def _search(pattern: re.Pattern[str] | None, text: str) -> re.Match[str] | None:
    return pattern.search(text) if pattern is not None else None


def _statement_to_reject(question: Question, field: str) -> bool:
    """The prompt of a true/false item whose answer is false states what learners must reject."""
    return question.type == "truefalse" and question.answer is False and field == "prompt"


QuizKey = tuple[str, str, tuple[str, ...]]
_QUIZ_FOUND: dict[QuizKey, list[Diagnostic]] = {}
QUIZ_MEMO_LIMIT = 10_000  # quizzes whose findings are kept


def quiz_findings(quiz: Quiz, languages: tuple[str, ...]) -> list[Diagnostic]:
    """What the rules on words find in a quiz's questions; found once per version of the quiz
    (the loader's cache can hand over what an earlier run found, see `remember_quiz`)."""
    key = (quiz.path, quiz.digest, languages)
    if key not in _QUIZ_FOUND:
        keep(_QUIZ_FOUND, key, list(_quiz_language(quiz, languages)), QUIZ_MEMO_LIMIT)
    return _QUIZ_FOUND[key]


def remember_quiz(quiz: Quiz, languages: tuple[str, ...], findings: list[Diagnostic]) -> None:
    keep(_QUIZ_FOUND, (quiz.path, quiz.digest, languages), findings, QUIZ_MEMO_LIMIT)


def _quiz_language(quiz: Quiz, languages: tuple[str, ...]) -> Iterator[Diagnostic]:
    # Per language, the word lists that may occur somewhere in the quiz (a quick first test on
    # all its text), so that each question is searched only for those.
    age, terms, blaming = {}, {}, {}
    for lang in languages:
        words = text_words("\n".join(value for question in quiz.questions
                                     for _, text in question.texts()
                                     for code, value in text.pairs if code == lang))
        age[lang] = pattern_if_present(phrases_for("age", quiz.audience, lang), words)
        every_term, rules = terminology(lang)
        terms[lang] = (pattern_if_present(every_term, words), rules)
        blaming[lang] = may_occur(phrases_for("victim_blaming", lang), words)
    for question in quiz.questions:
        for name, text in question.texts():
            if len(languages) > 1 and _same_everywhere(text, languages):
                yield Diagnostic(
                    "warning",
                    "parity.untranslated",
                    f"question '{question.id}': {name} is the same in every language",
                    question.loc,
                    "translate it, or waive the rule for this line if it is a name",
                )
            for lang, value in text.pairs:
                found = [
                    (_search(age[lang], value), "safety.age-term", " is not for this audience")
                ]
                any_term, rules = terms[lang]
                if any_term is not None and any_term.search(value):
                    found += [
                        (pattern.search(value), "term.preferred", f": write '{prefer}'")
                        for pattern, prefer in rules
                    ]
                if blaming[lang] and not _statement_to_reject(question, name):
                    found += [
                        (m, "safety.victim-blaming", " blames the person harmed")
                        for m in blaming_phrases(value, lang)
                    ]
                for match, rule, what in found:
                    if match:
                        yield Diagnostic(
                            "warning",
                            rule,
                            f"question '{question.id}' ({lang}): '{match[0]}'{what}",
                            question.loc,
                        )


def _untranslated_module(module: Module, languages: tuple[str, ...]) -> Iterator[Diagnostic]:
    for name, text in (("title", module.title), ("summary", module.summary)):
        if len(languages) > 1 and _same_everywhere(text, languages):
            yield Diagnostic(
                "warning",
                "parity.untranslated",
                f"the module {name} is the same in every language",
                module.loc,
            )
