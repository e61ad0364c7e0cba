"""University lessons as Jupyter notebooks: valid nbformat, answer cells, quiz, round trip."""

from __future__ import annotations

import json

import nbformat
import pytest

from builders.formats import get_builder
from builders.load import load_course
from builders.notebooks import TAG_ANSWER, TAG_LESSON, TAG_QUIZ, lesson_notebook, notebook_lesson
from conftest import COURSES


@pytest.fixture(scope="module")
def course():
    loaded, _ = load_course(COURSES / "full")
    return loaded


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_notebook_is_valid_and_round_trips(course, lang):
    module = course.module("demo")
    lesson = module.lesson("secondary", lang)
    notebook = lesson_notebook(course, module, lesson)
    nbformat.validate(nbformat.from_dict(notebook))
    assert notebook["metadata"]["e4j"]["paragraphs"] == list(lesson.paragraphs)
    path, text = notebook_lesson(notebook, "x.ipynb")
    assert path == lesson.path and text == lesson.source


def test_cells_answer_slots_and_quiz(course):
    module = course.module("demo")
    notebook = lesson_notebook(course, module, module.lesson("secondary", "en"))
    tags = [cell["metadata"]["tags"][0] for cell in notebook["cells"]]
    assert tags.count(TAG_ANSWER) == 3  # after the activity, the case study and the discussion
    assert tags.count(TAG_QUIZ) == 1 + 7
    lesson_cells = [c["source"] for c in notebook["cells"] if TAG_LESSON in c["metadata"]["tags"]]
    assert lesson_cells[0].startswith("## Risk factors")
    assert all(c["id"] for c in notebook["cells"])
    assert notebook == lesson_notebook(course, module, module.lesson("secondary", "en"))


def test_import_brings_an_edit_back(course_copy, run_cli, tmp_path):
    root = course_copy("full")
    loaded, _ = load_course(root)
    module = loaded.module("demo")
    notebook = lesson_notebook(loaded, module, module.lesson("secondary", "en"))
    cell = next(c for c in notebook["cells"] if TAG_LESSON in c["metadata"]["tags"])
    cell["source"] = cell["source"].replace("act together", "work together")
    file = tmp_path / "edited.ipynb"
    file.write_text(json.dumps(notebook), encoding="utf-8")
    result = run_cli("--root", root, "import", "notebook", file)
    assert result.code == 0 and "updated modules/demo/secondary.en.md" in result.out
    assert "work together [§7]" in (root / "modules/demo/secondary.en.md").read_text()
    assert run_cli("--root", root, "check", "--strict").code == 0


def test_import_rejects_foreign_notebooks(run_cli, tmp_path):
    file = tmp_path / "other.ipynb"
    file.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}))
    result = run_cli("import", "notebook", file)
    assert result.code == 1 and "notebook.metadata" in result.err and "Traceback" not in result.err
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{ not json")
    result = run_cli("import", "notebook", broken)
    assert result.code == 1 and f"{broken}:1:3: error[notebook.json]" in result.err


@pytest.mark.parametrize(("lesson_path", "message"), [
    ("modules/con/secondary.en.md", "unexpected lesson path"),  # a device name of Windows
    ("modules/demo/secondary.EN.md", "unexpected lesson path"),  # no language code
    ("modules/demo/teachers.en.md", "unexpected lesson path"),  # no audience
    ("modules/elsewhere/secondary.en.md", "a lesson of module 'elsewhere', which this course "
                                          "does not have"),
])
def test_import_writes_lessons_of_this_course_only(lesson_path, message, course, course_copy,
                                                     run_cli, tmp_path):
    """A notebook naming modules/elsewhere/ made that folder, with a lesson and no module.yaml;
    one naming secondary.EN.md wrote a lesson in a language no course has."""
    root = course_copy("full")
    module = course.module("demo")
    notebook = lesson_notebook(course, module, module.lesson("secondary", "en"))
    notebook["metadata"]["e4j"]["path"] = lesson_path
    file = tmp_path / "moved.ipynb"
    file.write_text(json.dumps(notebook), encoding="utf-8")
    before = sorted(root.rglob("*"))
    result = run_cli("--root", root, "import", "notebook", file)
    assert result.code == 1 and message in result.err, result.err
    assert sorted(root.rglob("*")) == before


def test_builder_writes_notebook_and_safe_preview(course_copy):
    root = course_copy("full")
    for lang in ("en", "fr"):
        (root / f"modules/demo/secondary.{lang}.md").rename(
            root / f"modules/demo/university.{lang}.md"
        )
    (root / "quizzes/demo/secondary.yaml").rename(root / "quizzes/demo/university.yaml")
    meta = root / "modules/demo/module.yaml"
    meta.write_text(meta.read_text().replace("audiences: [secondary]", "audiences: [university]"))
    loaded, _ = load_course(root)
    files = get_builder("notebook").build(loaded)
    assert sorted(files) == [
        "en/e4j-demo-university-en.html",
        "en/e4j-demo-university-en.ipynb",
        "fr/e4j-demo-university-fr.html",
        "fr/e4j-demo-university-fr.ipynb",
    ]
    preview = files["en/e4j-demo-university-en.html"].decode()
    assert "<script>alert" not in preview and "&lt;script&gt;alert" in preview
    assert "https://cdn" not in preview and "Risk factors" in preview


@pytest.mark.parametrize(
    ("notebook", "code"),
    [
        ([], "notebook.metadata"),
        ({"metadata": None}, "notebook.metadata"),
        ({"metadata": {"e4j": {"path": 3, "front_matter": ""}}}, "notebook.metadata"),
        ({"metadata": {"e4j": {"path": "modules/demo/secondary.en.md", "front_matter": ""}},
          "cells": {"0": {}}}, "notebook.cells"),
        ({"metadata": {"e4j": {"path": "modules/demo/secondary.en.md", "front_matter": ""}},
          "cells": [{"cell_type": "markdown", "metadata": {"tags": [TAG_LESSON]},
                     "source": [1, 2]}]}, "notebook.cells"),
    ],
)
def test_a_notebook_of_the_wrong_shape_gets_a_diagnostic(notebook, code, run_cli, tmp_path):
    """Any JSON may be given: what is not an exported lesson's shape is named, never a crash."""
    file = tmp_path / "odd.ipynb"
    file.write_text(json.dumps(notebook), encoding="utf-8")
    result = run_cli("import", "notebook", file)
    assert result.code == 1 and f"error[{code}]" in result.err, result.err
    assert "Traceback" not in result.err + result.out



@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"[" * 100_000 + b"]" * 100_000,
         ":1:1: error[notebook.json]: not a notebook: its JSON is nested too deeply"),
        (b'{"nbformat": ' + b"1" * 5000 + b"}", ":1:1: error[notebook.json]: not a notebook: a "
                                               "number in it has too many digits"),
        (b'{"cells": [],\n "x": "caf\xe9"}', ":2:11: error[import.encoding]"),
        (b'{"cells": [],\n "x": }', ":2:7: error[notebook.json]"),
    ],
)
def test_a_file_that_is_no_json_notebook_gets_a_located_diagnostic(data, error, run_cli,
                                                                   tmp_path):
    file = tmp_path / "odd.ipynb"
    file.write_bytes(data)
    result = run_cli("import", "notebook", file)
    assert result.code == 1 and f"{file}{error}" in result.err, result.err
    assert "Traceback" not in result.err + result.out
