"""The print edition: what each PDF contains and leaves out, fonts, tags, metadata, safety."""

from __future__ import annotations

import io
import json
import re

import pypdf
import pytest

from builders.formats import get_builder
from builders.load import load_course
from builders.render.typography import french_spacing
from builders.render.typst import typ_string
from conftest import COURSES

DOCS = ("handout", "guide", "pre-test", "post-test", "answers")


@pytest.fixture(scope="module")
def pdfs():
    course, _ = load_course(COURSES / "full")
    return get_builder("pdf").build(course)


def text_of(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u202f", " ").replace("\u00a0", " ")  # compare with plain spaces


def doc(pdfs, lang: str, kind: str) -> bytes:
    return pdfs[f"{lang}/secondary/e4j-demo-secondary-{lang}-{kind}.pdf"]


def test_documents_per_lesson(pdfs):
    assert sorted(pdfs) == sorted(
        [f"{lang}/secondary/e4j-demo-secondary-{lang}-{kind}.pdf"
         for lang in ("en", "fr") for kind in DOCS]
        + [f"{lang}/secondary/e4j-demo-secondary-{lang}-scores.csv" for lang in ("en", "fr")]
    )


def test_score_sheet_of_a_printed_pre_post_test_feeds_e4j_results(pdfs, tmp_path, run_cli):
    """A trainer marks the paper pre- and post-tests in the sheet; `e4j results` reads it."""
    sheet = pdfs["fr/secondary/e4j-demo-secondary-fr-scores.csv"].decode()
    header = sheet.splitlines()[0].split(",")
    course, _ = load_course(COURSES / "full")
    quiz = course.module("demo").quiz("secondary")
    assert header == ["learner_code", "sex", "age_band",
                      *(f"Q{n}" for n in range(1, len(quiz.questions) + 1))]
    width = len(header) - 3
    learners = [(f"P{n:02d}", "F" if n % 2 else "M") for n in range(1, 7)]
    for name, right in (("pre", 1), ("post", width)):
        rows = [",".join([code, sex, "18-24", *(["1"] * right + ["0"] * (width - right))])
                for code, sex in learners]
        (tmp_path / f"{name}.csv").write_text(sheet + "\r\n".join(rows) + "\r\n")
    result = run_cli("results", "--pre", tmp_path / "pre.csv", "--post", tmp_path / "post.csv",
                     "--learners", tmp_path / "pre.csv", "--out", tmp_path / "out")
    assert result.code == 0, result.err
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["matched"] == 6 and summary["post_mean"] == 100
    assert abs(summary["pre_mean"] - 100 / width) < 0.1


def test_handout_has_content_and_no_teacher_material(pdfs):
    text = text_of(doc(pdfs, "en", "handout"))
    for expected in (
        "Risk and protection",
        "Learning outcomes",
        "Risk factors",
        "Glossary",
        "Sources",
        "Sort the cards into four piles",
    ):
        assert expected in text
    for absent in ("safeguarding", "Answer key", "Yes: it affects many countries"):
        assert absent not in text


def test_guide_has_plan_notes_and_answer_key(pdfs):
    text = text_of(doc(pdfs, "en", "guide"))
    for expected in (
        "Class plan",
        "Warm-up",
        "safeguarding protocol",
        "Answer key",
        "Yes: it affects many countries",
        "Award up to 4 points",
        "Paragraphs",
    ):
        assert expected in text


def test_printable_quiz_has_no_answers_and_the_sheet_has_them(pdfs):
    quiz = " ".join(text_of(doc(pdfs, "fr", "pre-test")).split())
    assert "Test préalable" in quiz and "Nom" in quiz and "Question 7" in quiz
    for absent in ("Oui : elle touche", "Réponses acceptées", "Grille de correction"):
        assert absent not in quiz
    answers = " ".join(text_of(doc(pdfs, "fr", "answers")).split())
    assert "Bonne réponse" in answers and "facteur de risque" in answers
    assert "Grille de correction" in answers


def test_fonts_embedded_tagged_and_described(pdfs):
    for name, data in pdfs.items():
        if not name.endswith(".pdf"):
            continue
        reader = pypdf.PdfReader(io.BytesIO(data))
        root = reader.trailer["/Root"]
        assert bool(root["/MarkInfo"]["/Marked"]), name
        assert "/StructTreeRoot" in root, name
        assert str(root["/Lang"]) in ("en", "fr"), name
        assert reader.metadata.title and reader.metadata.author == "Test Author", name
        for page in reader.pages:
            fonts = page["/Resources"].get("/Font", {})
            for font in fonts.values():
                font = font.get_object()
                descendant = (
                    font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                )
                descriptor = descendant["/FontDescriptor"].get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
        assert 1 <= len(reader.pages) <= 5, name


def test_deterministic():
    course, _ = load_course(COURSES / "full")
    builder = get_builder("pdf")
    job = builder.plan(course)[0]
    assert builder.render(course, job) == builder.render(course, job)


def test_letter_paper():
    course, _ = load_course(COURSES / "full")
    builder = get_builder("pdf", paper="letter")
    data = builder.render(course, builder.plan(course)[0])
    first = pypdf.PdfReader(io.BytesIO(next(iter(data.values())))).pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (612, 792)


def test_typst_code_in_sources_is_only_text(course_copy):
    root = course_copy("full")
    lesson = root / "modules/demo/secondary.en.md"
    hostile = 'Try #read("/etc/passwd") and #panic("boom") ] [ $x$ // not a comment'
    lesson.write_text(lesson.read_text().replace("Sort the cards into four piles.", hostile))
    course, _ = load_course(root)
    builder = get_builder("pdf")
    job = next(j for j in builder.plan(course) if j.lang == "en")
    text = text_of(builder.render(course, job)["en/secondary/e4j-demo-secondary-en-handout.pdf"])
    assert '#read("/etc/passwd")' in text and "root:" not in text
    assert '#panic("boom") ] [ $x$ // not a comment' in text


def test_running_text_keeps_words_whole(course_copy):
    """Ragged-right text is not hyphenated: a PDF reader finds and copies every word whole, and
    young readers never meet half a word at a line end."""
    root = course_copy("full")
    lesson = root / "modules/demo/secondary.en.md"
    long_words = " ".join(["Internationally, responsibilities, accountability, intergovernmental"
                           " understanding, discrimination and unaccompanied children."] * 12)
    lesson.write_text(lesson.read_text().replace("Sort the cards into four piles.", long_words))
    course, _ = load_course(root)
    builder = get_builder("pdf")
    job = next(j for j in builder.plan(course) if j.lang == "en")
    text = text_of(builder.render(course, job)["en/secondary/e4j-demo-secondary-en-handout.pdf"])
    assert " ".join(text.split()).count("intergovernmental understanding") == 12
    assert not re.search(r"[a-z]-\n[a-z]", text)


def test_a_language_with_a_region_prints(course_copy):
    """Course languages may name a region (pt-BR); Typst takes the language and the region
    apart, and refused the whole code (an internal error)."""
    root = course_copy("full")
    for path in [*root.rglob("*.yaml"), *root.rglob("*.md")]:
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"\bfr:", "pt-BR:", text).replace("[en, fr]", "[en, pt-BR]"),
                        "utf-8")
    for path in root.rglob("*.fr.md"):
        path.rename(path.with_name(path.name.replace(".fr.", ".pt-BR.")))
    course, _ = load_course(root)
    builder = get_builder("pdf")
    job = next(j for j in builder.plan(course) if j.lang == "pt-BR")
    handout = builder.render(course, job)["pt-BR/secondary/e4j-demo-secondary-pt-BR-handout.pdf"]
    assert pypdf.PdfReader(io.BytesIO(handout)).trailer["/Root"]["/Lang"] == "pt-BR"


def test_typst_strings_and_french_spacing():
    assert typ_string('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
    assert french_spacing("Durée : 45 min ; « bonjour » !") == (
        "Durée\u202f: 45 min\u202f; «\u00a0bonjour\u00a0»\u202f!"
    )


def test_a_damaged_image_is_a_source_error_not_an_internal_one(course_copy, run_cli):
    """A file that starts like a PNG but is not one passes the loader's check; Typst's failure
    becomes a diagnostic naming the lesson and the image, exit code 1, nothing written."""
    root = course_copy("full")
    (root / "modules/demo/images/levels.png").write_bytes(b"\x89PNG\r\n\x1a\nnot PNG data")
    result = run_cli("--root", root, "build", "--format", "pdf")
    assert result.code == 1, result.err
    assert "error[lesson.image-unreadable]" in result.err
    assert "images/levels.png" in result.err
    assert "Traceback" not in result.err + result.out
    assert not (root / "exports/pdf").exists()


def test_a_source_error_raised_in_a_worker_reaches_the_parent_whole():
    import pickle

    from builders.diagnostics import CourseError, Diagnostic, SourceLoc

    error = CourseError([Diagnostic("error", "lesson.image-unreadable", "x", SourceLoc("a.md"))])
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, CourseError) and again.diagnostics == error.diagnostics


@pytest.mark.parametrize(
    ("file", "find", "replace", "where", "shown"),
    [
        ("modules/demo/secondary.en.md", "Sort the cards", "Sort the 😀 cards",
         "modules/demo/secondary.en.md:38:10:", "'😀' U+1F600 (GRINNING FACE)"),
        ("modules/demo/secondary.en.md", "Sort the cards", "Sort the &#x1F600; cards",
         "modules/demo/secondary.en.md:38:10:", "'😀' U+1F600 (GRINNING FACE)"),
        # Typst names a character it cannot print as an escape: \u{d7ff}
        ("quizzes/demo/secondary.yaml", "Which factor is **global**?",
         "Which factor is **global** \\uD7FF?", "quizzes/demo/secondary.yaml:9:5:",
         "U+D7FF (unassigned)"),
    ],
)
def test_text_the_print_fonts_cannot_show_is_a_located_source_error(
    file, find, replace, where, shown, course_copy, run_cli
):
    """PDF/UA forbids printing a character as an empty box: the build names where it is, and
    the other editions still show it."""
    root = course_copy("full")
    path = root / file
    path.write_text(path.read_text("utf-8").replace(find, replace, 1), encoding="utf-8")
    result = run_cli("--root", root, "build", "--format", "pdf")
    assert result.code == 1, result.err
    assert f"{where} error[pdf.no-glyph]" in result.err
    assert shown in result.err
    assert "Traceback" not in result.err + result.out and not (root / "exports/pdf").exists()
    assert run_cli("--root", root, "build", "--format", "html").code == 0
