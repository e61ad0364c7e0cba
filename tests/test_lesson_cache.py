"""Lessons parsed and checked by an earlier build are taken from the cache: a rebuild after one
lesson changed parses only that lesson, and replays what the others reported."""

from __future__ import annotations

import builders.load.course as course_loader
import builders.load.lesson_cache as lesson_cache
from builders.load import load_course
from builders.pipeline import build


def _counting(monkeypatch) -> list[str]:
    parsed: list[str] = []
    real = course_loader.read_lesson

    def read_lesson(text, path, *args):
        parsed.append(path)
        return real(text, path, *args)

    monkeypatch.setattr(course_loader, "read_lesson", read_lesson)
    monkeypatch.setattr(lesson_cache, "_memory", {})  # as in a new process
    return parsed


def test_a_rebuild_parses_only_the_changed_lesson(course_copy, monkeypatch):
    root = course_copy("full")
    out = root / "exports"
    parsed = _counting(monkeypatch)
    build(root, out, ["html"])
    assert sorted(parsed) == ["modules/demo/secondary.en.md", "modules/demo/secondary.fr.md"]
    lesson = root / "modules/demo/secondary.en.md"
    lesson.write_text(lesson.read_text().replace("act together", "work together"))
    parsed.clear()
    monkeypatch.setattr(lesson_cache, "_memory", {})
    build(root, out, ["html"])
    assert parsed == ["modules/demo/secondary.en.md"]
    assert "work together" in (out / "html/en/secondary/demo.html").read_text()


def test_cached_lessons_report_what_they_reported(course_copy, monkeypatch, tmp_path):
    root = course_copy("full")
    lesson = root / "modules/demo/secondary.fr.md"
    lesson.write_text(lesson.read_text() + "\n[ici](https://www.unodc.org/)\n")
    cache = tmp_path / "cache"
    parsed = _counting(monkeypatch)
    _, first = load_course(root, cache=cache)
    assert parsed and any(d.code == "a11y.link-text" for d in first)
    parsed.clear()
    monkeypatch.setattr(lesson_cache, "_memory", {})
    _, again = load_course(root, cache=cache)
    assert parsed == []
    assert [str(d) for d in again] == [str(d) for d in first]


def test_an_unreadable_cache_entry_is_parsed_again(course_copy, monkeypatch, tmp_path):
    root = course_copy("full")
    cache = tmp_path / "cache"
    parsed = _counting(monkeypatch)
    load_course(root, cache=cache)
    entries = sorted(cache.glob("*.pickle"))
    assert len(entries) == 2
    entries[0].write_bytes(b"not a pickle")
    parsed.clear()
    monkeypatch.setattr(lesson_cache, "_memory", {})
    load_course(root, cache=cache)
    assert len(parsed) == 1
    assert len(list(cache.glob("*.pickle"))) == 2


def test_a_cache_folder_that_cannot_be_written_is_no_error(course_copy, monkeypatch, tmp_path):
    root = course_copy("full")
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setattr(lesson_cache, "_memory", {})
    course, _ = load_course(root, cache=blocked / "lessons")
    assert course.module("demo").lessons


def test_a_pickled_lesson_is_the_same_lesson():
    import pickle

    from conftest import COURSES

    course, _ = load_course(COURSES / "full")
    for lesson in course.module("demo").lessons:
        assert pickle.loads(pickle.dumps(lesson)) == lesson
