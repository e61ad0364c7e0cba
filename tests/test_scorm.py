"""SCORM packages without a browser: schemas, file references both ways, metadata, weight."""

from __future__ import annotations

import io
import posixpath
import zipfile

import pytest
from lxml import etree
from schemas import validate

from builders.formats import get_builder
from builders.load import load_course
from conftest import COURSES, PROJECT

FORMATS = ("scorm12", "scorm2004")
CP = {
    "scorm12": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "scorm2004": "http://www.imsglobal.org/xsd/imscp_v1p1",
}


@pytest.fixture(scope="module")
def full_packages():
    course, _ = load_course(COURSES / "full")
    return {fmt: get_builder(fmt).build(course) for fmt in FORMATS}


def _each(packages):
    for fmt, artifact in packages.items():
        for name, data in artifact.items():
            yield fmt, name, zipfile.ZipFile(io.BytesIO(data))


def test_package_names(full_packages):
    assert sorted(full_packages["scorm12"]) == [
        "e4j-course-secondary-en-scorm12.zip",
        "e4j-course-secondary-fr-scorm12.zip",
        "e4j-demo-secondary-en-scorm12.zip",
        "e4j-demo-secondary-fr-scorm12.zip",
    ]


def test_manifests_are_schema_valid(full_packages):
    for fmt, name, archive in _each(full_packages):
        assert archive.namelist()[0] == "imsmanifest.xml"
        assert validate(fmt, archive.read("imsmanifest.xml")) == [], name


def test_file_references_both_ways(full_packages):
    for fmt, name, archive in _each(full_packages):
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
        listed = {f.get("href") for f in manifest.iter(f"{{{CP[fmt]}}}file")}
        entries = set(archive.namelist()) - {"imsmanifest.xml"}
        assert listed == entries, name
        for resource in manifest.iter(f"{{{CP[fmt]}}}resource"):
            href = resource.get("href")
            if href:
                assert href in listed
        for entry in archive.namelist():
            assert entry == posixpath.normpath(entry) and not entry.startswith(("/", ".."))
            assert entry.isascii()
        refs = {i.get("identifierref") for i in manifest.iter(f"{{{CP[fmt]}}}item")}
        ids = {r.get("identifier") for r in manifest.iter(f"{{{CP[fmt]}}}resource")}
        assert refs <= ids


def test_scorm12_mastery_and_version(full_packages):
    archive = zipfile.ZipFile(
        io.BytesIO(full_packages["scorm12"]["e4j-demo-secondary-fr-scorm12.zip"])
    )
    manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    ns = {"cp": CP["scorm12"], "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=ns) == "1.2"
    assert manifest.findtext(".//cp:item/adlcp:masteryscore", namespaces=ns) == "60"
    resource = manifest.find(".//cp:resource[@href='demo/index.html']", ns)
    assert resource.get(f"{{{ns['adlcp']}}}scormtype") == "sco"
    page = archive.read("demo/index.html").decode()
    assert 'data-scorm="1.2"' in page and 'lang="fr"' in page
    assert 'href="../index.html"' not in page  # no links out of the package


def test_scorm2004_objectives_and_passing_score(full_packages):
    data = full_packages["scorm2004"]["e4j-demo-secondary-en-scorm2004.zip"]
    manifest = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("imsmanifest.xml"))
    ns = {"cp": CP["scorm2004"], "imsss": "http://www.imsglobal.org/xsd/imsss"}
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=ns) == "2004 4th Edition"
    primary = manifest.find(".//imsss:primaryObjective", ns)
    assert primary.get("satisfiedByMeasure") == "true"
    assert primary.findtext("imsss:minNormalizedMeasure", namespaces=ns) == "0.60"
    objectives = [o.get("objectiveID") for o in manifest.iterfind(".//imsss:objective", ns)]
    assert objectives == ["demo-1", "demo-2"]
    control = manifest.find(
        "cp:organizations/cp:organization/imsss:sequencing/imsss:controlMode", ns
    )
    assert control.get("choice") == "true" and control.get("flow") == "true"


def test_metadata_says_what_a_catalogue_needs(full_packages):
    data = full_packages["scorm2004"]["e4j-demo-secondary-fr-scorm2004.zip"]
    text = zipfile.ZipFile(io.BytesIO(data)).read("imsmanifest.xml").decode()
    for expected in (
        "<lom:language>fr</lom:language>",
        "PT45M",
        "CC-BY-4.0",
        "École secondaire (12–17 ans)",
        "vulnérabilité",
        "Test Author",
        "CTOC/COP/WG.4/2019/2",
    ):
        assert expected in text


def test_packages_are_deterministic_and_honour_source_date_epoch(monkeypatch):
    course, _ = load_course(COURSES / "full")
    builder = get_builder("scorm12")
    assert builder.build(course) == builder.build(course)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    archive = zipfile.ZipFile(io.BytesIO(next(iter(builder.build(course).values()))))
    assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_weight_limits(full_packages):
    """Guards, not timings: `make bench` measures the real sizes."""
    for fmt, name, archive in _each(full_packages):
        size = len(full_packages[fmt][name])
        images = sum(i.file_size for i in archive.infolist() if i.filename.startswith("media/"))
        assert size - images <= 150_000, name
        scripts = sum(
            archive.getinfo(n).file_size for n in archive.namelist() if n.endswith((".js", ".css"))
        )
        assert scripts <= 60_000, name


@pytest.mark.skipif(not (PROJECT / "modules").is_dir(), reason="no shipped modules")
def test_shipped_course_packages_are_valid():
    course, _ = load_course(PROJECT)
    for fmt in FORMATS:
        for name, data in get_builder(fmt).build(course).items():
            archive = zipfile.ZipFile(io.BytesIO(data))
            assert validate(fmt, archive.read("imsmanifest.xml")) == [], name


@pytest.mark.skipif(not (PROJECT / "modules").is_dir(), reason="no shipped modules")
def test_a_module_package_reads_no_other_module(monkeypatch):
    """One module's package looks up its own lesson only: walking every module for each of
    them made a catalogue of 1,000 modules take time in the square of its size."""
    from builders.model import Module

    course, _ = load_course(PROJECT)
    builder = get_builder("scorm12")
    job = next(j for j in builder.plan(course) if j.module is not None)
    asked: list[str] = []
    real = Module.lesson

    def lesson(module, audience, lang):
        asked.append(module.id)
        return real(module, audience, lang)

    monkeypatch.setattr(Module, "lesson", lesson)
    files = builder.render(course, job)
    assert len(course.modules) > 1 and files
    assert set(asked) == {job.module}
