"""Cross-file checks on the assembled course: coverage, parity between languages, quiz links."""

from __future__ import annotations

from builders.diagnostics import Diagnostics, SourceLoc
from builders.model import Course, Module


def validate_course(course: Course, diags: Diagnostics) -> None:
    """Record every cross-reference problem of `course` in `diags`."""
    question_ids: dict[str, SourceLoc] = {}
    for module in course.modules:
        _check_lessons_present(module, course.languages, diags)
        _check_outcome_parity(module, diags)
        _check_quizzes(module, diags, question_ids)
        _check_paragraphs_taught(module, diags)


def _check_lessons_present(module: Module, languages: tuple[str, ...], diags: Diagnostics) -> None:
    for audience in module.audiences:
        for lang in languages:
            folder = module.path.rsplit("/", 1)[0]
            lesson_path = f"{folder}/{audience}.{lang}.md"
            broken = any(d.loc.path == lesson_path for d in diags.errors)
            if module.lesson(audience, lang) is None and not broken:
                diags.error(
                    "module.missing-lesson",
                    f"module '{module.id}' lists audience '{audience}' but has no '{lang}' lesson",
                    module.loc,
                    f"add {lesson_path}",
                )
        quiz_path = f"quizzes/{module.id}/{audience}.yaml"
        broken = any(d.loc.path == quiz_path for d in diags.errors)
        if module.quiz(audience) is None and not broken:
            diags.warning(
                "module.missing-quiz",
                f"module '{module.id}' has no quiz for '{audience}'",
                module.loc,
                f"add {quiz_path}",
            )


def _check_outcome_parity(module: Module, diags: Diagnostics) -> None:
    for audience in module.audiences:
        lessons = [lesson for lesson in module.lessons if lesson.audience == audience]
        if len(lessons) < 2:
            continue
        reference = lessons[0]
        expected = [o.id for o in reference.outcomes]
        for lesson in lessons[1:]:
            found = [o.id for o in lesson.outcomes]
            if found != expected:
                diags.error(
                    "translation.outcomes",
                    f"learning outcomes {found} differ from {expected} in {reference.path}",
                    lesson.loc,
                    "every language must have the same outcome ids in the same order",
                )


def _check_quizzes(module: Module, diags: Diagnostics, seen: dict[str, SourceLoc]) -> None:
    for quiz in module.quizzes:
        lessons = [lesson for lesson in module.lessons if lesson.audience == quiz.audience]
        outcomes = {o.id for lesson in lessons for o in lesson.outcomes}
        for question in quiz.questions:
            if question.id in seen:
                diags.error(
                    "quiz.duplicate-id",
                    f"question id '{question.id}' is also used at {seen[question.id]}",
                    question.loc,
                    "question ids must be unique in the whole course",
                )
            else:
                seen[question.id] = question.loc
            if lessons and question.outcome not in outcomes:
                diags.error(
                    "quiz.unknown-outcome",
                    f"question '{question.id}' assesses outcome '{question.outcome}', "
                    f"which the {quiz.audience} lesson does not have",
                    question.loc,
                    f"use one of: {', '.join(sorted(outcomes))}",
                )


def _check_paragraphs_taught(module: Module, diags: Diagnostics) -> None:
    cited = {ident for lesson in module.lessons for ident in lesson.citations}
    for ident in module.paragraphs:
        if ident not in cited:
            diags.warning(
                "module.paragraph-not-taught",
                f"module '{module.id}' draws on §{ident} but no lesson cites it",
                module.loc,
                f"cite [§{ident}] where a lesson uses it, or drop it from paragraphs",
            )
