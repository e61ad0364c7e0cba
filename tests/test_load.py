"""Loading a course into the model: every field, every question type, located diagnostics."""

from __future__ import annotations

import dataclasses
import io
import struct
import zlib

import pytest

from builders.diagnostics import CourseError
from builders.load import load_course
from builders.load.markdown import parse_citation
from conftest import COURSES


@pytest.fixture(scope="module")
def course():
    loaded, warnings = load_course(COURSES / "full")
    assert warnings == []
    return loaded


def test_course_metadata(course):
    assert course.languages == ("en", "fr")
    assert course.title["fr"] == "Cours d’essai"
    assert [p.id for p in course.sources.paragraphs][:3] == ["7", "8", "9"]
    assert course.glossary.by_id["vulnerability"].term["fr"] == "vulnérabilité"


def test_module_and_lessons(course):
    module = course.module("demo")
    assert module.version == "1.2.0" and module.licence == "CC-BY-4.0"
    assert module.audiences == ("secondary",)
    assert [a.path for a in module.assets] == ["images/levels.png"]
    lesson = module.lesson("secondary", "fr")
    assert lesson.title.startswith("Risques et protection")
    assert [o.id for o in lesson.outcomes] == ["demo-1", "demo-2"]
    assert lesson.duration == 45 and sum(s.minutes for s in lesson.plan) == 45
    assert lesson.citations == ("7", "8", "9", "10", "16(a)", "16(b)", "16(c)", "30")
    assert lesson.terms == ("risk-factor", "vulnerability", "trusted-adult")
    assert lesson.images == ("images/levels.png",)
    assert lesson.loc.path == "modules/demo/secondary.fr.md"


def test_model_is_immutable(course):
    with pytest.raises(dataclasses.FrozenInstanceError):
        course.module("demo").lessons[0].title = "changed"  # type: ignore[misc]


def test_every_question_type(course):
    quiz = course.module("demo").quiz("secondary")
    assert quiz.pass_mark == 60 and quiz.pre_post and quiz.shuffle
    by_type = {q.type: q for q in quiz.questions}
    assert set(by_type) == {
        "single",
        "multiple",
        "truefalse",
        "short",
        "matching",
        "numerical",
        "essay",
    }
    assert [o.correct for o in by_type["single"].options] == [True, False]
    assert by_type["single"].options[0].feedback["fr"].startswith("Oui")
    assert by_type["truefalse"].answer is False
    assert by_type["short"].accepted("fr") == ("facteur de risque", "un facteur de risque")
    assert by_type["short"].case_sensitive is False
    assert by_type["numerical"].answer == 4.0 and by_type["numerical"].tolerance == 0.0
    assert by_type["matching"].pairs[1].match["en"] == "Local"
    assert by_type["essay"].min_words == 80 and "4 points" in by_type["essay"].marking_guide["en"]
    assert by_type["essay"].paragraphs == ("30", "16(a)")
    assert quiz.total_points == 12


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("27", ["27"]),
        ("16(e)", ["16(e)"]),
        ("7, §8", ["7", "8"]),
        ("8–11", ["8", "9", "10", "11"]),
        ("8-9", ["8", "9"]),
        ("16(b)–(d)", ["16(b)", "16(c)", "16(d)"]),
    ],
)
def test_citation_syntax(text, ids):
    assert parse_citation(text) == (ids, "")


@pytest.mark.parametrize("text", ["abc", "11–8", "16(d)–(b)", "8–16(a)"])
def test_bad_citation_syntax(text):
    ids, error = parse_citation(text)
    assert ids == [] and error


def test_errors_are_all_collected(course_copy):
    root = course_copy("full")
    lesson = root / "modules/demo/secondary.en.md"
    lesson.write_text(
        lesson.read_text().replace("[§7]", "[§99]").replace("[[vulnerability|", "[[vulnerabilty|")
    )
    with pytest.raises(CourseError) as info:
        load_course(root)
    codes = sorted(d.code for d in info.value.diagnostics)
    assert codes == ["cite.unknown-paragraph", "glossary.unknown-term"]


def test_a_byte_order_mark_starts_a_file_but_is_an_error_inside_the_text(course_copy):
    """Editors on Windows may save UTF-8 with a byte-order mark: it is not text. One inside the
    text (left where two files were joined) is invisible, and PDF/UA forbids it."""
    root = course_copy("full")
    for rel in ("modules/demo/secondary.en.md", "modules/demo/module.yaml",
                "quizzes/demo/secondary.yaml"):
        path = root / rel
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    course, _ = load_course(root)
    assert course.modules[0].lessons[0].title == "Risk and protection – a demo lesson"
    lesson = root / "modules/demo/secondary.en.md"
    text = lesson.read_text("utf-8-sig")
    lesson.write_text(text.replace("Sort the cards", "Sort\ufeff the cards"), encoding="utf-8")
    with pytest.raises(CourseError) as info:
        load_course(root)
    [found] = info.value.diagnostics
    assert (found.code, found.loc.line, found.loc.col) == ("source.control-character", 38, 5)
    assert "U+FEFF (ZERO WIDTH NO-BREAK SPACE)" in found.message


SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
       b"%s</svg>")


@pytest.mark.parametrize(
    ("path", "data", "problem"),
    [
        ("a.png", b"\x89PNG\r\n\x1a\n...", ""),
        ("a.PNG", b"GIF89a...", "its bytes are not a PNG file's"),
        ("a.jpeg", b"\xff\xd8\xff\xe0...", ""),
        ("a.gif", b"GIF87a...", ""),
        ("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ", ""),
        ("a.webp", b"RIFF\x00\x00\x00\x00WAVE", "it is not a WebP file"),
        ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', ""),
        ("a.svg", b"<html/>", "its root element is not an SVG <svg>"),
        ("a.svg", b"<svg", "it is not well-formed SVG"),
        ("a.bmp", b"BM...", "'.bmp' is not an image kind every edition can show"),
        # An SVG is a file of its own in every package, where a browser that opens it runs its
        # scripts on the LMS's site and fetches what it refers to.
        ("a.svg", SVG % b'<image href="data:image/png;base64,AAAA"/><use href="#a"/>'
         b"<style>rect { fill: url(#g) }</style>", ""),
        ("a.svg", b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
         b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">' + SVG % b"", ""),
        ("a.svg", SVG % b"<script>alert(1)</script>", "it holds a <script> element"),
        ("a.svg", SVG % b'<rect onclick="alert(1)"/>', "its 'onclick' attribute"),
        ("a.svg", SVG % b'<foreignObject><p xmlns="http://www.w3.org/1999/xhtml"/></foreignObject>',
         "it holds a <foreignobject> element"),
        ("a.svg", SVG % b'<a xlink:href="javascript:alert(1)"><text>x</text></a>',
         "its 'href' attribute can run a script"),
        ("a.svg", SVG % b'<a><set attributeName="href" to=" java\tscript:alert(1)"/>x</a>',
         "its 'to' attribute can run a script"),
        ("a.svg", SVG % b'<image href="https://example.org/t.png"/>', "it refers to something"),
        ("a.svg", SVG % b'<rect style="fill: url(https://example.org/t)"/>', "it refers to"),
        ("a.svg", SVG % b"<style>@import url(https://example.org/a.css);</style>",
         "its style sheet refers to something outside it"),
        ("a.svg", b'<?xml-stylesheet href="https://example.org/a.xsl" type="text/xsl"?>'
         + SVG % b"", "it holds a processing instruction"),
        ("a.svg", b'<!DOCTYPE svg [<!ENTITY x "<script>alert(1)</script>">]>' + SVG % b"&x;",
         "its DOCTYPE declares entities or attributes"),
    ],
)
def test_image_files_are_what_their_name_says(path, data, problem):
    from builders.load.image_files import image_problem

    found = image_problem(path, data)
    assert found.startswith(problem) if problem else found == ""


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF", "WEBP"])
def test_an_image_with_more_pixels_than_print_can_hold_is_refused(kind, monkeypatch):
    """Typst holds every pixel in memory to put an image in a PDF; the size is read from the
    file's header, whatever its kind (the limit is lowered here to keep the files small)."""
    from PIL import Image

    import builders.load.image_files as image_files

    monkeypatch.setattr(image_files, "MAX_PIXELS", 1_000)
    path = f"a.{kind.lower()}"
    for size, problem in (((40, 25), ""), ((41, 25), "it is 41 × 25 pixels, more than the 1,000")):
        data = io.BytesIO()
        Image.new("RGB", size, "white").save(data, kind)
        found = image_files.image_problem(path, data.getvalue())
        assert found.startswith(problem) if problem else found == "", found


def test_a_decompression_bomb_is_refused_from_its_header():
    """390 kB of PNG that would decode to 15,000 × 15,000 pixels (900 MB in Typst)."""
    from builders.load.image_files import image_problem

    width = height = 15_000
    packer = zlib.compressobj(1)
    rows = b"".join(packer.compress(b"\0" * (width + 1)) for _ in range(height)) + packer.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows)
           + chunk(b"IEND", b""))
    assert image_problem("bomb.png", png).startswith("it has more than the 50,000,000 pixels")


def test_links_parse_the_same_when_threads_parse_first(monkeypatch):
    """Lessons and quiz strings are parsed on several threads at once (renders of a rebuild
    that found every lesson in the build cache). The URL encoding tables markdown-it's helper
    fills on first use must be complete before any thread uses them: half-filled, they wrote
    wrong image paths into PDFs, or failed with an IndexError."""
    import sys
    import threading

    import mdurl._decode
    import mdurl._encode

    from builders.load import markdown

    text = "[a report](https://example.org/a%20b?q=1#x) ![a map](images/map.png) <https://e.org/~>"
    expected = [t.attrs for t in markdown.markdown_parser().parseInline(text)[0].children or []]
    def parse(found: list[object]) -> None:
        try:
            tokens = markdown.markdown_parser().parseInline(text)[0].children or []
            found.append([t.attrs for t in tokens])
        except Exception as error:  # what a half-filled table raises
            found.append(error)

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can
    try:
        for _ in range(30):
            markdown.markdown_parser.cache_clear()
            monkeypatch.setattr(mdurl._encode, "encode_cache", {})
            monkeypatch.setattr(mdurl._decode, "decode_cache", {})
            found: list[object] = []
            threads = [threading.Thread(target=parse, args=(found,)) for _ in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert found == [expected] * 6
    finally:
        sys.setswitchinterval(previous)
