"""Lessons parsed and checked by an earlier build are taken from the cache: a rebuild after one
lesson changed parses only that lesson, and replays what the others reported."""

from __future__ import annotations

import builders.load.source_cache as source_cache
from builders.build_key import verified
from builders.load import load_course
from builders.pipeline import build

STORED = ["modules/demo/secondary.en.md", "modules/demo/secondary.fr.md",
          "quizzes/demo/secondary.yaml"]


def _stored(cache) -> dict:
    """The cache's entry files, each with the path of the lesson or quiz it holds."""
    found = {}
    for path in cache.glob("*.pickle"):
        entry = source_cache.pickle.loads(verified(path.read_bytes()))
        found[path] = entry.quiz.path if hasattr(entry, "quiz") else entry.lesson.path
    return found


def _counting(monkeypatch, module=source_cache, reader="read_lesson") -> list[str]:
    """The paths the reader function of `module` is called for (its second argument)."""
    parsed: list[str] = []
    real = getattr(module, reader)

    def counted(text, path, *args):
        parsed.append(path)
        return real(text, path, *args)

    monkeypatch.setattr(module, reader, counted)
    monkeypatch.setattr(source_cache, "_memory", {})  # as in a new process
    return parsed


def test_a_rebuild_parses_only_the_changed_lesson(course_copy, monkeypatch):
    root = course_copy("full")
    out = root / "exports"
    parsed = _counting(monkeypatch)
    build(root, out, ["html"], workers=1)  # one process: every parse is counted
    assert sorted(parsed) == ["modules/demo/secondary.en.md", "modules/demo/secondary.fr.md"]
    lesson = root / "modules/demo/secondary.en.md"
    lesson.write_text(lesson.read_text().replace("act together", "work together"))
    parsed.clear()
    monkeypatch.setattr(source_cache, "_memory", {})
    build(root, out, ["html"], workers=1)
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
    monkeypatch.setattr(source_cache, "_memory", {})
    _, again = load_course(root, cache=cache)
    assert parsed == []
    assert [str(d) for d in again] == [str(d) for d in first]


def test_an_unreadable_cache_entry_is_parsed_again(course_copy, monkeypatch, tmp_path):
    root = course_copy("full")
    cache = tmp_path / "cache"
    parsed = _counting(monkeypatch)
    load_course(root, cache=cache)
    entries = _stored(cache)
    assert sorted(entries.values()) == STORED  # the lessons and the quiz
    lesson = next(p for p, path in entries.items() if path.endswith(".md"))
    lesson.write_bytes(b"not a pickle")
    parsed.clear()
    monkeypatch.setattr(source_cache, "_memory", {})
    load_course(root, cache=cache)
    assert len(parsed) == 1
    assert sorted(_stored(cache).values()) == STORED


def test_a_cache_folder_that_cannot_be_written_is_no_error(course_copy, monkeypatch, tmp_path):
    root = course_copy("full")
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setattr(source_cache, "_memory", {})
    course, _ = load_course(root, cache=blocked / "lessons")
    assert course.module("demo").lessons


def test_a_pickled_lesson_is_the_same_lesson():
    import pickle

    from conftest import COURSES

    course, _ = load_course(COURSES / "full")
    for lesson in course.module("demo").lessons:
        assert pickle.loads(pickle.dumps(lesson)) == lesson


SENT: list[str] = []  # the lessons and quizzes given to `_on_a_worker`


def _on_a_worker(function, *arguments):
    """Runs `function` at once, its arguments and result passed through pickle as they are to
    and from a worker process."""
    import pickle
    from concurrent.futures import Future

    SENT.append(arguments[1].path)  # checked_and_stored(check, source, folder, key)
    future: Future = Future()
    future.set_result(pickle.loads(pickle.dumps(function(*pickle.loads(pickle.dumps(arguments))))))
    return future


def _tokens(course):
    return {lesson.path: [t.as_dict() for t in lesson.tokens]
            for module in course.modules for lesson in module.lessons}


def test_lessons_read_on_workers_stay_packed_here(course_copy, monkeypatch):
    """This process holds every lesson but renders few: the tokens a worker parsed stay one
    pickled string here, through loading and the quality gate, until something reads them."""
    from builders.quality import run_quality

    root = course_copy("full")
    monkeypatch.setattr(source_cache, "_memory", {})
    course, _ = load_course(root, submit=_on_a_worker)
    run_quality(course)  # compares the languages' headings, containers and citations
    lessons = [lesson for module in course.modules for lesson in module.lessons]
    assert lessons and not any(lesson.tokens.unpacked for lesson in lessons)
    assert [t.type for t in lessons[0].tokens][:1] == ["heading_open"]
    assert lessons[0].tokens.unpacked


def test_lessons_read_here_for_workers_to_render_stay_packed_too(course_copy, monkeypatch):
    """Lessons this process reads while the workers read others are held as the workers' are,
    when the workers will render them."""
    root = course_copy("full")
    monkeypatch.setattr(source_cache, "_memory", {})
    course, _ = load_course(root, keep_pickled=True)  # no worker: every lesson is read here
    lessons = [lesson for module in course.modules for lesson in module.lessons]
    assert lessons and not any(lesson.tokens.unpacked for lesson in lessons)
    assert all(source_cache.pickled_entry(lesson) for lesson in lessons)
    monkeypatch.setattr(source_cache, "_memory", {})
    alone, _ = load_course(root)  # this process renders them: parsed once, kept as parsed
    assert all(lesson.tokens.unpacked for module in alone.modules for lesson in module.lessons)
    assert alone == course and _tokens(alone) == _tokens(course)


def test_lessons_and_quizzes_read_on_workers_are_those_read_here(course_copy, monkeypatch,
                                                                  tmp_path):
    import builders.quality.course_rules as course_rules

    root = course_copy("full")
    lesson = root / "modules/demo/secondary.fr.md"
    lesson.write_text(lesson.read_text() + "\n[ici](https://www.unodc.org/)\n")
    quiz = root / "quizzes/demo/secondary.yaml"
    quiz.write_text(quiz.read_text().replace("Which factor is **global**?",
                                             "Which factor is global for illegal migrants?"))
    monkeypatch.setattr(source_cache, "_memory", {})
    here, found_here = load_course(root)
    parsed = _counting(monkeypatch)
    read = _counting(monkeypatch, reader="read_quiz_text")
    monkeypatch.setattr(course_rules, "_QUIZ_FOUND", {})  # found on the worker, not here
    cache = tmp_path / "cache"
    SENT.clear()
    there, found_there = load_course(root, cache=cache, submit=_on_a_worker)
    assert sorted(parsed + read) == sorted(SENT) == STORED  # everything went to the worker
    assert there == here and _tokens(there) == _tokens(here)
    assert [str(d) for d in found_there] == [str(d) for d in found_here]
    assert any(d.code == "a11y.link-text" for d in found_there)
    assert any(d.code == "term.preferred" and "quizzes/" in str(d) for d in found_there)
    assert sorted(_stored(cache).values()) == STORED  # stored by the worker
    parsed.clear()
    read.clear()
    monkeypatch.setattr(source_cache, "_memory", {})
    load_course(root, cache=cache)
    assert parsed == read == []


def test_lessons_no_worker_has_room_for_are_read_here(course_copy, monkeypatch, tmp_path):
    root = course_copy("full")
    parsed = _counting(monkeypatch)
    SENT.clear()

    def room_for_one(function, *arguments):
        return None if SENT else _on_a_worker(function, *arguments)

    cache = tmp_path / "cache"
    course, _ = load_course(root, cache=cache, submit=room_for_one)
    assert SENT == ["modules/demo/secondary.en.md"]  # the first to come
    assert parsed == [*SENT, "modules/demo/secondary.fr.md"]  # the others read here
    assert len(course.module("demo").lessons) == 2
    assert sorted(_stored(cache).values()) == STORED  # one lesson stored by the worker


def test_a_worker_gets_the_next_file_as_soon_as_it_finishes_one(course_copy, monkeypatch,
                                                               tmp_path):
    """A worker that finishes a file is given the next waiting one at once, not when this
    process is done reading a file of its own."""
    import pickle
    from concurrent.futures import Future

    root = course_copy("full")
    held: list = []  # the worker's file: (future, function, arguments)

    class Finished(Future):
        """Finished by the test, or when its result is asked for."""

        def result(self, timeout=None):
            if not self.done():
                _, function, arguments = next(h for h in held if h[0] is self)
                self.set_result(function(*arguments))
            return super().result(timeout)

    def one_at_a_time(function, *arguments):
        if held and not held[-1][0].done():
            return None
        SENT.append(arguments[1].path)
        held.append((Finished(), function, pickle.loads(pickle.dumps(arguments))))
        return held[-1][0]

    sent_while_reading = []

    def reading_here(real):
        def read(text, path, *args):
            future, function, arguments = held[-1]
            if path not in SENT and not future.done():
                # This process reads a file of its own; meanwhile the worker finishes its file.
                future.set_result(function(*arguments))
                sent_while_reading.append(list(SENT))
            return real(text, path, *args)

        return read

    for reader in ("read_lesson", "read_quiz_text"):
        monkeypatch.setattr(source_cache, reader, reading_here(getattr(source_cache, reader)))
    monkeypatch.setattr(source_cache, "_memory", {})
    SENT.clear()
    course, _ = load_course(root, cache=tmp_path / "cache", submit=one_at_a_time)
    assert sent_while_reading[0] == ["modules/demo/secondary.en.md",
                                     "modules/demo/secondary.fr.md"]
    assert len(course.module("demo").lessons) == 2 and course.module("demo").quizzes


def test_files_with_errors_read_on_a_worker_are_not_stored(course_copy, monkeypatch, tmp_path):
    import pytest

    from builders.diagnostics import CourseError

    root = course_copy("full")
    lesson = root / "modules/demo/secondary.en.md"
    lesson.write_text(lesson.read_text() + "\nSee [§999].\n")
    monkeypatch.setattr(source_cache, "_memory", {})
    cache = tmp_path / "cache"
    with pytest.raises(CourseError) as raised:
        load_course(root, cache=cache, submit=_on_a_worker)
    assert any("999" in str(d) for d in raised.value.diagnostics)
    assert sorted(_stored(cache).values()) == ["modules/demo/secondary.fr.md",
                                               "quizzes/demo/secondary.yaml"]
    before = set(_stored(cache))
    quiz = root / "quizzes/demo/secondary.yaml"
    quiz.write_text(quiz.read_text().replace('paragraphs: ["8"]', 'paragraphs: ["998"]'))
    monkeypatch.setattr(source_cache, "_memory", {})
    with pytest.raises(CourseError) as raised:
        load_course(root, cache=cache, submit=_on_a_worker)
    assert any("998" in str(d) and "quizzes/" in str(d) for d in raised.value.diagnostics)
    assert set(_stored(cache)) == before  # the quiz with an error was not stored


def test_quizzes_come_from_the_cache_with_what_they_reported(course_copy, monkeypatch, tmp_path):
    """A quiz unchanged since the last run is not read again, and reports the same: what the
    loader and the rules on its words found."""
    import builders.quality.course_rules as course_rules

    root = course_copy("full")
    quiz = root / "quizzes/demo/secondary.yaml"
    quiz.write_text(quiz.read_text().replace("Which factor is **global**?",
                                             "Which factor is global for illegal migrants?"))
    read = _counting(monkeypatch, reader="read_quiz_text")
    cache = tmp_path / "cache"

    def load_in_a_new_process():
        monkeypatch.setattr(source_cache, "_memory", {})
        monkeypatch.setattr(course_rules, "_QUIZ_FOUND", {})
        read.clear()
        return load_course(root, cache=cache)

    first_course, first = load_in_a_new_process()
    assert read == ["quizzes/demo/secondary.yaml"]
    assert any(d.code == "term.preferred" and "quizzes/" in str(d) for d in first)
    course, again = load_in_a_new_process()
    assert read == []
    assert [str(d) for d in again] == [str(d) for d in first]
    assert course.module("demo").quizzes == first_course.module("demo").quizzes
    quiz.write_text(quiz.read_text().replace("illegal migrants", "migrants"))
    _, edited = load_in_a_new_process()
    assert read == ["quizzes/demo/secondary.yaml"]
    assert not any(d.code == "term.preferred" and "quizzes/" in str(d) for d in edited)


def test_check_reads_only_what_changed_since_the_last_build(course_copy, monkeypatch, run_cli):
    """`e4j check` after a build reads no unchanged lesson, reports what a check without a
    build reports, and keeps what it read for the next build."""
    root = course_copy("full")
    lesson = root / "modules/demo/secondary.fr.md"
    lesson.write_text(lesson.read_text() + "\n[ici](https://www.unodc.org/)\n")
    without_build = run_cli("--root", root, "check")
    assert "a11y.link-text" in without_build.err
    assert not (root / "exports").exists()  # a check alone writes nothing
    parsed = _counting(monkeypatch)
    build(root, root / "exports", ["gift"], workers=1)
    assert sorted(_stored(root / "exports/.e4j-cache/lessons").values()) == STORED
    monkeypatch.setattr(source_cache, "_memory", {})
    parsed.clear()
    checked = run_cli("--root", root, "check")
    assert parsed == []
    assert (checked.code, checked.out, checked.err) == (
        without_build.code, without_build.out, without_build.err)
    lesson.write_text(lesson.read_text().replace("[ici]", "[the UNODC site]"))
    monkeypatch.setattr(source_cache, "_memory", {})
    assert "a11y.link-text" not in run_cli("--root", root, "check").err
    assert parsed == ["modules/demo/secondary.fr.md"]
    monkeypatch.setattr(source_cache, "_memory", {})
    parsed.clear()
    build(root, root / "exports", ["gift"], workers=1)
    assert parsed == []
    assert sorted(_stored(root / "exports/.e4j-cache/lessons").values()) == STORED


def test_check_does_not_use_a_cache_a_link_leads_to(course_copy, monkeypatch, run_cli, tmp_path):
    """A course can bring its exports/ or cache folder as a symbolic link: `e4j check` then reads
    everything and writes nothing there."""
    root = course_copy("full")
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setattr(source_cache, "_memory", {})  # so the build stores what it reads
    build(root, elsewhere, ["gift"], workers=1)
    (root / "exports").mkdir()
    (root / "exports/.e4j-cache").symlink_to(elsewhere / ".e4j-cache")
    lesson = root / "modules/demo/secondary.en.md"
    lesson.write_text(lesson.read_text().replace("act together", "work together"))
    before = sorted(p.name for p in (elsewhere / ".e4j-cache/lessons").iterdir())
    parsed = _counting(monkeypatch)
    assert run_cli("--root", root, "check").code == 0
    assert sorted(parsed) == ["modules/demo/secondary.en.md", "modules/demo/secondary.fr.md"]
    assert sorted(p.name for p in (elsewhere / ".e4j-cache/lessons").iterdir()) == before
