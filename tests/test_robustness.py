"""Hostile and broken input, faults in the middle of a build, determinism across runs."""

from __future__ import annotations

import copy
import errno
import functools
import io
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from builders.diagnostics import CourseError
from builders.formats import REGISTRY, get_builder
from builders.load import load_course
from builders.pipeline import build
from builders.qbank.importing import ImportError_, read_moodle_xml
from conftest import COURSES, PROJECT, tree_bytes, yaml_text

LESSON = "modules/demo/secondary.en.md"
QUIZ = "quizzes/demo/secondary.yaml"
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples every run: CI never meets a new one by chance
    phases=[Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
MARKUP = st.text(
    alphabet=st.sampled_from(list("ab é\n\t#*_[]()<>!:;-=~{}|\\`\"'§/.,0123456789&%")), max_size=300
)


def _clean_outcome(result) -> None:
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err + result.out and "internal error" not in result.err


@FUZZ
@given(body=MARKUP)
def test_any_lesson_body_builds_or_gets_a_diagnostic(body, run_cli, tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz") / "c"
    shutil.copytree(COURSES / "full", root)
    lesson = root / LESSON
    text = lesson.read_text("utf-8")
    front = text[: text.index("\n---\n", 4) + 5]
    lesson.write_text(front + body, encoding="utf-8")
    out = root / "exports"
    result = run_cli("--root", root, "build", "--format", "html", "--out", out)
    _clean_outcome(result)
    written = {p.relative_to(root) for p in root.rglob("*") if p.is_file()}
    assert all(str(p).startswith(("modules", "quizzes", "exports")) for p in written)


@FUZZ
@given(text=MARKUP)
def test_any_quiz_file_gets_a_diagnostic(text, run_cli, tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzzq") / "c"
    shutil.copytree(COURSES / "full", root)
    (root / QUIZ).write_text(text, encoding="utf-8")
    _clean_outcome(run_cli("--root", root, "check"))


# Well-formed YAML of the wrong shape: a value replaced, a key dropped or added, an item
# doubled, anywhere in a quiz, a lesson's front matter or a module's metadata.
ODD_VALUES = st.sampled_from([
    None, "", 0, -1, 2.5, True, "x", [], {}, ["x"], [None], {"en": "x"}, {"fr": ""},
    {"en": "x", "fr": "y", "de": "z"}, "[§999]", "[[nowhere]]", "a" * 3000, [[["x"]]],
    {"x": {"y": None}}, "2020-01-01", "\u202ex", "{{ x }}", "#set page()", "<b>x</b>", 10**30,
    float("nan"), "single", "demo-q1", "demo-1", "7", 7, [["8"]] * 30,
    functools.reduce(lambda inner, _: [inner], range(60), "x"),
])


def _odd(data):
    return copy.deepcopy(data.draw(ODD_VALUES))  # a later change must not alter the constant


def _mutated(data, document):
    """`document` with one to three changes drawn by hypothesis."""
    document = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 3))):
        parent, key, node, path = None, None, document, [document]
        while isinstance(node, (dict, list)) and node and data.draw(st.booleans()):
            key = data.draw(st.sampled_from(list(node) if isinstance(node, dict)
                                            else list(range(len(node)))))
            parent, node = node, node[key]
            path.append(node)
        action = data.draw(st.sampled_from(["replace", "delete", "add", "double", "alias"]))
        if parent is None:
            document = _odd(data) if action == "replace" else document
        elif action == "replace":
            parent[key] = _odd(data)
        elif action == "alias":  # the same value twice: YAML writes an alias, of itself if inside
            parent[key] = data.draw(st.sampled_from(path))
        elif action == "delete":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[data.draw(st.sampled_from(["extra", "id", "type", "en", "points"]))] = _odd(data)
        elif isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
    return document


def _mutate_yaml_file(data, path: Path) -> None:
    """Rewrite the YAML file at `path` with its structure changed as `_mutated` draws."""
    path.write_text(yaml_text(_mutated(data, yaml.safe_load(path.read_text("utf-8")))), "utf-8")


def _located_outcome(result, root: Path) -> None:
    """Exit 0 or 1 with no internal error, and every problem at a line of a file (or folder)
    that exists."""
    _clean_outcome(result)
    for line in result.err.splitlines():
        if found := re.match(r"(\S+):(\d+):(\d+): (error|warning)\[", line):
            assert (root / found[1]).exists() and int(found[2]) >= 1, line
    if result.code == 1:
        assert re.search(r"^\S+:\d+:\d+: error\[", result.err, re.M), result.err


SHAPE_FUZZ = settings(FUZZ, max_examples=60)


@SHAPE_FUZZ
@given(data=st.data())
def test_any_quiz_structure_builds_or_gets_a_located_diagnostic(data, run_cli,
                                                                 tmp_path_factory):
    root = tmp_path_factory.mktemp("shapeq") / "c"
    shutil.copytree(COURSES / "full", root)
    _mutate_yaml_file(data, root / QUIZ)
    _located_outcome(run_cli("--root", root, "check"), root)


@SHAPE_FUZZ
@given(data=st.data())
def test_any_front_matter_or_module_structure_gets_a_located_diagnostic(data, run_cli,
                                                                        tmp_path_factory):
    root = tmp_path_factory.mktemp("shapem") / "c"
    shutil.copytree(COURSES / "full", root)
    lesson = root / LESSON
    text = lesson.read_text("utf-8")
    end = text.index("\n---\n", 4)
    front = _mutated(data, yaml.safe_load(text[4:end]))
    lesson.write_text("---\n" + yaml_text(front) + text[end + 1:], "utf-8")
    _mutate_yaml_file(data, root / "modules/demo/module.yaml")
    _located_outcome(run_cli("--root", root, "check"), root)


COURSE_FILES = ["modules/course.yaml", "modules/sources.yaml", "modules/glossary.yaml",
                "modules/glossary/extra.yaml"]


@SHAPE_FUZZ
@given(data=st.data())
def test_any_course_file_structure_gets_a_located_diagnostic(data, run_cli, tmp_path_factory):
    """The files every lesson is checked against: the course, the paper's paragraphs, the
    glossary."""
    root = tmp_path_factory.mktemp("shapec") / "c"
    shutil.copytree(COURSES / "full", root)
    for name in data.draw(st.lists(st.sampled_from(COURSE_FILES), min_size=1, max_size=2,
                                   unique=True)):
        _mutate_yaml_file(data, root / name)
    _located_outcome(run_cli("--root", root, "check"), root)

# An overlay's files as they are meant to be written, before `_mutated` changes them.
OVERLAY_FILES = {
    "modules/course.yaml": {"title": {"en": "Local", "fr": "Local"}, "languages": ["en", "fr"]},
    "modules/sources.yaml": {"paragraphs": [{"id": "8", "summary": {"en": "x", "fr": "y"}}]},
    "modules/demo/module.yaml": {"title": {"en": "T", "fr": "T"}},
    "modules/glossary.yaml": {"terms": [{"id": "vulnerability", "term": {"en": "v", "fr": "v"}}]},
    "quizzes/demo/secondary.yaml": {"drop": ["demo-q2"], "add": [{
        "id": "xx-q1", "type": "truefalse", "points": 1, "outcome": "demo-1",
        "paragraphs": ["8"], "answer": True,
        "prompt": {"en": "Global factors cross borders.", "fr": "Ils dépassent les frontières."},
        "feedback_true": {"en": "Yes [§8].", "fr": "Oui [§8]."},
        "feedback_false": {"en": "They do [§8].", "fr": "Si [§8]."}}]},
    "order.yaml": {"modules": ["demo"]},
}
OVERLAY_SECTIONS = st.lists(st.sampled_from([
    "## Risk factors\n\nLocal text [§8].\n", "## Local help\n\nCall us.\n", "## \n", "text\n",
    "::: local-help\nx\n:::\n", "## Who is most affected\n", "# Title\n", "---\nx: 1\n---\n",
    "[[local:x]]\n", "![a](images/levels.png)\n", "![a](../../etc/passwd)\n", "## Ünïcödé\n",
    "```\n## not a heading\n```\n",
]), max_size=6).map("".join)


@SHAPE_FUZZ
@given(data=st.data())
def test_any_overlay_structure_gets_a_located_diagnostic(data, run_cli, tmp_path_factory):
    """A local adaptation: YAML files laid over the course's, some with their structure changed,
    and lesson sections replaced or added."""
    base = tmp_path_factory.mktemp("shapeo")
    root, overlay = base / "c", base / "o"
    shutil.copytree(COURSES / "full", root)
    for name in data.draw(st.lists(st.sampled_from(list(OVERLAY_FILES)), min_size=1,
                                   max_size=3, unique=True)):
        document = OVERLAY_FILES[name]
        (overlay / name).parent.mkdir(parents=True, exist_ok=True)
        (overlay / name).write_text(yaml_text(_mutated(data, document) if data.draw(st.booleans())
                                            else document), "utf-8")
    for lang in data.draw(st.lists(st.sampled_from(["en", "fr"]), max_size=2, unique=True)):
        (overlay / "modules/demo").mkdir(parents=True, exist_ok=True)
        (overlay / f"modules/demo/secondary.{lang}.md").write_text(data.draw(OVERLAY_SECTIONS),
                                                                   "utf-8")
    # The overlay's files are shown by the absolute path given: root / it is that path.
    _located_outcome(run_cli("--root", root, "check", "--overlay", overlay), root)


# Text made of pieces that have broken a format (Typst, XML, GIFT and Markdown syntax), with at
# most one piece that is bad input (an invisible character or a reference to one, a character no
# print font has, nesting too deep to print) or none.
PIECES = st.sampled_from([
    *"ab é\n#*_[]()<>!:;-=~{}|\\`\"'§/.,09&%$@^+?", "\u2028", "\u200f", "\u0301", "\u00a0",
    "«", "»", "’", "—", "Ж", "€", "✓", "[§8]", "[[vulnerability]]", "\n:::activity\n",
    "\n:::\n", "\n| a | b |\n|---|---|\n| c | d |\n", "![alt](images/levels.png)",
    "[x](https://e.org)", "\n    code\n", "\n```\n", "\n> ", "\n1. ", "\n- ", "\n### ", "]]>",
    "<!--", "#{", "#let", "//", "/*", "\\u{0}", "$$", "&#0;",
])
BAD_PIECE = st.sampled_from(["", "", "", "\x0b", "\x1b", "\x7f", "\ufeff", "😀", "\ud7ff",
                             "&#xFEFF;", "&#12;", "&#x1F600;", "\n" + ">" * 16 + " q\n",
                             "*" * 70 + "x" + "*" * 70])
TEXT = st.tuples(st.lists(PIECES, max_size=30).map("".join), BAD_PIECE,
                 st.lists(PIECES, max_size=30).map("".join)).map("".join)
EVERY_FORMAT_FUZZ = settings(FUZZ, max_examples=60)


def _every_format_builds_or_reports(root: Path) -> None:
    """Load, then build each format in this process: a source error must be located; anything
    else raised is a bug."""
    try:
        course, _ = load_course(root)
    except CourseError as error:
        _assert_located(error, root)
        return
    for name in REGISTRY:
        try:
            get_builder(name).build(course)
        except CourseError as error:
            _assert_located(error, root)


def _assert_located(error: CourseError, root: Path) -> None:
    for found in error.diagnostics:
        assert (root / found.loc.path).is_file() and found.loc.line >= 1, found.format()


@pytest.mark.slow
@EVERY_FORMAT_FUZZ
@given(lesson=TEXT, prompt=TEXT)
def test_any_text_builds_in_every_format_or_gets_a_located_diagnostic(
    lesson, prompt, tmp_path_factory
):
    root = tmp_path_factory.mktemp("fuzz-all") / "c"
    shutil.copytree(COURSES / "full", root)
    path = root / LESSON
    text = path.read_text("utf-8")
    path.write_text(text.replace("Sort the cards into four piles.", lesson), encoding="utf-8")
    quiz = root / QUIZ
    quoted = yaml.safe_dump("Word " + prompt, default_style='"', width=10**9).strip()
    quiz.write_text(
        quiz.read_text("utf-8").replace('"Which factor is **global**?"', quoted), encoding="utf-8"
    )
    _every_format_builds_or_reports(root)


HOSTILE = (
    "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) "
    '#panic("t") {=~#:}'
)


def test_hostile_content_is_neutralised_in_every_format(course_copy):
    root = course_copy("full")
    lesson = root / LESSON
    lesson.write_text(
        lesson.read_text("utf-8")
        .replace("title: Risk and protection – a demo lesson", f"title: '{HOSTILE}'")
        .replace(
            "Sort the cards into four piles.", HOSTILE.replace("[x](javascript:alert(3))", "")
        ),
        encoding="utf-8",
    )
    quiz = root / QUIZ
    quiz.write_text(
        quiz.read_text("utf-8").replace(
            'prompt: {en: "Which factor is **global**?"',
            "prompt: {en: '<script>alert(4)</script> <svg onload=alert(5)> Which?'",
        ),
        encoding="utf-8",
    )
    _assert_neutralised(root)


HOSTILE_TOML = """\
[profile]
country = "<script>alert(1)</script> #panic(\\"country\\")"
verified_on = 2026-11-01

[profile.local]
labour-inspectorate = "<img src=x onerror=alert(2)> #panic(\\"fact\\") ]] [[x"

[[profile.help]]
name = "<svg onload=alert(3)> #panic(\\"name\\")"
contact = "<script>alert(4)</script> \\\\ $x$ *b* _i_ `raw` @ref"

[branding]
institution = "<script>alert(5)</script> #panic(\\"institution\\")"
attribution = "</title><script>alert(6)</script>"
"""


def test_hostile_local_adaptation_is_neutralised_in_every_format(course_copy):
    """e4j.toml's texts reach every page, package and PDF: they are text there, never markup
    nor Typst code (#panic would stop the PDF build)."""
    root = course_copy("full")
    (root / "e4j.toml").write_text(HOSTILE_TOML, encoding="utf-8")
    for lang in ("en", "fr"):
        lesson = root / f"modules/demo/secondary.{lang}.md"
        text = lesson.read_text("utf-8")
        assert "[§30].\n" in text
        lesson.write_text(text.replace("[§30].\n", "[§30]. [[local:labour-inspectorate]]\n", 1),
                          encoding="utf-8")
    _assert_neutralised(root)
    page = get_builder("html").build(load_course(root)[0])["en/secondary/demo.html"].decode()
    for shown in ("&lt;img src=x onerror=alert(2)&gt;", "&lt;script&gt;alert(5)&lt;/script&gt;",
                  "&lt;svg onload=alert(3)&gt;"):
        assert shown in page  # the texts reached the page, as text


def test_files_no_lesson_shows_are_published_nowhere(course_copy):
    """The HTML edition published every file of a module folder: a stray page or a scripted SVG
    no lesson uses would be served from the site that hosts the edition."""
    root = course_copy("full")
    (root / "modules/demo/notes.html").write_text("<script>alert(1)</script>", "utf-8")
    (root / "modules/demo/images/unused.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(2)"/>', "utf-8")
    course, _ = load_course(root)
    published = []
    for name in REGISTRY:
        for rel, data in get_builder(name).build(course).items():
            published.append(rel)
            if rel.endswith((".zip", ".imscc")):
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    published += archive.namelist()
    assert "media/demo/images/levels.png" in published  # the image the lesson shows
    assert not [rel for rel in published if rel.endswith(("notes.html", "unused.svg"))]


def _assert_neutralised(root: Path) -> None:
    """Every format builds, and no text file it makes (zip members too) carries live markup."""
    course, _ = load_course(root)
    for name in REGISTRY:
        for rel, data in get_builder(name).build(course).items():
            blobs = [(rel, data)]
            if rel.endswith((".zip", ".imscc")):
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for member in archive.namelist():
                        assert not member.startswith(("/", "..")) and ".." not in member.split("/")
                        blobs.append((f"{rel}/{member}", archive.read(member)))
            for where, blob in blobs:
                if where.endswith((".pdf", ".png", ".jpg", ".zip", ".imscc")):
                    continue
                text = blob.decode("utf-8")
                for bad in (
                    "<script>alert",
                    "<img src=x onerror",
                    "<svg onload",
                    '="javascript:',
                    "='javascript:",
                    "(javascript:alert(3))</a",
                ):
                    assert bad not in text, f"{name}: {where} carries {bad}"


def _link_away(root: Path, rel: str, outside: Path) -> None:
    """Move `rel` out of the course and leave a symbolic link to it in its place."""
    target = outside / rel.replace("/", "-")
    shutil.move(root / rel, target)
    os.symlink(target, root / rel)


LOGO_TOML = '[branding]\ninstitution = "College"\nlogo = "branding/levels.png"\n'


@pytest.mark.parametrize(
    ("linked", "reported"),
    [
        ("modules", ["modules:1:1: error[source.symlink]: symbolic links are not followed"]),
        ("modules/demo", ["modules/demo:1:1: error[source.symlink]"]),
        ("modules/demo/images", ["modules/demo/images:1:1: error[source.symlink]"]),
        ("modules/demo/images/levels.png",
         ["modules/demo/images/levels.png:1:1: error[source.symlink]: symbolic links are not "
          "read"]),
        ("modules/demo/secondary.en.md",
         ["modules/demo/secondary.en.md:1:1: error[source.symlink]"]),
        ("modules/glossary", ["modules/glossary:1:1: error[source.symlink]"]),
        ("modules/course.yaml", ["modules/course.yaml:1:1: error[source.symlink]"]),
        ("quizzes/demo", ["quizzes/demo:1:1: error[source.symlink]"]),
        ("quizzes", ["quizzes:1:1: error[source.symlink]"]),
        ("branding", ["branding:1:1: error[source.symlink]",
                      "e4j.toml:3:1: error[config.logo]: logo 'branding/levels.png' is, or is "
                      "inside, a symbolic link"]),
        ("branding/levels.png", ["e4j.toml:3:1: error[config.logo]"]),
        ("overlay/modules/demo", ["overlay/modules/demo:1:1: error[source.symlink]"]),
    ],
)
def test_symbolic_links_in_the_sources_are_reported_not_followed(
    linked, reported, course_copy, tmp_path, run_cli, monkeypatch
):
    """A link in a contributed module could carry any file of the building machine into the
    exports. Whatever is linked here is a valid copy of what it replaces: only the link is
    wrong, and nothing is built from it."""
    root = course_copy("full")
    (root / "branding").mkdir()
    shutil.copy(root / "modules/demo/images/levels.png", root / "branding")
    (root / "e4j.toml").write_text(LOGO_TOML, encoding="utf-8")
    overlay = root / "overlay"
    shutil.copytree(root / "modules/demo/images", overlay / "modules/demo/images")
    out = root / "exports"
    assert run_cli("--root", root, "build", "--format", "html", "--overlay", overlay).code == 0
    before = tree_bytes(out)
    outside = tmp_path / "outside"
    outside.mkdir()
    _link_away(root, linked, outside)
    monkeypatch.chdir(root)  # the overlay is named as given: overlay/...
    result = run_cli("--root", root, "build", "--format", "html", "--overlay", "overlay")
    assert result.code == 1, result.out
    assert "Traceback" not in result.err
    for line in reported:
        assert line in result.err
    assert tree_bytes(out) == before


def test_entity_expansion_is_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
        b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'
        b'<quiz><question type="essay"><questiontext><text>&e;&e;&e;&e;</text></questiontext>'
        b"</question></quiz>"
    )
    started = time.perf_counter()
    try:
        quizzes = read_moodle_xml(bomb, "bomb.xml", "en")
        prompt = next(iter(quizzes[0].questions.values())).get("prompt", {}).get("en", "")
        assert len(prompt) < 1000
    except ImportError_:
        pass
    assert time.perf_counter() - started < 5


MANY_GIFT = "".join(f"::q{i}:: How many? {{#4}}\n\n" for i in range(10_001))
MANY_XML = "<quiz>\n" + "".join(
    f'<question type="numerical"><name><text>q{i}</text></name><questiontext><text>How many?'
    '</text></questiontext><answer fraction="100"><text>4</text></answer></question>\n'
    for i in range(10_001)) + "</quiz>\n"


@pytest.mark.parametrize(
    ("kind", "content", "error"),
    [
        ("moodle-xml", "<quiz>" + " " * 21_000_000 + "</quiz>",
         ":1:1: error[import.size]: the file is larger than 20 MB"),
        ("gift", "// nothing\n" * 2_000_000,
         ":1:1: error[import.size]: the file is larger than 20 MB"),
        ("gift", MANY_GIFT,
         ":20001:1: error[import.size]: the file holds more than 10,000 questions"),
        ("moodle-xml", MANY_XML,
         ":10002:1: error[import.size]: the file holds more than 10,000 questions"),
    ],
)
def test_oversized_files_are_refused(kind, content, error, tmp_path, run_cli):
    """A 34 MB GIFT file of a million questions took 7 GB and ten minutes before it was refused."""
    big = tmp_path / "big.txt"
    big.write_text(content, encoding="utf-8")
    result = run_cli("import", kind, big, "--dry-run")
    assert result.code == 1 and f"{big}{error}" in result.err, result.err


ONE_QUESTION_GIFT = "::awareness-secondary-q1:: Who can help? {=A trusted adult ~Nobody}\n"


def _e4j_bounded(*args: object) -> subprocess.CompletedProcess[str]:
    """e4j in a child process with 1.5 GB of address space and a minute at most: what used to
    fill the memory or wait forever fails there, not in the test run."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))

    return subprocess.run([sys.executable, "-m", "builders", *map(str, args)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=60, preexec_fn=limit)


@pytest.mark.parametrize(("command", "message"), [
    (("import", "gift"), "/dev/zero:1:1: error[import.size]: the file is larger than 20 MB"),
    (("import", "moodle-xml"), "/dev/zero:1:1: error[import.size]: the file is larger than 20 MB"),
    (("import", "notebook"), "e4j: error: /dev/zero is larger than 50 MB"),
    (("results", "--post", "/dev/zero", "--pre"),
     "/dev/zero:1:1: error[results.file]: the file is larger than 50 MB"),
])
def test_an_endless_input_is_read_only_up_to_its_limit(command, message, tmp_path):
    """/dev/zero to import was read until the system killed e4j for want of memory."""
    result = _e4j_bounded("--root", tmp_path, *command, "/dev/zero", *_last_options(command,
                                                                                   tmp_path))
    assert result.returncode in (1, 2) and message in result.stderr, result.stderr


def _last_options(command: tuple[str, ...], folder: Path) -> list[str]:
    """What an import or results command takes after its input: nothing written in either."""
    return ["--dry-run"] if command[0] == "import" else ["--out", str(folder / "report")]


@pytest.mark.parametrize("command", [("import", "gift"), ("import", "moodle-xml"),
                                     ("import", "notebook"), ("results", "--post", "/dev/null",
                                                              "--pre")])
def test_a_named_pipe_nothing_writes_to_is_read_as_empty(command, tmp_path):
    """A named pipe left where the file was expected: e4j waited for a writer forever."""
    os.mkfifo(tmp_path / "pipe")
    result = _e4j_bounded("--root", tmp_path, *command, tmp_path / "pipe",
                          *_last_options(command, tmp_path))
    assert result.returncode == 1 and f"{tmp_path / 'pipe'}:1:1: error[" in result.stderr, \
        result.stderr


def test_questions_come_in_through_a_pipe_that_is_written_to(tmp_path):
    """`e4j import gift /dev/stdin < bank.gift` and `<(curl …)` read a pipe: still read."""
    done = subprocess.run([sys.executable, "-m", "builders", "--root", str(tmp_path), "import",
                           "gift", "/dev/stdin", "--lang", "en", "--dry-run"], cwd=PROJECT,
                          input=ONE_QUESTION_GIFT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Who can help?" in done.stdout, done.stderr


@pytest.mark.parametrize("content", ["", "// a comment, no question\n"])
def test_importing_a_file_without_questions_says_so(content, tmp_path, run_cli):
    """An empty bank imported nothing and said nothing, with exit 0."""
    empty = tmp_path / "bank.gift"
    empty.write_text(content, "utf-8")
    result = run_cli("--root", tmp_path, "import", "gift", empty)
    assert result.code == 1, result.err
    assert f"{empty}:1:1: error[import.empty]: the file holds no questions" in result.err
    assert sorted(tmp_path.iterdir()) == [empty]


def test_a_failing_builder_leaves_exports_as_they_were(course_copy, monkeypatch):
    root = course_copy("full")
    out = root / "exports"
    build(root, out, ["html", "scorm12"])
    before = tree_bytes(out)
    lesson = root / LESSON
    lesson.write_text(
        lesson.read_text("utf-8").replace("Sort the cards", "Group the cards"), "utf-8"
    )
    builder = type(get_builder("scorm12"))
    calls = []

    def broken(self, course, job):
        calls.append(job.key)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return original(self, course, job)

    original = builder.render
    monkeypatch.setattr(builder, "render", broken)
    with pytest.raises(RuntimeError):
        build(root, out, ["scorm12"])
    assert tree_bytes(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith((".tmp-", ".old-"))]


def test_a_full_disk_is_named_with_what_to_do_and_exports_stay_whole(course_copy, run_cli,
                                                                     monkeypatch):
    """A write to an open file that fails names no file (`OSError.filename` is None): the
    message says where the build was writing, and what to do."""
    root = course_copy("full")
    out = root / "exports"
    assert run_cli("--root", root, "build", "--out", out, "--format", "html").code == 0
    before = tree_bytes(out)
    written = Path.write_bytes

    def disk_full(self: Path, data: bytes) -> int:
        if any(part.startswith(".tmp-html-") for part in self.parts):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return written(self, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    result = run_cli("--root", root, "build", "--force", "--out", out, "--format", "html")
    assert result.code == 2
    message = " ".join(result.err.split())
    assert f"No space left on device: {out / 'html'}{os.sep}" in message
    assert "free some space on that disk and run again" in message
    assert "every format in exports/ is whole" in message
    assert "Traceback" not in message
    assert tree_bytes(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith((".tmp-", ".old-"))]


def test_sigterm_leaves_a_complete_exports_folder(course_copy, tmp_path):
    """Killed at any moment, a build leaves the previous PDFs or the new ones, never a mix."""
    root = course_copy("full")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}

    def command(out: Path, paper: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "builders",
            "--root",
            str(root),
            "build",
            "--out",
            str(out),
            "--format",
            "pdf",
            "--paper",
            paper,
        ]

    subprocess.run(
        command(tmp_path / "a4", "a4"), check=True, capture_output=True, env=env, cwd=PROJECT
    )
    subprocess.run(
        command(tmp_path / "letter", "letter"),
        check=True,
        capture_output=True,
        env=env,
        cwd=PROJECT,
    )
    old, new = tree_bytes(tmp_path / "a4" / "pdf"), tree_bytes(tmp_path / "letter" / "pdf")
    assert old != new
    for number, delay in enumerate((0.2, 0.5, 0.9, 1.4, 2.0)):
        out = tmp_path / f"run{number}"
        shutil.copytree(tmp_path / "a4", out)
        process = subprocess.Popen(
            command(out, "letter"),
            env=env,
            cwd=PROJECT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=60)
        assert tree_bytes(out / "pdf") in (old, new), f"mixed exports after {delay} s"
        assert b"Traceback" not in errors


def test_a_build_waits_for_another_build_into_the_same_folder(course_copy):
    """A build holds its output folder: a second one (a preview rebuilding while `make` runs)
    waits, says so, and then builds, instead of swapping format folders under the first."""
    import fcntl
    import threading

    root = course_copy("full")
    out = root / "exports"
    build(root, out, ["gift"], workers=1)
    waited, finished = threading.Event(), threading.Event()

    def second_build() -> None:
        build(root, out, ["gift", "html"], workers=1, waiting=waited.set)
        finished.set()

    with open(out / ".e4j-cache/build.lock", "rb") as first:
        fcntl.flock(first, fcntl.LOCK_EX)
        second = threading.Thread(target=second_build)
        second.start()
        assert waited.wait(20)
        time.sleep(0.5)
        assert not finished.is_set() and not (out / "html").exists()
    second.join(60)
    assert finished.is_set() and (out / "html/index.html").is_file()


def test_two_builds_started_together_both_succeed(course_copy):
    """Two e4j processes into one folder: each used to clear the other's staging folders as
    leftovers, or replace a format folder while the other carried files over from it."""
    root = course_copy("full")
    command = [sys.executable, "-m", "builders", "--root", str(root), "build", "--format",
               "html", "--format", "scorm12", "--format", "gift"]
    for delay in (0.0, 0.3, 0.6):
        shutil.rmtree(root / "exports", ignore_errors=True)
        first = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
        time.sleep(delay)
        second = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True,
                                timeout=120)
        _, first_errors = first.communicate(timeout=120)
        assert (first.returncode, second.returncode) == (0, 0), (first_errors, second.stderr)
        assert {p.name for p in (root / "exports").iterdir()} == {
            ".e4j-cache", "html", "scorm12", "gift", "index.html"}


def test_builds_are_identical_run_to_run(course_copy, tmp_path, monkeypatch):
    """The same sources with the same SOURCE_DATE_EPOCH, built again as if on another day and
    elsewhere: the sources' files dated years later (a fresh clone dates them all today) and
    another time zone, half a day from UTC."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = course_copy("full")
    formats = list(REGISTRY)
    build(root, tmp_path / "first", formats)
    another_day = 1_930_000_000  # 2031
    for path in root.rglob("*"):
        os.utime(path, (another_day, another_day), follow_symlinks=False)
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    try:
        build(root, tmp_path / "second", formats, force=True)
    finally:
        monkeypatch.undo()
        time.tzset()
    first, second = tree_bytes(tmp_path / "first"), tree_bytes(tmp_path / "second")
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


@pytest.mark.slow
def test_a_ten_megabyte_lesson_builds(course_copy, run_cli):
    root = course_copy("full")
    lesson = root / LESSON
    paragraph = "Many risk factors act together and shape the chances people have [§7]. " * 5
    lesson.write_text(
        lesson.read_text("utf-8") + "\n## More\n\n" + (paragraph + "\n\n") * 28_000,
        encoding="utf-8",
    )
    assert lesson.stat().st_size > 10_000_000
    result = run_cli("--root", root, "-q", "build", "--format", "html")
    assert result.code == 0, result.err
    assert (root / "exports/html/en/secondary/demo.html").stat().st_size > 10_000_000


@pytest.mark.slow
def test_a_five_thousand_question_quiz_builds(course_copy, run_cli):
    import yaml

    root = course_copy("full")
    quiz = yaml.safe_load((root / QUIZ).read_text("utf-8"))
    template = quiz["questions"][0]
    quiz["questions"] = [{**template, "id": f"load-q{i}"} for i in range(5000)]
    quiz["waivers"] = [
        {
            "rule": "align.question-count",
            "line": 1,
            "reason": "A load test with five thousand questions.",
        }
    ]
    (root / QUIZ).write_text(yaml.safe_dump(quiz, allow_unicode=True), encoding="utf-8")
    result = run_cli("--root", root, "-q", "build", "--format", "html")
    assert result.code == 0, result.err
    assert (root / "exports/html/fr/secondary/demo.html").read_text().count(
        'class="question '
    ) == 5000


@pytest.mark.slow
def test_worker_processes_build_what_one_process_builds(tmp_path, monkeypatch, pool_starts):
    """The shipped course built on spawn worker processes, whole in each worker or shared out
    by modules (with a window of one job per worker, lessons sent five at a time), equals the
    build done in this process alone, byte for byte, for every format (PDF and notebooks
    included), and reports the same warnings (lessons are parsed and checked on the workers
    too while the course loads)."""
    import builders.workers as workers

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    started = pool_starts
    formats = list(REGISTRY)
    by_workers = build(PROJECT, tmp_path / "whole", formats)
    pooled = ["spawn"] * workers.WORKERS  # one process per worker
    assert started == pooled
    monkeypatch.setattr(workers, "WHOLE_COURSE_LESSONS", 0)
    monkeypatch.setattr(workers, "JOBS_AHEAD", 1)  # the smallest window of jobs sent ahead
    monkeypatch.setattr(workers, "LESSONS_PER_SHIPMENT", 5)  # a share sent in six shipments
    by_share = build(PROJECT, tmp_path / "shared", formats)
    assert started == pooled * 2
    monkeypatch.setattr(workers, "WORKERS", 1)
    by_one = build(PROJECT, tmp_path / "alone", formats)
    assert started == pooled * 2
    assert by_workers.warnings == by_share.warnings == by_one.warnings
    for name in formats:
        alone = tree_bytes(tmp_path / "alone" / name)
        assert tree_bytes(tmp_path / "whole" / name) == alone, name
        assert tree_bytes(tmp_path / "shared" / name) == alone, name


def test_file_names_that_are_not_utf8_are_no_internal_error(course_copy, run_cli):
    """A file named in Latin-1 (as zip files from some systems unpack) stopped every build with
    an internal error: the build's fingerprints could not encode its name."""
    root = course_copy("full")
    (root / "modules" / "demo").joinpath(os.fsdecode(b"caf\xe9.txt")).write_bytes(b"notes")
    built = run_cli("--root", root, "build", "--format", "html", "--format", "gift")
    assert built.code == 0, built.err
    (root / "modules").joinpath(os.fsdecode(b"r\xe9sum\xe9")).mkdir()
    refused = run_cli("--root", root, "build", "--format", "html")
    assert refused.code == 1 and "has no module.yaml" in refused.err, refused.err


@pytest.mark.parametrize(("name", "target", "outcome"), [
    ("a#b.png", "a%23b.png", 'src="../../media/demo/images/a%23b.png"'),
    ("a?b.png", "a%3Fb.png", "error[lesson.image-path]: image 'images/a?b.png' has in its name "
     "'?', which Windows refuses"),
    ("aux.png", "aux.png", "error[lesson.image-path]: image 'images/aux.png' has in its name a "
     "part 'aux.png' that Windows cannot name a file"),
    ("100%.png", "100%25.png", 'src="../../media/demo/images/100%25.png"'),
    ("a\\b.png", "a%5Cb.png", "error[lesson.image-path]: image 'images/a\\b.png' has in its "
     "name a backslash"),
    ("a\nb.png", "a%0Ab.png", "error[lesson.image-path]: image 'images/a\\x0ab.png' has in its "
     "name a control character"),
])
def test_images_with_odd_but_legal_file_names_are_published_or_refused(name, target, outcome,
                                                                      course_copy, run_cli):
    """Linux allows any name but '/': a name with # is published with its URL encoded; a
    backslash or a line break, which a zip or a web server cannot keep, and what Windows cannot
    name a file (where an LMS may unpack the package) are located errors (a backslash stopped
    the build: no package may hold such an entry)."""
    root = course_copy("full")
    images = root / "modules/demo/images"
    shutil.copy(images / "levels.png", images / name)
    lesson = root / LESSON
    lesson.write_text(lesson.read_text("utf-8") + f"\n![An odd name](images/{target})\n",
                      "utf-8")
    out = root / "exports"
    result = run_cli("--root", root, "build", "--jobs", "1", "--out", out, "--format", "html",
                     "--format", "scorm12", "--format", "moodle_xml", "--format", "pdf")
    _clean_outcome(result)
    if outcome.startswith("src="):
        assert result.code == 0, result.err
        assert outcome in (out / "html/en/secondary/demo.html").read_text("utf-8")
    else:
        assert result.code == 1 and outcome in result.err, result.err


def test_a_very_large_file_in_a_module_folder_is_not_read(course_copy, run_cli, monkeypatch):
    """A video left in a module folder (600 MB here, a sparse file) was read by every build, and
    held by each of its processes, and read again by each no-op build to fingerprint the
    sources; an image over 50 MB is refused where a lesson uses it."""
    root = course_copy("full")
    folder = root / "modules/demo"
    with open(folder / "lecture-video.mp4", "wb") as video:
        video.truncate(600_000_000)
    with open(folder / "images/huge.png", "wb") as image:
        image.truncate(60_000_000)
    read: list[str] = []
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        read.append(path.name)
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert run_cli("--root", root, "check").code == 0
    for _ in range(2):  # the second finds nothing to do: the sources' stamp reads no such file
        assert run_cli("--root", root, "build", "--jobs", "1", "--format", "gift").code == 0
    assert "Up to date" in run_cli("--root", root, "build", "--format", "gift").out
    lesson = root / LESSON
    lesson.write_text(lesson.read_text("utf-8") + "\n![A huge image](images/huge.png)\n", "utf-8")
    refused = run_cli("--root", root, "check")
    assert refused.code == 1
    assert ("error[lesson.image-unreadable]: image 'images/huge.png' cannot be shown: it is 60 MB, "
            "more than the 50 MB a module file may hold") in refused.err
    assert "levels.png" in read and not {"lecture-video.mp4", "huge.png"} & set(read)


@pytest.mark.parametrize(("name", "error"), [
    (LESSON, f"{LESSON}:1:1: error[source.too-large]: the file is 25 MB; e4j reads source files "
     "of up to 20 MB"),
    (QUIZ, f"{QUIZ}:1:1: error[source.too-large]: the file is 25 MB"),
    ("e4j.toml", "e4j.toml:1:1: error[source.too-large]: the file is 25 MB"),
])
def test_a_source_file_too_large_to_read_is_refused_unread(name, error, course_copy, run_cli,
                                                          monkeypatch):
    """A 10 MB lesson takes 0.6 GB to check and build, and a larger one more: past 20 MB a
    source is refused before it is read (a sparse file of 25 MB here)."""
    root = course_copy("full")
    with open(root / name, "wb") as source:
        source.truncate(25_000_000)
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        assert path != root / name, "read"
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = run_cli("--root", root, "check")
    assert result.code == 1 and error in result.err, result.err


def test_hidden_files_and_folders_are_neither_read_nor_watched(course_copy, run_cli,
                                                               monkeypatch):
    """A module folder that holds .git or .ipynb_checkpoints had every file in them read as a
    module file (a hidden link among them stopped the build); an editor's swap file made a
    build that had nothing to do build again."""
    root = course_copy("full")
    module = root / "modules/demo"
    for hidden in (".git/objects/ab/cdef", ".ipynb_checkpoints/secondary.en-checkpoint.md"):
        (module / hidden).parent.mkdir(parents=True)
        (module / hidden).write_text("hidden", "utf-8")
    (module / ".cache").symlink_to(root.parent)  # a hidden link is not followed: no error either
    assert run_cli("--root", root, "build", "--jobs", "1", "--format", "gift").code == 0
    read: list[str] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: read.append(str(path)) or real(path))
    (module / ".secondary.en.md.swp").write_text("typing…", "utf-8")
    (module / ".git/objects/ab/cdef").write_text("changed", "utf-8")
    assert "Up to date" in run_cli("--root", root, "build", "--format", "gift").out
    assert run_cli("--root", root, "build", "--jobs", "1", "--force", "--format", "gift").code == 0
    hidden = [path for path in read if path.startswith(str(module)) and "/." in path]
    assert read and not hidden, hidden


def test_a_module_id_long_enough_to_break_file_names_is_refused(course_copy, run_cli):
    """A module id names packages and PDFs (e4j-<id>-<audience>-<lang>-facilitator-guide.pdf):
    past some 220 characters a build stopped on a name the file system refuses."""
    root = course_copy("full")
    ident = "x" * 65
    (root / "modules/demo").rename(root / "modules" / ident)
    (root / "quizzes/demo").rename(root / "quizzes" / ident)
    meta = root / "modules" / ident / "module.yaml"
    meta.write_text(meta.read_text("utf-8").replace("id: demo", f"id: {ident}"), "utf-8")
    result = run_cli("--root", root, "check")
    assert result.code == 1
    assert (f"modules/{ident}:1:1: error[module.id]: module folder '{ident}' is not a module "
            "id") in result.err
    assert "at most 64" in result.err
    assert "at most 64" in run_cli("--root", root, "new", "module", ident, "--audience",
                                   "secondary").err


FILE_NAME = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"),
    min_size=1, max_size=40,
).filter(lambda name: name not in (".", "..") and len(name.encode()) < 200)


@pytest.mark.slow
@settings(FUZZ, max_examples=25)
@given(name=FILE_NAME)
def test_any_image_file_name_is_published_or_gets_a_located_diagnostic(name, run_cli,
                                                                       tmp_path_factory):
    """Whatever a file system lets an image be called, a lesson that shows it (its name
    percent-encoded, as Markdown needs) builds in every format that publishes images, or gets
    a located error; never an internal one."""
    from urllib.parse import quote

    root = tmp_path_factory.mktemp("names") / "c"
    shutil.copytree(COURSES / "full", root)
    images = root / "modules/demo/images"
    shutil.copy(images / "levels.png", images / f"{name}.png")
    lesson = root / LESSON
    lesson.write_text(lesson.read_text("utf-8") + f"\n![A named image](images/{quote(name)}.png)\n",
                      "utf-8")
    out = root / "exports"
    result = run_cli("--root", root, "build", "--jobs", "1", "--out", out, "--format", "html",
                     "--format", "scorm12", "--format", "moodle_xml", "--format", "pdf")
    _located_outcome(result, root)
    if result.code == 0:
        assert "images/" in (out / "html/en/secondary/demo.html").read_text("utf-8")


def test_a_named_pipe_in_a_module_folder_is_reported_not_read(course_copy):
    """Every file of a module folder was read as a possible image: a named pipe (which a course
    unpacked from an archive can hold) made the build wait for ever."""
    root = course_copy("full")
    os.mkfifo(root / "modules/demo/images/levels-large.png")
    done = subprocess.run([sys.executable, "-m", "builders", "--root", str(root), "check"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert ("modules/demo/images/levels-large.png:1:1: error[source.special-file]"
            in done.stderr), done.stderr


def test_long_runs_of_one_character_build_in_time_linear_in_their_length(course_copy):
    """Checks and typography that matched a run of dots, of spaces, of letters from each of its
    characters took time growing with the square of its length: a line of 80,000 dots in a
    lesson held the build for minutes. (The timeout only stops a build that hangs.)"""
    root = course_copy("full")
    lesson = root / "modules/demo/secondary.fr.md"
    runs = ["." * 80_000 + "x", "a" + " " * 80_000 + "b ;", "[lien](" + " " * 80_000 + "x",
            "a" * 80_000, "![" * 40_000]
    lesson.write_text(lesson.read_text("utf-8") + "\n## Encore\n\n" + "\n\n".join(runs) + "\n",
                      encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "builders", "--root", str(root), "-q", "build", "--format",
         "html", "--format", "gift", "--format", "moodle_xml"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    page = (root / "exports/html/fr/secondary/demo.html").read_text("utf-8")
    assert "." * 80_000 + "x" in page and "b\u202f;" in page


def _worker_processes(parent: int) -> list[int]:
    """The worker processes of a build (not multiprocessing's resource tracker), from /proc."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
            command = (stat_file.parent / "cmdline").read_bytes()
        except OSError:  # ended meanwhile
            continue
        if (int(fields[1]) == parent and b"spawn_main" in command
                and b"resource_tracker" not in command):
            found.append(int(stat_file.parent.name))
    return sorted(found)


@pytest.mark.slow
def test_a_worker_killed_mid_build_is_reported_and_exports_stay_whole(tmp_path):
    """The system can stop a worker process (out of memory, or killed): that was an 'internal
    error' saying exports/ was unchanged, while formats finished before it were already new."""
    root = tmp_path / "course"
    for folder in ("modules", "quizzes"):
        shutil.copytree(PROJECT / folder, root / folder)
    out = tmp_path / "exports"
    process = subprocess.Popen(
        [sys.executable, "-m", "builders", "--root", str(root), "build", "--out", str(out),
         "--format", "html", "--format", "pdf"],
        cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    for _ in range(1200):  # until the PDFs, the last and longest format, are being written
        if list(out.glob(".tmp-pdf-*")) or process.poll() is not None:
            break
        time.sleep(0.05)
    workers = _worker_processes(process.pid)
    assert workers and process.poll() is None, "no worker to stop while the PDFs were made"
    os.kill(workers[-1], signal.SIGKILL)
    _, errors = process.communicate(timeout=300)
    assert process.returncode == 2, errors
    assert "a worker process ended abruptly" in errors and "Traceback" not in errors
    assert (out / "html/index.html").is_file()  # finished before the stop: in place, whole
    assert not (out / "pdf").exists() and not list(out.glob(".tmp-*"))


def test_importing_into_a_file_is_refused_by_name(tmp_path, run_cli):
    """`e4j import gift bank.gift --out notes.txt` said "Not a directory: notes.txt/awareness"."""
    bank = tmp_path / "bank.gift"
    bank.write_text(ONE_QUESTION_GIFT, "utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("mine\n", "utf-8")
    result = run_cli("--root", tmp_path, "import", "gift", bank, "--lang", "en", "--out", notes)
    assert result.code == 2 and f"{notes} is a file; choose a folder with --out" in result.err, \
        result.err
    assert notes.read_text("utf-8") == "mine\n"


@pytest.mark.parametrize("lang", ["../../etc", "x" * 300, "EN"])
def test_an_import_language_must_be_a_language_code(lang, tmp_path, run_cli):
    """`--lang` names a file of interface strings: `../../etc` read
    builders/locales/../../etc.yaml and went into the quiz as a language; 300 letters stopped
    the import on "File name too long"."""
    bank = tmp_path / "bank.gift"
    bank.write_text(ONE_QUESTION_GIFT, "utf-8")
    result = run_cli("--root", tmp_path, "import", "gift", bank, "--lang", lang, "--dry-run")
    assert result.code == 2 and "is not a language code" in result.err, result.err
    assert result.out == ""


@pytest.mark.parametrize("epoch", ["abc", "1e9", "-5", "١٢٣", "99999999999999999999"])
def test_a_source_date_epoch_that_is_no_time_is_refused_before_anything_runs(epoch, course_copy,
                                                                             run_cli, monkeypatch):
    """A SOURCE_DATE_EPOCH no zip entry or PDF can carry was an internal error (exit 3) in the
    middle of the build; the reproducible-builds specification asks a build to stop on it."""
    root = course_copy("full")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    for command in ("build", "serve"):
        result = run_cli("--root", root, command)
        assert result.code == 2 and "e4j: error: SOURCE_DATE_EPOCH=" in result.err, result.err
    assert not (root / "exports").exists()


def test_another_source_date_epoch_is_another_build(course_copy, run_cli, monkeypatch):
    """Building again with another SOURCE_DATE_EPOCH said "Up to date" and kept packages and
    PDFs stamped with the time before; an empty one counts as unset."""
    import zipfile

    root = course_copy("full")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert run_cli("--root", root, "build", "--format", "scorm12").code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    result = run_cli("--root", root, "build", "--format", "scorm12")
    assert result.code == 0 and "Up to date" not in result.out, result.out
    package = next((root / "exports/scorm12").glob("*.zip"))
    with zipfile.ZipFile(package) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert "Up to date" in run_cli("--root", root, "build", "--format", "scorm12").out
