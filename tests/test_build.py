"""Whole builds through the CLI: determinism, incremental rebuilds, selection, safety of outputs."""

from __future__ import annotations

import os
import platform
import re
import shutil
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import html5lib
import pytest
import yaml
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from builders.diagnostics import CourseError
from builders.pipeline import Selection, build
from conftest import COURSES, tree_bytes, yaml_text

FOREIGN_REFERENCE = re.compile(
    r"""(?:src|srcset|poster|data|action|formaction)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|<link[^>]+href\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//|@import|fetch\(|XMLHttpRequest|sendBeacon|WebSocket""",
    re.IGNORECASE,
)


def html_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def test_build_is_deterministic(course_copy, tmp_path):
    root = course_copy("full")
    first, second = tmp_path / "one", tmp_path / "two"
    build(root, first, ["html"])
    build(root, second, ["html"], force=True)
    assert tree_bytes(first) == tree_bytes(second)
    assert len(tree_bytes(first)) >= 10


def test_noop_and_incremental_rebuild(course_copy):
    root = course_copy("full")
    out = root / "exports"
    full = build(root, out, ["html"])
    assert full.formats[0].built == 7 and full.formats[0].reused == 0
    assert build(root, out, ["html"]).up_to_date
    english_page = (out / "html/en/secondary/demo.html").stat().st_ino
    lesson = root / "modules/demo/secondary.fr.md"
    lesson.write_text(
        lesson.read_text().replace("Qui est le plus touché", "Qui est le plus exposé")
    )
    again = build(root, out, ["html"])
    report = again.formats[0]
    assert report.built == 2 and report.reused == 5
    assert sorted(report.written) == [
        "fr/secondary/demo.html",
        "fr/secondary/index.html",
        "fr/secondary/teacher/demo.html",
    ]
    assert "Qui est le plus exposé" in (out / "html/fr/secondary/demo.html").read_text()
    assert (out / "html/en/secondary/demo.html").stat().st_ino == english_page
    assert not [p for p in out.iterdir() if p.name.startswith((".tmp-", ".old-"))]


def test_the_up_to_date_check_holds_one_source_file_at_a_time(course_copy):
    """The no-op build fingerprints every source file: a module folder of large files (photos,
    scans) costs reading them, not holding them all."""
    root = course_copy("full")
    out = root / "exports"
    build(root, out, ["gift"])
    extra = root / "modules/demo/images/scans"
    extra.mkdir()
    for number in range(40):
        (extra / f"scan-{number:02d}.png").write_bytes(os.urandom(1_000_000))
    build(root, out, ["gift"])
    tracemalloc.start()
    try:
        assert build(root, out, ["gift"]).up_to_date
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000, f"{peak:,} bytes held to fingerprint 40 MB of files"


def _replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def _lesson_and_quiz(root: Path) -> None:
    _replace(root, "modules/demo/secondary.en.md", "Sort the cards",
             "Read [the report](https://www.unodc.org/), then sort the cards")
    _replace(root, "quizzes/demo/secondary.yaml", "Which factor is **global**?",
             "Which factor is *global*?")


def _add_module(root: Path) -> None:
    """A copy of the demo module, with ids of its own."""
    shutil.copytree(root / "modules/demo", root / "modules/extra")
    shutil.copytree(root / "quizzes/demo", root / "quizzes/extra")
    _replace(root, "modules/extra/module.yaml", "id: demo", "id: extra")
    for path in [*(root / "modules/extra").glob("*.md"), root / "quizzes/extra/secondary.yaml"]:
        text = re.sub(r"(?m)^(\s+- id: |\s+outcome: )", r"\1x-", path.read_text("utf-8"))
        path.write_text(text, "utf-8")


SOURCE_EDITS = {  # one change to each kind of source, each shown in some format
    "lesson and quiz": _lesson_and_quiz,
    "course title": lambda root: _replace(root, "modules/course.yaml", "Test course",
                                          "Trial course"),
    "course languages": lambda root: _replace(  # their order in multilingual banks
        root, "modules/course.yaml", "languages: [en, fr]", "languages: [fr, en]"),
    "module title": lambda root: _replace(root, "modules/demo/module.yaml", "Demo module",
                                          "Sample module"),
    "glossary definition": lambda root: _replace(
        root, "modules/glossary.yaml", "Circumstances that make harm more likely",
        "Situations that make harm likelier"),
    "source summary": lambda root: _replace(root, "modules/sources.yaml", "Global factors.",
                                            "Factors of the whole world."),
    "source document": lambda root: _replace(  # named at the foot of every page
        root, "modules/sources.yaml", "document: CTOC/COP/WG.4/2019/2",
        "document: CTOC/COP/WG.4/2019/3"),
    "image": lambda root: (root / "modules/demo/images/levels.png").write_bytes(
        (root / "modules/demo/images/levels.png").read_bytes() + b"\0"),
    "module added": _add_module,
    "module removed": lambda root: [shutil.rmtree(root / f"{folder}/extra")
                                    for folder in ("modules", "quizzes")],
    "interface strings": lambda root: (root / "locales").mkdir() or (
        root / "locales/en.yaml").write_text("course_home: Every edition\n", "utf-8"),
}
BEFORE_EDIT = {"module removed": _add_module}


@pytest.mark.parametrize(
    "edit",
    [pytest.param(name, marks=[] if name == "lesson and quiz" else [pytest.mark.slow])
     for name in SOURCE_EDITS],
)
def test_an_incremental_rebuild_writes_what_a_clean_build_writes(edit, course_copy, tmp_path,
                                                                 monkeypatch):
    """Every format, after one kind of source changed: the files carried over and the files
    rebuilt (on threads, from lessons found in the build cache) are byte for byte those of a
    build from nothing. A rebuild that missed what a page shows (the course title on every HTML
    page, a module's title in its question bank's category) would leave it stale."""
    from builders.formats import REGISTRY

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = course_copy("full")
    BEFORE_EDIT.get(edit, lambda root: None)(root)
    out = tmp_path / "incremental"
    build(root, out, list(REGISTRY))
    SOURCE_EDITS[edit](root)
    again = build(root, out, list(REGISTRY))
    if edit != "interface strings":  # buttons and labels are on every page: all is rebuilt
        assert any(report.reused for report in again.formats)
    build(root, tmp_path / "clean", list(REGISTRY), force=True)
    incremental, clean = tree_bytes(out), tree_bytes(tmp_path / "clean")
    assert sorted(incremental) == sorted(clean)
    assert [name for name in clean if incremental[name] != clean[name]] == []


# Any one value changed anywhere in the sources: the edit SOURCE_EDITS did not think of is the
# one a job's inputs may miss (the source document in the footer of the home page did).
EPOCH = "1700000000"
LOCAL_CONFIG = """\
[profile]
country = "Testland"
verified_on = 2026-11-01

[profile.local]
labour-inspectorate = "the Testland Labour Office"

[[profile.help]]
name = "School counsellor"
contact = "room 12"
notes = "weekdays"

[branding]
institution = "Test College"
attribution = "Adapted by Test College"
colour = "#005a8c"
"""
EDITED_YAML = ["modules/course.yaml", "modules/sources.yaml", "modules/glossary.yaml",
               "modules/glossary/extra.yaml", "modules/demo/module.yaml",
               "quizzes/demo/secondary.yaml"]
EDITED_LESSONS = ["modules/demo/secondary.en.md", "modules/demo/secondary.fr.md"]


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """The test course with a local adaptation (e4j.toml), built once in every format."""
    from builders.formats import REGISTRY

    base = tmp_path_factory.mktemp("built-once")
    shutil.copytree(COURSES / "full", base / "course")
    (base / "course/e4j.toml").write_text(LOCAL_CONFIG, "utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build(base / "course", base / "exports", list(REGISTRY))
    return base


def _places(node: object, path: tuple = ()) -> Iterator[tuple[tuple, object]]:
    """(path, value) of every scalar in a YAML document, and of every list of two or more."""
    children = (node.items() if isinstance(node, dict)
                else enumerate(node) if isinstance(node, list) else ())
    for key, child in children:
        yield from _places(child, (*path, key))
    if not isinstance(node, dict) and (not isinstance(node, list) or len(node) >= 2) and path:
        yield path, node


def _changed(data: st.DataObject, value: object) -> object:
    if isinstance(value, list):  # two neighbours swapped
        index = data.draw(st.integers(0, len(value) - 2))
        return [*value[:index], value[index + 1], value[index], *value[index + 2:]]
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + data.draw(st.sampled_from([1, -1, 10]))
    if isinstance(value, str) and value:
        words = value.split(" ")
        words[data.draw(st.integers(0, len(words) - 1))] = "changed"
        return data.draw(st.sampled_from([value + " more", value.upper(), " ".join(words)]))
    return "changed"


def _yaml_changed(data: st.DataObject, text: str) -> str:
    document = yaml.safe_load(text)
    path, value = data.draw(st.sampled_from(list(_places(document))))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = _changed(data, value)
    return yaml_text(document)


def _one_edit(data: st.DataObject, root: Path) -> None:
    kind = data.draw(st.sampled_from(["yaml", "front matter", "lesson text", "e4j.toml"]))
    if kind == "yaml":
        path = root / data.draw(st.sampled_from(EDITED_YAML))
        path.write_text(_yaml_changed(data, path.read_text("utf-8")), "utf-8")
    elif kind == "e4j.toml":
        path = root / "e4j.toml"
        text = path.read_text("utf-8")
        value = data.draw(st.sampled_from(re.findall(r'"[^"#]+"', text)))
        path.write_text(text.replace(value, value[:-1] + ' changed"', 1), "utf-8")
    else:
        path = root / data.draw(st.sampled_from(EDITED_LESSONS))
        text = path.read_text("utf-8")
        end = text.index("\n---\n", 4) + 1
        if kind == "front matter":
            text = "---\n" + _yaml_changed(data, text[4:end]) + text[end:]
        else:
            lines, body = text.split("\n"), text[:end].count("\n")
            prose = [i for i, line in enumerate(lines) if i > body and re.match(r"\w", line)]
            index = data.draw(st.sampled_from(prose))
            lines[index] = lines[index].replace(" ", " changed ", 1)
            text = "\n".join(lines)
        path.write_text(text, "utf-8")


@pytest.mark.slow
@settings(max_examples=30, deadline=None, derandomize=True, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_after_any_one_edit_an_incremental_rebuild_writes_what_a_clean_build_writes(
    data, built_once, tmp_path_factory, monkeypatch
):
    from builders.formats import REGISTRY

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    base = tmp_path_factory.mktemp("one-edit")
    root, out = base / "course", base / "exports"
    shutil.copytree(built_once / "course", root)
    shutil.copytree(built_once / "exports", out)
    _one_edit(data, root)
    try:
        build(root, out, list(REGISTRY))
    except CourseError:  # the edit made the course invalid: nothing to compare
        assume(False)
    build(root, base / "clean", list(REGISTRY), force=True)
    incremental, clean = tree_bytes(out), tree_bytes(base / "clean")
    assert sorted(incremental) == sorted(clean)
    assert [name for name in clean if incremental[name] != clean[name]] == []


def test_a_build_leaves_the_collector_as_it_found_it(course_copy, monkeypatch):
    """The course is left out of garbage collections only while a build writes it out: the
    preview server builds again and again in one process, and must not keep every course."""
    import gc

    import builders.pipeline as pipeline

    root = course_copy("full")
    frozen_while_writing = []
    write_format = pipeline._write_format

    def writing(*args, **kwargs):
        frozen_while_writing.append(gc.get_freeze_count())
        return write_format(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_write_format", writing)
    before = gc.get_threshold()
    build(root, root / "exports", ["html"], force=True)
    assert frozen_while_writing and all(frozen_while_writing)
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before


def test_selection_builds_only_what_was_asked(course_copy):
    root = course_copy("full")
    out = root / "exports"
    build(root, out, ["html"], Selection(langs=frozenset({"fr"})))
    assert (out / "html/fr/secondary/demo.html").is_file()
    assert not (out / "html/en").exists()
    build(root, out, ["html"])
    assert (out / "html/en/secondary/demo.html").is_file()
    assert (out / "html/fr/secondary/demo.html").is_file()


def test_cli_build_summary_and_index(course_copy, run_cli):
    root = course_copy("full")
    result = run_cli("--root", root, "build")
    assert result.code == 0, result.err
    assert "html" in result.out and "Open" in result.out
    index = (root / "exports/index.html").read_text()
    assert 'href="html/en/secondary/teacher/demo.html"' in index
    assert re.search(r"\d+(\.\d)? kB", index)
    assert run_cli("--root", root, "build").out.startswith("Up to date")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--format", "htm"], "did you mean 'html'?"),
        (["build", "--audience", "secundary"], "did you mean 'secondary'?"),
        (["build", "--lang", "de"], "the course has no language 'de'"),
        (["build", "--module", "dem"], "did you mean 'demo'?"),
        (["frobnicate"], "invalid choice"),
        (["build", "--format", "html", "--out", "/dev/null/exports"],
         "e4j: error: the output folder /dev/null/exports cannot be made: /dev/null is a file"),
        (["serve", "--port", "99999"], "'99999' is not a port (0 to 65535)"),
        (["results", "--pre", "a.csv", "--post", "b.csv", "--out", "r", "--pass-mark", "nan"],
         "'nan' is not a percentage (0 to 100)"),
        (["results", "--pre", "a.csv", "--post", "b.csv", "--out", "r", "--min-cell", "0"],
         "'0' is not a whole number of at least 1"),
        (["results", "--pre", "a.csv", "--post", "b.csv", "--out", "r", "--lang", "de"],
         "invalid choice: 'de'"),
    ],
)
def test_usage_errors_exit_2(args, message, course_copy, run_cli):
    root = course_copy("full")
    result = run_cli("--root", root, *args)
    assert result.code == 2
    assert message in result.err
    exports = root / "exports"  # at most the cache of the sources read before the mistake showed
    assert not exports.exists() or [p.name for p in exports.iterdir()] == [".e4j-cache"]


def test_list_and_check(course_copy, run_cli):
    root = course_copy("full")
    listed = run_cli("--root", root, "list")
    assert listed.code == 0 and "demo" in listed.out and "7" in listed.out
    checked = run_cli("--root", root, "check", "--strict")
    assert checked.code == 0 and "1 module(s), 2 lesson(s)" in checked.out


def test_strict_turns_warnings_into_errors(course_copy, run_cli):
    root = course_copy("full")
    (root / "quizzes/demo/secondary.yaml").unlink()
    assert run_cli("--root", root, "check").code == 0
    strict = run_cli("--root", root, "check", "--strict")
    assert strict.code == 1 and "warning[module.missing-quiz]" in strict.err


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from conftest import COURSES

    out = tmp_path_factory.mktemp("exports")
    build(COURSES / "full", out, ["html"])
    return out


def test_every_page_is_valid_html5(built):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    pages = html_files(built)
    assert len(pages) == 8  # 7 in html/ plus exports/index.html
    for page in pages:
        document = parser.parse(page.read_bytes())
        assert document.find("head/title").text.strip(), page
        assert len(document.findall(".//h1")) == 1, page


def test_no_reference_to_another_host(built):
    for path in sorted(built.rglob("*")):
        if path.suffix in (".html", ".css", ".js"):
            text = path.read_text()
            assert not FOREIGN_REFERENCE.search(text), f"{path}: {FOREIGN_REFERENCE.search(text)}"


def test_raw_html_is_never_passed_through(built):
    for page in html_files(built):
        text = page.read_text()
        assert "<script>alert" not in text
        assert "javascript:" not in text
    learner = (built / "html/en/secondary/demo.html").read_text()
    assert "&lt;script&gt;alert" in learner


def test_learner_and_teacher_editions(built):
    learner = (built / "html/fr/secondary/demo.html").read_text()
    teacher = (built / "html/fr/secondary/teacher/demo.html").read_text()
    assert "protocole de protection" not in learner and "protocole de protection" in teacher
    assert 'id="quiz-data"' in learner and 'id="quiz-data"' not in teacher
    assert "Corrigé" in teacher and "Déroulement de la séance" in teacher
    assert "Grille de correction" in teacher and "Grille de correction" not in learner
    assert '<html lang="fr">' in learner
    assert 'lang="en" hreflang="en"' in learner
    assert 'href="#para-16a"' in learner and 'id="para-16a"' in learner
    assert 'href="#term-vulnerability"' in learner and 'id="term-vulnerability"' in learner


def test_learner_pages_stay_light(built):
    """A guard against bloat, not a speed test: sizes are measured in `make bench`."""
    shared = sum(p.stat().st_size for p in (built / "html/assets").iterdir())
    page = (built / "html/en/secondary/demo.html").stat().st_size
    assert shared < 20_000 and page < 40_000


def test_the_e4j_command_prints_everything_and_keeps_its_exit_code(course_copy, tmp_path):
    """`python -m builders` (as the installed `e4j`) ends without tearing its objects down one
    by one after a successful run: what it printed still arrives whole, and the exit code is
    kept. A first build that fails while its workers start winds them up and ends at once."""
    import subprocess
    import sys

    from conftest import PROJECT

    def e4j(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "builders", *args], capture_output=True,
                              text=True, cwd=PROJECT, timeout=120,
                              env={**os.environ, "COLUMNS": "200"})

    bad = e4j("--root", str(tmp_path / "nowhere"), "check")
    assert bad.returncode == 1
    assert bad.stderr.endswith("1 error(s), 0 warning(s)\n")
    root = course_copy("full")
    built = e4j("--root", str(root), "build", "--format", "gift", "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    assert f"Open {tmp_path / 'out' / 'index.html'}" in built.stdout
    assert (tmp_path / "out" / "gift").is_dir()
    lesson = root / "modules/demo/secondary.en.md"
    lesson.write_text(lesson.read_text() + "\nSee [§999].\n")
    failed = e4j("--root", str(root), "build", "--out", str(tmp_path / "failed"))
    assert failed.returncode == 1
    assert "error[cite.unknown-paragraph]" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_an_exports_folder_that_is_a_link_is_built_into_only_when_named(
    course_copy, run_cli, tmp_path
):
    """A course can bring exports/ as a link to any folder, whose html/, pdf/… a build
    replaces: the user's own folders of those names were deleted."""
    root = course_copy("full")
    home = tmp_path / "home"
    (home / "html").mkdir(parents=True)
    (home / "html" / "mine.txt").write_text("the user's own file")
    (root / "exports").symlink_to(home, target_is_directory=True)

    for command in ("build", "serve"):
        refused = run_cli("--root", root, command)
        assert refused.code == 2 and "exports is a symbolic link" in refused.err, refused.err
    assert sorted(p.relative_to(home).as_posix() for p in home.rglob("*")) == ["html",
                                                                                "html/mine.txt"]
    named = run_cli("--root", root, "build", "--format", "gift", "--out", root / "exports")
    assert named.code == 0 and (home / "gift").is_dir()


@pytest.mark.parametrize("inside", ["modules", "modules/demo/out", "quizzes/demo"])
def test_an_output_folder_among_the_sources_is_refused(inside, course_copy, run_cli):
    """Built into modules/demo/out, the next build read the last one's files as the module's
    (as MkDocs refuses a site_dir inside docs_dir)."""
    root = course_copy("full")
    before = sorted(root.rglob("*"))
    for command in ("build", "serve"):
        result = run_cli("--root", root, command, "--out", root / inside)
        assert result.code == 2 and "is inside the sources" in result.err, result.err
    assert sorted(root.rglob("*")) == before


@pytest.mark.parametrize("out", [None, "notes.txt", "notes.txt/site"])
def test_an_output_folder_where_a_file_stands_is_refused_by_name(out, course_copy, run_cli):
    """A file where the output folder would be gave "Not a directory: …/.e4j-cache", naming
    neither the option nor the file in the way."""
    root = course_copy("full")
    blocking = root / ("exports" if out is None else "notes.txt")
    blocking.write_text("my notes\n", "utf-8")
    for command in ("build", "serve"):
        result = run_cli("--root", root, command, *(["--out", root / out] if out else []))
        assert result.code == 2, result.err
        assert f"{blocking} is a file; choose a folder with --out" in result.err, result.err
    assert blocking.read_text("utf-8") == "my notes\n"


def test_images_named_with_accents_and_spaces_are_found_and_published(course_copy, run_cli):
    """`images/carte-région.png` is written percent-encoded in the Markdown parser's output, and
    a file copied from macOS has its accents decomposed: both used to be 'does not exist'."""
    import unicodedata
    import zipfile

    root = course_copy("full")
    images = root / "modules/demo/images"
    decomposed = unicodedata.normalize("NFD", "carte-région.png")
    shutil.copy(images / "levels.png", images / decomposed)
    shutil.copy(images / "levels.png", images / "my map.png")
    lesson = root / "modules/demo/secondary.en.md"
    lesson.write_text(lesson.read_text("utf-8") + "\n![A regional map](images/carte-région.png)\n"
                      "\n![The same map](images/my%20map.png)\n", "utf-8")
    out = root / "exports"
    result = run_cli("--root", root, "build", "--jobs", "1", "--out", out,
                     "--format", "html", "--format", "scorm12", "--format", "pdf")
    assert result.code == 0, result.err
    page = (out / "html/en/secondary/demo.html").read_text("utf-8")
    assert 'src="../../media/demo/images/carte-r%C3%A9gion.png"' in page
    assert 'src="../../media/demo/images/my%20map.png"' in page
    assert (out / "html/media/demo/images/carte-région.png").read_bytes() == (
        images / "levels.png").read_bytes()
    assert (out / "html/media/demo/images/my map.png").is_file()
    package = zipfile.ZipFile(out / "scorm12/e4j-demo-secondary-en-scorm12.zip")
    assert {"media/demo/images/carte-région.png", "media/demo/images/my map.png"} <= set(
        package.namelist())
    lesson.write_text(lesson.read_text("utf-8") + "\n![Missing](images/forêt.png)\n", "utf-8")
    missing = run_cli("--root", root, "check")
    assert "image 'images/forêt.png' does not exist in the module folder" in missing.err
    lesson.write_text(lesson.read_text("utf-8").replace("images/forêt.png", "images/My%20map.PNG"),
                      "utf-8")
    assert "did you mean 'images/my map.png'?" in run_cli("--root", root, "check").err


def test_another_version_of_a_library_is_another_build(course_copy, tmp_path, monkeypatch):
    """Outputs and cached lessons are made by the libraries too (a new Typst sets type another
    way): after `pip install` of another version, nothing made by the old one is kept."""
    from importlib import metadata

    import builders.dependencies as dependencies

    root = course_copy("full")
    out = root / "exports"
    build(root, out, ["html", "gift"])
    assert build(root, out, ["html", "gift"]).up_to_date
    upgraded = tmp_path / "site"
    (upgraded / f"markdown_it_py-{metadata.version('markdown-it-py')}1.dist-info").mkdir(
        parents=True)
    (upgraded / "pytest-0.0.1.dist-info").mkdir()  # a test tool: outputs do not depend on it
    monkeypatch.syspath_prepend(upgraded)
    dependencies.installed_versions.cache_clear()
    again = build(root, out, ["html", "gift"])
    assert not again.up_to_date
    assert all(report.built and not report.reused for report in again.formats)
    (upgraded / next(upgraded.glob("markdown_it_py-*")).name).rmdir()
    dependencies.installed_versions.cache_clear()
    build(root, out, ["html", "gift"])
    (upgraded / "pytest-0.0.1.dist-info").rename(upgraded / "pytest-0.0.2.dist-info")
    dependencies.installed_versions.cache_clear()
    assert build(root, out, ["html", "gift"]).up_to_date


def test_the_versions_read_are_those_installed():
    from importlib import metadata

    from builders.dependencies import installed_versions

    versions = installed_versions()
    assert versions[0] == platform.python_version()
    assert f"typst {metadata.version('typst')}" in versions
    assert f"markdown_it_py {metadata.version('markdown-it-py')}" in versions
    assert f"mdurl {metadata.version('mdurl')}" in versions  # through markdown-it
    assert not [v for v in versions if v.startswith(("pytest ", "hypothesis "))]
