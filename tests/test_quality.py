"""The quality gate beyond the one-case-per-rule fixtures: offline reading level, essay counts,
--explain, the reviewers' report."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap

import pytest

from builders.load import load_course
from builders.quality import RULES, run_quality
from builders.quality.readability import measure_text
from conftest import COURSES, PROJECT

OFFLINE_SCRIPT = textwrap.dedent(
    """
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network disabled for this test")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    from pathlib import Path
    from builders.load import load_course
    from builders.quality.readability import measure_lesson

    course, _ = load_course(Path({root!r}))
    for module in course.modules:
        for lesson in module.lessons:
            figures = measure_lesson(lesson)
            print(lesson.lang, figures.words, figures.ease, figures.grade)
    """
)


def test_reading_level_works_with_the_network_disabled():
    script = OFFLINE_SCRIPT.format(root=str(COURSES / "full"))
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=PROJECT
    )
    assert result.returncode == 0, result.stderr
    lines = sorted(result.stdout.split("\n")[:-1])
    assert lines[0].startswith("en ") and lines[1].startswith("fr ")
    assert all(float(line.split()[2]) > 0 for line in lines)


@pytest.mark.parametrize(
    ("lang", "text", "low", "high"),
    [
        ("en", "The cat sat on the mat. It was warm. We like the sun.", 90, 130),
        (
            "en",
            "Comprehensive intergovernmental coordination necessitates sophisticated "
            "institutional accountability mechanisms and methodological rigour.",
            -200,
            10,
        ),
        ("fr", "Le chat dort. Il fait beau. Nous aimons le soleil.", 90, 130),
    ],
)
def test_reading_ease_orders_easy_and_hard_text(lang, text, low, high):
    assert low <= measure_text([text], lang).ease <= high


def test_abbreviations_do_not_end_sentences():
    figures = measure_text(["See art. 31 of the Convention, e.g. on prevention."], "en")
    assert figures.sentences == 1


def test_university_quizzes_need_two_or_three_essays():
    course, _ = load_course(COURSES / "full")
    module = course.module("demo")
    quiz = dataclasses.replace(module.quiz("secondary"), audience="university")
    lessons = tuple(dataclasses.replace(x, audience="university") for x in module.lessons)
    changed = dataclasses.replace(
        module, quizzes=(quiz,), lessons=lessons, audiences=("university",)
    )
    findings = run_quality(dataclasses.replace(course, modules=(changed,)))
    essay = [d for d in findings if d.code == "align.essay-count"]
    assert [(d.loc.path, d.loc.line, d.message) for d in essay] == [
        ("quizzes/demo/secondary.yaml", 1, "1 essay questions; university quizzes have 2–3")
    ]


def test_explain_every_rule(run_cli):
    for rule in RULES:
        result = run_cli("check", "--explain", rule)
        assert result.code == 0 and result.out.startswith(f"{rule}: ")
    assert run_cli("check", "--explain", "nope").code == 2


def test_quality_report(course_copy, run_cli):
    root = course_copy("full")
    assert run_cli("--root", root, "build", "--format", "reports").code == 0
    data = json.loads((root / "exports/reports/quality.json").read_text())
    lesson = {row["path"]: row for row in data["lessons"]}["modules/demo/secondary.en.md"]
    assert lesson["words"] > 50 and lesson["ease_formula"] == "Flesch reading ease"
    row = {r["paragraph"]: r for r in data["coverage"]}
    assert row["30"]["cells"] == ["lesson+quiz"] and row["16(b)"]["cells"] == ["lesson"]
    assert data["untaught"] == ["16"]  # the chapeau of 16, cited nowhere in the fixture
    html = (root / "exports/reports/quality.html").read_text()
    assert "Coverage of the paper" in html and "modules/demo/secondary.fr.md" in html


def _phrase_lists():
    from builders.quality.wordlists import phrases_for, terminology

    for lang in ("en", "fr"):
        yield phrases_for("victim_blaming", lang)
        yield phrases_for("trusted_adult", lang)
        yield terminology(lang)[0]
        for audience in ("primary", "secondary"):
            yield phrases_for("age", audience, lang)


@pytest.mark.parametrize("phrases", list(_phrase_lists()))
def test_the_quick_word_test_never_misses_a_phrase(phrases):
    """Every phrase of the word lists, written as a lesson might write it (capitals, an ending
    where the list allows one, punctuation and apostrophes around), passes the quick first test
    that lets the full search run; and a text without their first words does not."""
    from builders.quality.wordlists import may_occur, phrase_pattern, text_words

    assert phrases
    for phrase in phrases:
        written = " ".join(word.rstrip("*") + ("ing" if word.endswith("*") else "")
                           for word in phrase.split())
        for text in (f"{written.upper()}.", f"l'«{written}», (and) {written.capitalize()}?",
                     f"co-{written}\n2019"):
            assert phrase_pattern((phrase,)).search(text), (phrase, text)
            assert may_occur(phrases, text_words(text)), (phrase, text)
    assert not may_occur(phrases, text_words("Zzz qqq 2019, xyzzy."))
