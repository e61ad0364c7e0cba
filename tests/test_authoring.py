"""Authoring helpers: `e4j new` skeletons that `e4j check` guides to completion, and the live
preview server (a real file change, real HTTP requests)."""

from __future__ import annotations

import itertools
import time
import urllib.error
import urllib.request

import pytest

from builders.serve import VERSION_PATH, start
from conftest import PROJECT


def test_new_module_is_a_guided_skeleton(course_copy, run_cli):
    root = course_copy("full")
    made = run_cli("--root", root, "new", "module", "safe-migration", "--audience", "university")
    assert made.code == 0 and "created modules/safe-migration/university.fr.md" in made.out
    body = (root / "modules/safe-migration/university.en.md").read_text()
    assert "## Key issues" in body and "::: local-help" in body
    check = run_cli("--root", root, "check")
    assert check.code == 1
    assert (
        "modules/safe-migration/university.en.md:2:8: error[schema.empty]: 'title' in the "
        "front matter is empty" in check.err
    )
    assert "quizzes/safe-migration/university.yaml:6:12: error[quiz.empty]" in check.err
    again = run_cli("--root", root, "new", "module", "safe-migration", "--audience", "university")
    assert again.code == 2 and "exists already" in again.err


def test_new_lesson_registers_the_audience(course_copy, run_cli):
    root = course_copy("full")
    assert run_cli("--root", root, "new", "lesson", "demo", "--audience", "primary").code == 0
    assert "primary" in (root / "modules/demo/module.yaml").read_text()
    assert (root / "modules/demo/primary.fr.md").is_file()
    assert run_cli("--root", root, "new", "lesson", "nope", "--audience", "primary").code == 2


@pytest.mark.parametrize(
    ("audiences", "registered"),
    [
        ("audiences: [secondary]\n", "audiences: [secondary, primary]\n"),
        ("# who it is for\naudiences:\n  - secondary  # teenagers\n",
         "# who it is for\naudiences:\n  - secondary  # teenagers\n  - primary\n"),
    ],
)
def test_new_lesson_changes_only_the_audiences_of_the_module_file(
    audiences, registered, course_copy, run_cli
):
    """The author's comments and layout stay: the file is not written out again by a YAML
    dumper, one item is added to the list as it is written."""
    root = course_copy("full")
    meta = root / "modules/demo/module.yaml"
    before = meta.read_text("utf-8").replace("audiences: [secondary]\n", audiences)
    meta.write_text(before, encoding="utf-8")
    assert run_cli("--root", root, "new", "lesson", "demo", "--audience", "primary").code == 0
    assert meta.read_text("utf-8") == before.replace(audiences, registered)
    check = run_cli("--root", root, "check").err.splitlines()  # the new lesson's empty fields
    assert not [line for line in check if line.startswith("modules/demo/module.yaml:")
                and "error[" in line]


def test_new_in_a_course_with_a_broken_course_file_names_the_problem(course_copy, run_cli):
    root = course_copy("full")
    (root / "modules/course.yaml").write_text("title: [\n", encoding="utf-8")
    result = run_cli("--root", root, "new", "module", "other", "--audience", "secondary")
    assert result.code == 1, result.err
    assert "modules/course.yaml:2:1: error[yaml.syntax]" in result.err
    assert "Traceback" not in result.err and "report it" not in result.err
    assert not (root / "modules/other").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("quiz", "../../outside", "--audience", "secondary"), "is not a module id"),
        (("quiz", "demo", "--audience", "../../outside"), "unknown audience '../../outside'"),
        (("quiz", "nosuch", "--audience", "secondary"), "there is no module 'nosuch'"),
        (("lesson", "../modules/demo", "--audience", "primary"), "is not a module id"),
        # A name Windows keeps for a device: con.html, a package folder con/ (and NUL.txt…)
        (("module", "con", "--audience", "primary"), "not a device name of Windows"),
        (("module", "lpt1", "--audience", "primary"), "not a device name of Windows"),
        # All the command's files or none: the primary lesson was written, then "secondary
        # exists already; nothing was written"
        (("lesson", "demo", "--audience", "primary", "--audience", "secondary"),
         "secondary.en.md exists already; nothing was written"),
        (("quiz", "demo", "--audience", "primary", "--audience", "secondary"),
         "quizzes/demo/secondary.yaml exists already; nothing was written"),
        (("module", "notes", "--audience", "primary"),
         "modules/notes is a file, where a folder would be made; nothing was written"),
    ],
)
def test_new_writes_only_where_a_module_and_audience_lead(args, message, course_copy, run_cli):
    """`e4j new quiz` took any module id and audience as a path: '../../x' wrote outside."""
    root = course_copy("full")
    (root / "modules/notes").write_text("a file where a module folder would be\n", "utf-8")
    before = sorted(p for p in root.parent.rglob("*"))
    result = run_cli("--root", root, "new", *args)
    assert result.code != 0 and message in result.err, result.err
    assert sorted(p for p in root.parent.rglob("*")) == before


def test_an_audience_given_twice_is_one_lesson(course_copy, run_cli):
    """`e4j new module x --audience primary --audience primary` wrote the module and its primary
    lessons, then stopped on them: "exists already; nothing was written"."""
    root = course_copy("full")
    result = run_cli("--root", root, "new", "module", "safe-travel", "--audience", "primary",
                     "--audience", "primary")
    assert result.code == 0, result.err
    assert "audiences:\n- primary\n" in (root / "modules/safe-travel/module.yaml").read_text()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for_version(base: str, old: str) -> str:
    for _ in range(60):
        current = _get(base + VERSION_PATH)
        if current != old:
            return current
        time.sleep(0.2)
    raise AssertionError("the preview did not rebuild")


def test_preview_rebuilds_on_change_and_shows_problems(course_copy):
    root = course_copy("full")
    preview, server = start(root, root / "exports", port=0)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert server.server_address[0] == "127.0.0.1"
        page = _get(base + "/en/secondary/demo.html")
        assert "Sort the cards" in page and VERSION_PATH in page
        version = _get(base + VERSION_PATH)
        lesson = root / "modules/demo/secondary.en.md"
        lesson.write_text(lesson.read_text().replace("Sort the cards", "Group the cards"))
        version = _wait_for_version(base, version)
        assert "Group the cards" in _get(base + "/en/secondary/demo.html")
        lesson.write_text(lesson.read_text().replace("## Who is most affected", "# Oops"))
        _wait_for_version(base, version)
        page = _get(base + "/en/secondary/demo.html")
        assert 'role="alert"' in page and "modules/demo/secondary.en.md:" in page
        assert "error[lesson.h1]" in page and "Group the cards" in page
        assert VERSION_PATH not in (root / "exports/html/en/secondary/demo.html").read_text()
    finally:
        preview.stop.set()
        server.shutdown()
        server.server_close()


def test_preview_answers_only_requests_for_this_machine(course_copy):
    """A web page could read the preview through a name of its own resolving to 127.0.0.1
    (DNS rebinding); the preview now answers only requests for 127.0.0.1 or localhost."""
    root = course_copy("full")
    preview, server = start(root, root / "exports", port=0)
    port = server.server_address[1]
    try:
        hosts = [(f"127.0.0.1:{port}", 200), (f"localhost:{port}", 200),
                 (f"attacker.example:{port}", 403), ("attacker.example", 403)]
        for (host, status), method in itertools.product(hosts, ("GET", "HEAD")):
            request = urllib.request.Request(f"http://127.0.0.1:{port}/en/secondary/demo.html",
                                             headers={"Host": host}, method=method)
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    answer = response.status
            except urllib.error.HTTPError as refused:
                answer = refused.code
            assert answer == status, (host, method)
    finally:
        preview.stop.set()
        server.shutdown()
        server.server_close()


def test_preview_answers_a_path_no_file_can_have_without_a_traceback(course_copy, capfd):
    root = course_copy("full")
    preview, server = start(root, root / "exports", port=0)
    port = server.server_address[1]
    try:
        for path, method in itertools.product(("/%00", "/en/%00.html", "/en/secondary/%00/"),
                                              ("GET", "HEAD")):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=5)
            refused.value.close()
            assert refused.value.code == 404, (path, method)
        assert _get(f"http://127.0.0.1:{port}/en/secondary/demo.html")  # still serving
    finally:
        preview.stop.set()
        server.shutdown()
        server.server_close()
    assert "Traceback" not in capfd.readouterr().err


def test_preview_follows_an_overlay(course_copy, tmp_path):
    root = course_copy("full")
    overlay = tmp_path / "local"
    (overlay / "modules/demo").mkdir(parents=True)
    patch = overlay / "modules/demo/secondary.en.md"
    patch.write_text("## Who is most affected\n\nLocal text, first draft [§30].\n")
    (overlay / "modules/demo/secondary.fr.md").write_text(
        "## Qui est le plus touché\n\nTexte local [§30].\n")
    preview, server = start(root, root / "exports", port=0, overlays=[overlay])
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert "Local text, first draft" in _get(base + "/en/secondary/demo.html")
        version = _get(base + VERSION_PATH)
        patch.write_text(patch.read_text().replace("first draft", "second draft"))
        _wait_for_version(base, version)
        assert "Local text, second draft" in _get(base + "/en/secondary/demo.html")
    finally:
        preview.stop.set()
        server.shutdown()
        server.server_close()


def test_the_quiz_reference_is_the_one_the_loader_checks(run_cli):
    """docs/quiz-reference.md is generated from the keys the loader checks; regenerate it with
    `e4j reference quiz > docs/quiz-reference.md` when a key changes."""
    from builders.load.quiz import BY_TYPE

    printed = run_cli("reference", "quiz")
    assert printed.code == 0
    assert (PROJECT / "docs/quiz-reference.md").read_text(encoding="utf-8") == printed.out
    for kind, (required, optional) in BY_TYPE.items():
        assert f"## `type: {kind}`" in printed.out
        for key in (*required, *optional):
            assert f"| `{key}` |" in printed.out


def test_a_key_the_reference_does_not_list_is_refused(course_copy, run_cli):
    root = course_copy("full")
    quiz = root / "quizzes/demo/secondary.yaml"
    quiz.write_text(quiz.read_text().replace("pass_mark:", "passmark:"), encoding="utf-8")
    result = run_cli("--root", root, "check")
    assert result.code == 1
    assert "error[schema.unknown-key]: unknown key 'passmark'" in result.err
    assert "did you mean 'pass_mark'" in result.err


def _linked_away(root, rel, tmp_path):
    """Move the course folder `rel` out of the course and leave a symbolic link in its place;
    the folder it points to, and what it holds."""
    away = tmp_path / "outside" / rel.replace("/", "-")
    away.parent.mkdir(exist_ok=True)
    (root / rel).rename(away)
    (root / rel).symlink_to(away, target_is_directory=True)
    return away, sorted(away.rglob("*"))


@pytest.mark.parametrize(
    ("linked", "args"),
    [
        ("modules/demo", ("lesson", "demo", "--audience", "primary")),
        ("quizzes", ("module", "safe-migration", "--audience", "university")),
        ("quizzes/demo", ("quiz", "demo", "--audience", "primary")),
    ],
)
def test_new_writes_nothing_through_a_symbolic_link(linked, args, course_copy, run_cli, tmp_path):
    """The loader refuses linked folders (source.symlink); `e4j new` wrote through them."""
    root = course_copy("full")
    away, held = _linked_away(root, linked, tmp_path)
    before = sorted(p for p in root.rglob("*"))
    result = run_cli("--root", root, "new", *args)
    assert result.code == 2 and f"{linked} is a symbolic link" in result.err, result.err
    assert sorted(away.rglob("*")) == held
    assert sorted(p for p in root.rglob("*")) == before


def test_import_writes_nothing_through_a_symbolic_link(course_copy, run_cli, tmp_path):
    import json

    from builders.formats import get_builder
    from builders.load import load_course
    from builders.notebooks import lesson_notebook

    root = course_copy("full")
    course, _ = load_course(root)
    module = course.module("demo")
    notebook = tmp_path / "lesson.ipynb"
    notebook.write_text(json.dumps(lesson_notebook(course, module, module.lesson("secondary",
                                                                                 "en"))))
    bank = tmp_path / "bank.xml"
    bank.write_bytes(
        get_builder("moodle_xml").build(course)["multilang/e4j-demo-secondary-multilang.xml"]
    )
    lessons, held_lessons = _linked_away(root, "modules/demo", tmp_path)
    (lessons / "secondary.en.md").write_text("changed outside")
    quizzes, held_quizzes = _linked_away(root, "quizzes", tmp_path)

    by_notebook = run_cli("--root", root, "import", "notebook", notebook)
    by_bank = run_cli("--root", root, "import", "moodle-xml", bank, "--force")

    assert by_notebook.code == 2 and "modules/demo is a symbolic link" in by_notebook.err
    assert by_bank.code == 2 and "quizzes is a symbolic link" in by_bank.err
    assert (lessons / "secondary.en.md").read_text() == "changed outside"
    assert sorted(lessons.rglob("*")) == held_lessons
    assert sorted(quizzes.rglob("*")) == held_quizzes


def test_a_module_named_as_a_windows_device_is_refused(course_copy, run_cli):
    """A module folder `aux`: its page aux.html and its package folder aux/ cannot be copied to
    a Windows server or PC (NUL, CON, AUX… with any extension are devices there)."""
    root = course_copy("full")
    (root / "modules/demo").rename(root / "modules/aux")
    (root / "quizzes/demo").rename(root / "quizzes/aux")
    meta = root / "modules/aux/module.yaml"
    meta.write_text(meta.read_text("utf-8").replace("id: demo", "id: aux"), "utf-8")
    result = run_cli("--root", root, "check")
    assert result.code == 1
    assert "modules/aux:1:1: error[module.id]: module folder 'aux' is not a module id" in \
        result.err, result.err
