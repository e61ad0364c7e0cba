"""The content quality gate: every rule, its one-line explanation, waivers, the coverage matrix."""

from __future__ import annotations

from collections.abc import Iterable

from builders.diagnostics import Diagnostic
from builders.model import Course, Waiver

RULES: dict[str, str] = {
    "trace.outcome-untraced": "Every learning outcome is tied to the paper: through its own "
    "'paragraphs:' or through a question that assesses it and cites paragraphs.",
    "module.paragraph-not-taught": "Every paragraph a module.yaml claims is cited in at least one "
    "of the module's lessons.",
    "cite.unknown-paragraph": "A citation [§n] or [§n(x)] must name a paragraph of "
    "modules/sources.yaml.",
    "reading.level": "Reading ease (Flesch in English, Kandel–Moles in French) and, in "
    "English, the Flesch–Kincaid grade of the learner text fall in the audience's band "
    "(bands.yaml).",
    "reading.sentence-length": "The learner text's average sentence length stays under the "
    "audience's limit.",
    "safety.age-term": "Learner text for primary (and, with a shorter list, secondary) uses no "
    "graphic, sexual or fear-based words (data/wordlists.yaml).",
    "safety.victim-blaming": "No text blames a person for being exploited; describe the "
    "circumstances and those who exploit.",
    "safety.trusted-adult": "Every primary and secondary lesson names a trusted adult learners can "
    "talk to.",
    "safety.local-help": "Every primary and secondary lesson has a '::: local-help' box saying "
    "where help is found.",
    "parity.headings": "Every language version has the same heading levels in the same order.",
    "parity.containers": "Every language version has the same containers (activities, "
    "case studies, discussions, teacher notes…) in the same order.",
    "parity.citations": "Every language version cites the same paragraphs in the same order.",
    "parity.untranslated": "A learner-facing string is not left identical in two languages "
    "(names and numbers can be waived).",
    "translation.outcomes": "Every language version has the same learning-outcome ids.",
    "translation.missing": "Every learner-facing string exists in every course language.",
    "align.outcome-unassessed": "Every learning outcome is assessed by at least one question.",
    "align.question-count": "A quiz has the number of questions its audience calls for "
    "(primary 5–8, secondary 8–12, university 12–20).",
    "align.essay-count": "University quizzes have 2–3 essay questions with marking guides.",
    "quiz.unknown-outcome": "A question assesses an outcome that its lesson has.",
    "a11y.link-text": "Link text says where it goes ('here', 'click here', 'ici' do not).",
    "a11y.table-header": "Tables have a header row naming their columns.",
    "lesson.image-alt": "Images have alt text.",
    "lesson.heading-level": "Headings do not skip a level.",
    "term.preferred": "Terms the field treats as wrong or confused are replaced by the preferred "
    "term (e.g. 'migrants in an irregular situation', 'traite des personnes').",
    "quality.unchecked-language": "Every course language has word lists and reading bands, so "
    "the safety, terminology and reading-level rules can run on it.",
    "waiver.unused": "A waiver names a rule and line where that rule finds nothing; remove it.",
    "waiver.reason": "A waiver needs a written reason.",
}


_last: list[tuple[Course, list[Diagnostic]]] = []  # the loader's run serves the quality report


def run_quality(course: Course) -> list[Diagnostic]:
    """Every quality finding on `course`, after the waivers written in the sources."""
    from builders.quality import course_rules, language_rules

    if not _last or _last[0][0] is not course:
        findings = [*language_rules.check(course), *course_rules.check(course)]
        _last[:] = [(course, apply_waivers(findings, _waivers(course)))]
    return list(_last[0][1])


def _waivers(course: Course) -> list[tuple[str, Waiver]]:
    found = []
    for module in course.modules:
        for lesson in module.lessons:
            found += [(lesson.path, w) for w in lesson.waivers]
        for quiz in module.quizzes:
            found += [(quiz.path, w) for w in quiz.waivers]
    return found


def apply_waivers(
    findings: Iterable[Diagnostic], waivers: list[tuple[str, Waiver]]
) -> list[Diagnostic]:
    used: set[int] = set()
    kept = []
    for finding in findings:
        match = next(
            (
                index
                for index, (path, waiver) in enumerate(waivers)
                if path == finding.loc.path
                and waiver.rule == finding.code
                and waiver.line == finding.loc.line
            ),
            None,
        )
        if match is None:
            kept.append(finding)
        else:
            used.add(match)
    for index, (_path, waiver) in enumerate(waivers):
        if index not in used:
            kept.append(
                Diagnostic(
                    "warning",
                    "waiver.unused",
                    f"the waiver of '{waiver.rule}' on line {waiver.line} matches no finding",
                    waiver.loc,
                    "remove the waiver, or point it at the line the finding is reported on",
                )
            )
    return kept


def coverage(course: Course) -> dict[str, dict[tuple[str, str], set[str]]]:
    """paragraph id -> {(module, audience): {"lesson", "quiz"}} for every paragraph of the paper."""
    matrix: dict[str, dict[tuple[str, str], set[str]]] = {
        p.id: {} for p in course.sources.paragraphs
    }
    for module in course.modules:
        for lesson in module.lessons:
            for ident in lesson.citations:
                matrix.setdefault(ident, {}).setdefault((module.id, lesson.audience), set()).add(
                    "lesson"
                )
        for quiz in module.quizzes:
            for question in quiz.questions:
                for ident in question.paragraphs:
                    matrix.setdefault(ident, {}).setdefault((module.id, quiz.audience), set()).add(
                        "quiz"
                    )
    return matrix
