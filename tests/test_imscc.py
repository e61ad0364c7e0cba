"""Common Cartridge 1.1 and 1.3: schema-valid manifests and QTI, what Moodle checks, notes."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree
from schemas import validate

from builders.cc.profiles import CC11, CC13, QTI_NS
from builders.formats import get_builder
from builders.load import load_course
from conftest import COURSES, PROJECT

PROFILES = {"cc11": CC11, "cc13": CC13}


@pytest.fixture(scope="module")
def cartridges():
    course, _ = load_course(COURSES / "full")
    return get_builder("imscc").build(course)


def _open(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def _check(version: str, archive: zipfile.ZipFile) -> list[str]:
    profile = PROFILES[version]
    manifest = archive.read("imsmanifest.xml")
    problems = [f"manifest {e}" for e in validate(version, manifest)]
    root = etree.fromstring(manifest)
    kinds = {
        profile.assessment_type: "qti",
        profile.discussion_type: "dt",
        profile.weblink_type: "wl",
    }
    for resource in root.iter(f"{{{profile.cp}}}resource"):
        kind = kinds.get(resource.get("type"))
        for file in resource.iter(f"{{{profile.cp}}}file"):
            if kind and file.get("href").endswith(".xml"):
                problems += [
                    f"{file.get('href')} {e}"
                    for e in validate(f"{version}-{kind}", archive.read(file.get("href")))
                ]
    listed = {f.get("href") for f in root.iter(f"{{{profile.cp}}}file")}
    if listed != set(archive.namelist()) - {"imsmanifest.xml"}:
        problems.append("files listed and files in the zip differ")
    return problems


def test_names(cartridges):
    assert sorted(cartridges) == [
        f"e4j-course-secondary-{lang}-{v}.imscc" for lang in ("en", "fr") for v in ("cc11", "cc13")
    ]


def test_every_file_schema_valid_and_listed(cartridges):
    for name, data in cartridges.items():
        version = name.rsplit("-", 1)[1].removesuffix(".imscc")
        assert _check(version, _open(data)) == [], name


def test_moodle_detects_cc11_in_the_first_kilobyte(cartridges):
    head = _open(cartridges["e4j-course-secondary-en-cc11.imscc"]).read("imsmanifest.xml")[:1024]
    assert b'xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"' in head


def test_qti_items_follow_what_moodle_maps(cartridges):
    archive = _open(cartridges["e4j-course-secondary-fr-cc11.imscc"])
    root = etree.fromstring(archive.read("demo/assessment.xml"))
    ns = {"q": QTI_NS}
    profiles = {
        item.get("ident"): item.findtext(
            ".//q:qtimetadatafield[q:fieldlabel='cc_profile']/q:fieldentry", namespaces=ns
        )
        for item in root.iterfind(".//q:item", ns)
    }
    assert profiles == {
        "demo-q1": "cc.multiple_choice.v0p1",
        "demo-q2": "cc.multiple_response.v0p1",
        "demo-q3": "cc.true_false.v0p1",
        "demo-q4": "cc.fib.v0p1",
        "demo-q6": "cc.fib.v0p1",
        "demo-q7": "cc.essay.v0p1",
    }
    tf = root.find(".//q:item[@ident='demo-q3']", ns)
    assert [label.get("ident") for label in tf.iterfind(".//q:response_label", ns)] == [
        "true",
        "false",
    ]
    weights = [
        f.findtext("q:fieldentry", namespaces=ns)
        for f in root.iterfind(".//q:qtimetadatafield", ns)
        if f.findtext("q:fieldlabel", namespaces=ns) == "cc_weighting"
    ]
    assert all(w.isdigit() and 0 <= int(w) <= 99 for w in weights)
    feedback = root.find(".//q:item[@ident='demo-q1']//q:itemfeedback[@ident='o1_fb']", ns)
    assert "Oui\u202f: elle touche" in "".join(feedback.itertext())
    page = archive.read("demo/index.html").decode()
    assert 'id="quiz-data"' not in page and 'href="../../index.html"' not in page


def test_notes_say_what_was_converted_or_left_out():
    course, _ = load_course(COURSES / "full")
    notes = get_builder("imscc").warnings(course)
    assert {d.level for d in notes} == {"note"}
    messages = " ".join(d.message for d in notes)
    assert "'demo-q5' (matching) has no Common Cartridge profile" in messages
    assert "'demo-q6' (numerical) becomes fill-in-the-blank" in messages


def test_shipped_course_cartridges_are_valid():
    course, _ = load_course(PROJECT)
    builder = get_builder("imscc")
    job = next(j for j in builder.plan(course) if j.key.startswith("cc11/university/"))
    for name, data in builder.render(course, job).items():
        assert _check("cc11", _open(data)) == [], name


def test_a_module_id_that_starts_with_a_digit_still_makes_valid_cartridges(course_copy):
    """Module ids may start with a digit (01-intro); XML IDs may not."""
    root = course_copy("full")
    (root / "modules/demo").rename(root / "modules/1demo")
    (root / "quizzes/demo").rename(root / "quizzes/1demo")
    meta = root / "modules/1demo/module.yaml"
    meta.write_text(meta.read_text("utf-8").replace("id: demo", "id: 1demo", 1), "utf-8")
    course, _ = load_course(root)
    for name, data in get_builder("imscc").build(course).items():
        version = name.rsplit("-", 1)[1].removesuffix(".imscc")
        assert _check(version, _open(data)) == [], name
