"""The course we ship passes `e4j check --strict` and keeps its promises to teachers."""

from __future__ import annotations

import re

import pytest

from builders.load import load_course
from conftest import PROJECT

PHONE_NUMBER = re.compile(r"\+?\d[\d .-]{6,}\d")
DATE = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$|^\d{4}[./-]\d{1,2}[./-]\d{1,2}$")


@pytest.fixture(scope="module")
def shipped():
    course, warnings = load_course(PROJECT)
    return course, warnings


def test_check_strict_passes(shipped, run_cli):
    _, warnings = shipped
    assert [d.format() for d in warnings] == []
    assert run_cli("--root", PROJECT, "check", "--strict").code == 0


def test_every_paragraph_of_the_paper_is_indexed(shipped):
    course, _ = shipped
    ids = [p.id for p in course.sources.paragraphs]
    whole = [str(n) for n in range(1, 57)]
    assert [i for i in ids if "(" not in i] == whole
    assert {"2(a)", "2(p)", "15(d)", "16(h)", "17(f)", "18(c)"} <= set(ids)
    for paragraph in course.sources.paragraphs:
        assert all(paragraph.summary.get(lang) for lang in course.languages), paragraph.id


def test_languages_carry_the_same_structure(shipped):
    """Same outcomes, containers and citations in every language of a lesson."""
    course, _ = shipped
    for module in course.modules:
        for audience in module.audiences:
            shapes = set()
            for lang in course.languages:
                lesson = module.lesson(audience, lang)
                containers = tuple(t.type for t in lesson.tokens if t.type.startswith("container_"))
                headings = sum(t.type == "heading_open" for t in lesson.tokens)
                shapes.add(
                    (tuple(o.id for o in lesson.outcomes), containers, headings, lesson.citations)
                )
            assert len(shapes) == 1, f"{module.id}/{audience}: languages differ"


def test_no_invented_help_line_numbers(shipped):
    course, _ = shipped
    for module in course.modules:
        for lesson in module.lessons:
            body = "".join(t.content for t in lesson.tokens if t.type == "inline")
            numbers = [m[0] for m in PHONE_NUMBER.finditer(body) if not DATE.match(m[0])]
            numbers = [n for n in numbers if sum(c.isdigit() for c in n) >= 7]
            assert numbers == [], f"{lesson.path}: {numbers}"
