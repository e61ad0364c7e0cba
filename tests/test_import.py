"""Importing question banks: Moodle XML and GIFT back into quiz YAML, with round trips
(export → import → export gives the same file) for every type, and safe handling of bad files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from builders.formats import get_builder
from builders.load import load_course
from builders.qbank.gift_import import read_gift
from builders.qbank.importing import ImportError_, quiz_yaml, read_moodle_xml
from conftest import COURSES

QUIZ = "quizzes/demo/secondary.yaml"


def french_only(root: Path) -> None:
    """Make a copy of the full course single-language, as an academic's own course may be."""
    (root / "modules/course.yaml").write_text(
        "title: {fr: Cours d’essai}\nlanguages: [fr]\n", encoding="utf-8"
    )
    (root / "modules/demo/secondary.en.md").unlink()
    for path in [
        root / QUIZ,
        root / "modules/sources.yaml",
        *root.glob("modules/glossary*.yaml"),
        *root.glob("modules/glossary/*.yaml"),
        root / "modules/demo/module.yaml",
    ]:
        text = path.read_text("utf-8")
        import yaml

        def strip_en(node):
            if isinstance(node, dict):
                if "fr" in node and "en" in node and len(node) == 2:
                    return {"fr": strip_en(node["fr"])}
                return {k: strip_en(v) for k, v in node.items()}
            if isinstance(node, list):
                return [strip_en(v) for v in node]
            return node

        path.write_text(
            yaml.safe_dump(strip_en(yaml.safe_load(text)), allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )


def round_trip(root: Path, fmt: str, name: str, lang: str) -> tuple[bytes, bytes]:
    course, _ = load_course(root)
    first = get_builder(fmt).build(course)[name]
    if fmt == "gift":
        quizzes = read_gift(first.decode(), name, lang)
    else:
        quizzes = read_moodle_xml(first, name, lang)
    assert len(quizzes) == 1
    text = quiz_yaml(quizzes[0], {lang: "Quiz"} if lang != "all" else {"en": "Quiz", "fr": "Quiz"})
    assert "&id0" not in text  # values shared between languages are written out, not aliased
    (root / QUIZ).write_text(text, encoding="utf-8")
    again, _ = load_course(root)
    return first, get_builder(fmt).build(again)[name]


def test_moodle_xml_multilang_round_trip(course_copy):
    root = course_copy("full")
    first, second = round_trip(
        root, "moodle_xml", "multilang/e4j-demo-secondary-multilang.xml", "all"
    )
    assert first == second


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("moodle_xml", "fr/e4j-demo-secondary-fr.xml"), ("gift", "fr/e4j-demo-secondary-fr.gift.txt")],
)
def test_single_language_round_trip(fmt, name, course_copy):
    root = course_copy("full")
    french_only(root)
    if fmt == "gift":  # keep the types GIFT carries whole (the others lose required fields)
        import yaml

        quiz = yaml.safe_load((root / QUIZ).read_text("utf-8"))
        quiz["questions"] = [
            q
            for q in quiz["questions"]
            if q["type"] in ("single", "multiple", "truefalse", "short")
        ]
        (root / QUIZ).write_text(yaml.safe_dump(quiz, allow_unicode=True, sort_keys=False), "utf-8")
    first, second = round_trip(root, fmt, name, "fr")
    assert first.decode() == second.decode()


def test_import_keeps_what_matters(course_copy):
    root = course_copy("full")
    course, _ = load_course(root)
    xml = get_builder("moodle_xml").build(course)["fr/e4j-demo-secondary-fr.xml"]
    quiz = read_moodle_xml(xml, "x.xml", "fr")[0]
    assert (quiz.module, quiz.audience, quiz.pre_post) == ("demo", "secondary", True)
    q = quiz.questions
    assert q["demo-q1"]["options"][0]["feedback"]["fr"].startswith("Oui")
    assert q["demo-q5"]["prompt"]["fr"].endswith(
        "![Les quatre niveaux de risque](images/levels.png)"
    )
    assert q["demo-q7"]["marking_guide"]["fr"].startswith("Jusqu’à 4 points")
    assert q["demo-q2"]["feedback"]["fr"] == "Voir [[vulnerability]]."
    assert q["demo-q3"]["answer"] is False and q["demo-q6"]["answer"] == 4.0
    assert q["demo-q1"]["outcome"] == "demo-1" and q["demo-q7"]["paragraphs"] == ["30", "16(a)"]


def test_images_named_with_spaces_and_accents_come_back_as_they_were_written(course_copy):
    """The bank names an image as the module does (`images/ma carte.png`); written back into
    Markdown unencoded, a space ended the image's target and the image became text."""
    root = course_copy("full")
    images = root / "modules/demo/images"
    shutil.copy(images / "levels.png", images / "ma carte é.png")
    quiz = root / QUIZ
    quiz.write_text(quiz.read_text("utf-8").replace(
        "(images/levels.png)", "(images/ma%20carte%20%C3%A9.png)"), "utf-8")
    course, _ = load_course(root)
    xml = get_builder("moodle_xml").build(course)["fr/e4j-demo-secondary-fr.xml"]
    imported = read_moodle_xml(xml, "x.xml", "fr")[0].questions["demo-q5"]["prompt"]["fr"]
    assert imported.endswith("](images/ma%20carte%20%C3%A9.png)")


ESSAY_IN = ('<quiz><question type="essay"><name><text>demo-q9</text></name>'
            '<questiontext format="html"><text><![CDATA[{}]]></text></questiontext>'
            "</question></quiz>")


@pytest.mark.parametrize("lang", ["../../etc", "x" * 300, "fr ca"])
def test_a_multilanguage_span_that_names_no_language_is_a_located_error(lang):
    """Its `lang` became a language of the quiz and the name of a file of interface strings:
    300 letters stopped the import on "File name too long"."""
    spans = (f'<span lang="en" class="multilang">Who can help?</span>'
             f'<span lang="{lang}" class="multilang">Qui peut aider ?</span>')
    with pytest.raises(ImportError_) as info:
        read_moodle_xml(ESSAY_IN.format(spans).encode(), "bank.xml", "en")
    problem = info.value.diagnostics[0]
    assert (problem.code, str(problem.loc)) == ("import.question", "bank.xml:1:1")
    assert "in a multi-language span is not a language code" in problem.message


def test_moodle_language_codes_become_ours():
    """Moodle names Brazilian Portuguese pt_br; e4j's lessons and quizzes write pt-BR."""
    spans = ('<span lang="en" class="multilang">Who can help?</span>'
             '<span lang="pt_br" class="multilang">Quem pode ajudar?</span>')
    quiz = read_moodle_xml(ESSAY_IN.format(spans).encode(), "bank.xml", "en")[0]
    assert quiz.questions["demo-q9"]["prompt"] == {"en": "Who can help?",
                                                   "pt-BR": "Quem pode ajudar?"}


def test_cli_writes_quiz_files_and_refuses_to_overwrite(course_copy, run_cli, tmp_path):
    root = course_copy("full")
    course, _ = load_course(root)
    file = tmp_path / "bank.xml"
    file.write_bytes(
        get_builder("moodle_xml").build(course)["multilang/e4j-demo-secondary-multilang.xml"]
    )
    refused = run_cli("--root", root, "import", "moodle-xml", file)
    assert refused.code == 1 and "--force" in refused.err
    done = run_cli("--root", root, "import", "moodle-xml", file, "--force")
    assert done.code == 0 and "wrote 7 question(s)" in done.out
    assert run_cli("--root", root, "check").code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<quiz><question type=", "import.xml"),
        (
            b'<!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<quiz><question type="essay"><questiontext><text>&x;</text>'
            b"</questiontext></question></quiz>",
            "x",
        ),
        (
            b'<quiz><question type="truefalse"><answer fraction="100"><text>yes</text></answer>'
            b"</question></quiz>",
            "import.question",
        ),
        (
            b'<quiz><question type="numerical"><answer fraction="100"><text>inf</text>'
            b"</answer></question></quiz>",
            "'inf' is not a finite number",
        ),
    ],
)
def test_bad_moodle_files_give_located_errors(content, message, run_cli, tmp_path):
    file = tmp_path / "bad.xml"
    file.write_bytes(content)
    result = run_cli("import", "moodle-xml", file, "--dry-run")
    assert "Traceback" not in result.err and "root:" not in result.out
    if message == "x":  # the external entity is never read
        assert result.code == 0 and "/etc/passwd" not in result.out.replace(
            "file:///etc/passwd", ""
        )
    else:
        assert result.code == 1 and f"{file}:1:" in result.err and message in result.err


def test_bad_gift_gives_located_error(run_cli, tmp_path):
    file = tmp_path / "bad.gift"
    file.write_text("// first\n::q1:: What? {=yes\n\n\n::q2 broken {~a =b}\n", encoding="utf-8")
    result = run_cli("import", "gift", file, "--dry-run")
    assert result.code == 1 and f"{file}:2:1: error[import.gift]" in result.err


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("::q1:: How many? {#inf}\n", ":1:1: error[import.gift]: 'inf' is not a finite number"),
        ("::q1:: How many? {#4:nan}\n", ":1:1: error[import.gift]: 'nan' is not a finite number"),
        ("::q1:: How many? {#" + "9" * 400 + "}\n", ":1:1: error[import.gift]: '9999"),
        ("::q1:: Fine? {T}\n\n::q2:: Caf\udce9? {T}\n", ":3:11: error[import.encoding]"),
    ],
)
def test_gift_numbers_and_bytes_no_edition_can_carry_are_located(content, error, run_cli,
                                                                 tmp_path):
    file = tmp_path / "bad.gift"
    file.write_bytes(content.encode("utf-8", "surrogateescape"))
    result = run_cli("import", "gift", file, "--dry-run")
    assert result.code == 1 and f"{file}{error}" in result.err, result.err
    assert "Traceback" not in result.err


SAFE_TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZéèàçÉ 0123456789*_#{}=~:<>&\"'\\-.,!?%/()")),
    min_size=1,
    max_size=40,
).filter(lambda t: t.strip() and "[" not in t and "]" not in t)


@st.composite
def questions(draw):
    kind = draw(
        st.sampled_from(
            ["single", "multiple", "truefalse", "short", "matching", "numerical", "essay"]
        )
    )
    text = lambda: {"en": draw(SAFE_TEXT).strip(), "fr": draw(SAFE_TEXT).strip()}  # noqa: E731
    question = {
        "type": kind,
        "points": draw(st.integers(1, 5)),
        "outcome": "demo-1",
        "paragraphs": ["8"],
        "prompt": text(),
        "feedback": text(),
    }
    if kind in ("single", "multiple"):
        count = draw(st.integers(2, 5))
        correct = (
            {0} if kind == "single" else set(draw(st.sets(st.integers(0, count - 1), min_size=1)))
        )
        question["options"] = [
            {"text": text(), **({"correct": True} if i in correct else {}), "feedback": text()}
            for i in range(count)
        ]
    elif kind == "truefalse":
        question.update(answer=draw(st.booleans()), feedback_true=text(), feedback_false=text())
    elif kind == "short":
        word = st.text(alphabet="abcdéèxyz ", min_size=1, max_size=12).filter(lambda t: t.strip())
        question.update(
            answers={"en": [draw(word).strip()], "fr": [draw(word).strip()]},
            feedback_correct=text(),
            feedback_incorrect=text(),
        )
    elif kind == "matching":
        question.update(
            pairs=[{"premise": text(), "match": text()} for _ in range(2)],
            feedback_correct=text(),
            feedback_incorrect=text(),
        )
    elif kind == "numerical":
        question.update(
            answer=draw(st.integers(-50, 50)),
            tolerance=draw(st.integers(0, 3)),
            feedback_correct=text(),
            feedback_incorrect=text(),
        )
    else:
        question.update(marking_guide=text())
    return question


def _write_generated_quiz(root: Path, title: dict, items: list) -> bool:
    """Write generated questions as the demo quiz; False when the course then does not load (a
    generated text the quality gate or parser rejects is not what these tests are about)."""
    import yaml

    waiver = {"rule": "align.question-count", "line": 1,
              "reason": "Generated quizzes for a round-trip test."}
    (root / QUIZ).write_text(
        yaml.safe_dump({"title": title, "waivers": [waiver], "questions": items},
                       allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    try:
        load_course(root)
    except Exception:
        return False
    return True


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples every run: CI never meets a new one by chance
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each example builds
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(items=st.lists(questions(), min_size=1, max_size=4))
def test_generated_quizzes_round_trip_through_moodle_xml(items, tmp_path_factory):

    root = tmp_path_factory.mktemp("rt") / "course"
    shutil.copytree(COURSES / "full", root)
    for number, item in enumerate(items, start=1):
        item["id"] = f"gen-q{number}"
    if not _write_generated_quiz(root, {"en": "T", "fr": "T"}, items):
        return
    first, second = round_trip(
        root, "moodle_xml", "multilang/e4j-demo-secondary-multilang.xml", "all"
    )
    assert first == second


GIFT_TYPES = ("single", "multiple", "truefalse", "short")


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples every run: CI never meets a new one by chance
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    items=st.lists(questions().filter(lambda q: q["type"] in GIFT_TYPES), min_size=1, max_size=4)
)
def test_generated_quizzes_round_trip_through_gift(items, tmp_path_factory):
    """GIFT escaping fuzzed: every special character survives export and import."""

    root = tmp_path_factory.mktemp("gift") / "course"
    shutil.copytree(COURSES / "full", root)
    french_only(root)
    for number, item in enumerate(items, start=1):
        item["id"] = f"gen-q{number}"
        for key, value in list(item.items()):
            if isinstance(value, dict) and "fr" in value:
                item[key] = {"fr": value["fr"]}
        for part in item.get("options", []):
            part["text"], part["feedback"] = (
                {"fr": part["text"]["fr"]},
                {"fr": part["feedback"]["fr"]},
            )
    if not _write_generated_quiz(root, {"fr": "T"}, items):
        return
    first, second = round_trip(root, "gift", "fr/e4j-demo-secondary-fr.gift.txt", "fr")
    assert first.decode() == second.decode()


def test_an_image_of_another_bank_keeps_its_name_once_encoded():
    """Moodle names an embedded file by a percent-encoded URL: written back into Markdown it is
    encoded once, not twice (%C3%A9, not %25C3%25A9)."""
    from builders.qbank.html_markdown import html_to_markdown

    text = html_to_markdown('<p><img src="@@PLUGINFILE@@/carte-r%C3%A9gion%20nord.png" alt="A map">'
                            "</p>")
    assert text == "![A map](carte-r%C3%A9gion%20nord.png)"


@pytest.mark.parametrize(("category", "message"), [
    ("E4J/con/secondary", "the category names a module 'con', which is no module id"),
    ("E4J/" + "a" * 300 + "/secondary", "which is no module id"),
    ("E4J/demo/teachers", "the category names an audience 'teachers', which e4j does not have"),
])
@pytest.mark.parametrize("kind", ["gift", "moodle-xml"])
def test_a_category_naming_no_module_or_audience_is_a_located_error(kind, category, message,
                                                                      course_copy, run_cli,
                                                                      tmp_path):
    """A bank's E4J category names the quiz file written: 300 letters stopped the import on
    "File name too long"; `con` and `teachers` wrote quizzes/con/…, quizzes/demo/teachers.yaml,
    files no course can use."""
    root = course_copy("full")
    course, _ = load_course(root)
    name = "en/e4j-demo-secondary-en." + ("gift.txt" if kind == "gift" else "xml")
    bank = get_builder(kind.replace("-", "_")).build(course)[name].decode("utf-8")
    assert "E4J/demo/secondary" in bank
    file = tmp_path / "bank"
    file.write_text(bank.replace("E4J/demo/secondary", category), "utf-8")
    before = sorted(root.rglob("*"))
    result = run_cli("--root", root, "import", kind, file, "--lang", "en")
    assert result.code == 1, result.err
    assert re.search(rf"^{re.escape(str(file))}:\d+:1: error\[import.category\]: "
                     rf".*{re.escape(message)}", result.err, re.M), result.err
    assert sorted(root.rglob("*")) == before
