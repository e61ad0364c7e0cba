"""Moodle XML and GIFT question banks: every type mapped, fractions Moodle accepts, feedback and
images kept, GIFT escaping, and notes for what GIFT cannot carry."""

from __future__ import annotations

import base64
import re

import pytest
from lxml import etree

from builders.formats import get_builder
from builders.load import load_course
from builders.qbank.fractions import ALLOWED, share
from builders.qbank.gift import escape_gift, lost_in_gift
from conftest import COURSES, PROJECT


@pytest.fixture(scope="module")
def course():
    loaded, _ = load_course(COURSES / "full")
    return loaded


@pytest.fixture(scope="module")
def moodle(course):
    return get_builder("moodle_xml").build(course)


def questions(xml: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(xml)
    found = {}
    for question in root.iter("question"):
        if question.get("type") != "category":
            found.setdefault(question.findtext("idnumber"), question)
    return found


def test_files_and_categories(moodle):
    assert sorted(moodle) == [
        "en/e4j-course-secondary-en.xml",
        "en/e4j-demo-secondary-en.xml",
        "fr/e4j-course-secondary-fr.xml",
        "fr/e4j-demo-secondary-fr.xml",
        "multilang/e4j-course-secondary-multilang.xml",
        "multilang/e4j-demo-secondary-multilang.xml",
    ]
    root = etree.fromstring(moodle["fr/e4j-demo-secondary-fr.xml"])
    categories = [
        q.findtext("category/text") for q in root.iter("question") if q.get("type") == "category"
    ]
    assert categories == [
        "$course$/E4J/demo/secondary/pre-test",
        "$course$/E4J/demo/secondary/post-test",
    ]
    assert len(root.findall("question")) == 2 + 2 * 7


def test_every_type_mapped_to_moodle(moodle):
    found = questions(moodle["en/e4j-demo-secondary-en.xml"])
    types = {qid: q.get("type") for qid, q in found.items()}
    assert types == {
        "demo-q1": "multichoice",
        "demo-q2": "multichoice",
        "demo-q3": "truefalse",
        "demo-q4": "shortanswer",
        "demo-q5": "matching",
        "demo-q6": "numerical",
        "demo-q7": "essay",
    }
    assert found["demo-q1"].findtext("single") == "true"
    assert found["demo-q2"].findtext("single") == "false"
    assert found["demo-q2"].findtext("defaultgrade") == "2"
    assert found["demo-q6"].findtext("answer/tolerance") == "0"
    assert "4 points" in found["demo-q7"].findtext("graderinfo/text")
    assert found["demo-q7"].findtext("minwordlimit") == "80"
    assert found["demo-q4"].findtext("usecase") == "0"
    tags = [t.text for t in found["demo-q7"].iter("text") if t.getparent().tag == "tag"]
    assert {"e4j-module-demo", "e4j-outcome-demo-2", "e4j-para-30", "e4j-para-16a"} <= set(tags)


def test_fractions_are_moodle_grade_options(moodle):
    for name, xml in moodle.items():
        for qid, question in questions(xml).items():
            fractions = [float(a.get("fraction")) for a in question.findall("answer")]
            for value in fractions:
                assert min(abs(abs(value) - allowed) for allowed in ALLOWED) < 1e-6, (name, qid)
            if question.findtext("single") == "false":
                assert abs(sum(v for v in fractions if v > 0) - 100) < 0.01
                assert abs(sum(v for v in fractions if v < 0) + 100) < 0.01


def test_feedback_and_images_survive(moodle, course):
    found = questions(moodle["fr/e4j-demo-secondary-fr.xml"])
    for answer in found["demo-q1"].findall("answer"):
        assert answer.findtext("feedback/text").strip()
    assert "Oui\u202f: elle touche" in found["demo-q1"].find("answer").findtext("feedback/text")
    text = found["demo-q5"].find("questiontext")
    assert "@@PLUGINFILE@@/images-levels.png" in text.findtext("text")
    assert 'alt="Les quatre niveaux de risque"' in text.findtext("text")
    file = text.find("file")
    image = course.module("demo").asset("images/levels.png").data
    assert file.get("name") == "images-levels.png" and base64.b64decode(file.text) == image
    assert found["demo-q5"].findtext("correctfeedback/text") == "Bravo."


def test_multilang_variant_carries_every_language(moodle):
    found = questions(moodle["multilang/e4j-demo-secondary-multilang.xml"])
    text = found["demo-q1"].findtext("questiontext/text")
    assert (
        '<span lang="en" class="multilang">' in text
        and '<span lang="fr" class="multilang">' in text
    )
    answers = [a.findtext("text") for a in found["demo-q4"].findall("answer")]
    assert {"risk factor", "facteur de risque", "*"} <= set(answers)
    match = found["demo-q5"].find("subquestion/answer/text").text
    assert match == "Global / Mondial"


def test_accents_are_optional_in_short_answers(course):
    xml = get_builder("moodle_xml").build(course)["fr/e4j-demo-secondary-fr.xml"]
    q = questions(xml)["demo-q4"]
    assert q.findtext("usecase") == "0"


def _moodle_accepts(response: str, pattern: str) -> bool:
    """Moodle's short-answer comparison (qtype_shortanswer::compare_string_with_wildcard, case
    ignored): an unescaped run of '*' is any text, '\\*' a literal asterisk."""
    bits = re.split(r"(?<!\\)\*+", pattern)
    regexp = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)
    return re.fullmatch(regexp, response.strip(), re.IGNORECASE) is not None


def test_an_asterisk_in_a_short_answer_is_literal_in_moodle(course_copy):
    """'*' is Moodle's wildcard: written as it is, the answer '2*3' accepted any text beginning
    with 2 and ending with 3 in Moodle, where the HTML and SCORM quizzes accept only '2*3'."""
    from builders.qbank.gift_import import read_gift
    from builders.qbank.importing import read_moodle_xml

    root = course_copy("full")
    quiz = root / "quizzes/demo/secondary.yaml"
    quiz.write_text(quiz.read_text("utf-8").replace("en: [risk factor, a risk factor]",
                                                    "en: ['2*3', a risk factor]"), "utf-8")
    course, _ = load_course(root)
    xml = get_builder("moodle_xml").build(course)["en/e4j-demo-secondary-en.xml"]
    right = [a.findtext("text") for a in questions(xml)["demo-q4"].iter("answer")
             if a.get("fraction") == "100"]
    assert right == ["2\\*3", "a risk factor"]
    assert _moodle_accepts("2*3", right[0]) and not _moodle_accepts("2 + 3", right[0])
    assert _moodle_accepts("2 + 3", "2*3")  # what the bank said before
    gift = get_builder("gift").build(course)["en/e4j-demo-secondary-en.gift.txt"].decode()
    assert "\t=2\\*3#" in gift
    for imported in (read_moodle_xml(xml, "x.xml", "en"), read_gift(gift, "x.gift", "en")):
        assert imported[0].questions["demo-q4"]["answers"]["en"][0] == "2*3"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: b", "a\\: b"),
        ("{x} = ~y # z", "\\{x\\} \\= \\~y \\# z"),
        ("back\\slash", "back\\\\slash"),
        ("line\nbreak", "line\\nbreak"),
    ],
)
def test_gift_escaping(text, expected):
    assert escape_gift(text) == expected


def test_gift_files_and_notes(course):
    builder = get_builder("gift")
    files = builder.build(course)
    text = files["fr/e4j-demo-secondary-fr.gift.txt"].decode()
    assert text.startswith("$CATEGORY: $course$/E4J/demo/secondary/pre-test")
    assert "::demo-q3::" in text and "{FALSE#" in text
    assert "~%50%[html]Les femmes" in text and "~%-100%" in text
    assert "=%0%*#" in text
    assert "[Les quatre niveaux de risque]" in text and "<img" not in text
    notes = lost_in_gift(course.module("demo").quiz("secondary"))
    assert {d.level for d in notes} == {"note"}
    assert [d.message.rsplit("'", 2)[1] for d in notes] == ["demo-q5", "demo-q6", "demo-q7"]
    assert all(d.code == "gift.lossy" for d in builder.warnings(course))


def test_moodle_cannot_share_a_mark_eleven_ways():
    assert share(10) == 10.0
    with pytest.raises(ValueError):
        share(11)


def test_shipped_quizzes_become_valid_banks():
    course, _ = load_course(PROJECT)
    files = get_builder("moodle_xml").build(course)
    count = sum(len(questions(xml)) for name, xml in files.items() if "/e4j-course-" in name)
    expected = sum(len(q.questions) for m in course.modules for q in m.quizzes)
    assert count == expected * (len(course.languages) + 1)
