"""e4j.toml: a localisation profile fills every local-help box with checked contacts; branding
puts an institution, an attribution line and a checked accent colour on every edition."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pypdf
import pytest

from builders.formats import get_builder
from builders.load import load_course

PROFILE = """\
[profile]
country = "Freedonia"
verified_on = 2026-11-01

[[profile.help]]
name = { en = "National help line for children", fr = "Ligne d’écoute nationale pour les enfants" }
contact = "116 000"
notes = { en = "free, day and night", fr = "gratuit, jour et nuit" }

[[profile.help]]
name = "Freedonia Labour Inspectorate"
contact = "inspection.example"
"""


def test_profile_fills_the_local_help_box(course_copy, run_cli):
    root = course_copy("full")
    (root / "e4j.toml").write_text(PROFILE, encoding="utf-8")
    course, _ = load_course(root)
    assert course.profile.country == "Freedonia" and len(course.profile.contacts) == 2
    html = get_builder("html").build(course)["fr/secondary/demo.html"].decode()
    line = "Ligne d’écoute nationale pour les enfants</strong>: 116 000 – gratuit, jour et nuit"
    assert line in html
    assert "Coordonnées vérifiées le 2026-11-01 (Freedonia)." in html
    assert "local-placeholder" not in html
    pdf = get_builder("pdf")
    job = next(j for j in pdf.plan(course) if j.lang == "en")
    handout = pdf.render(course, job)["en/secondary/e4j-demo-secondary-en-handout.pdf"]
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(handout)).pages)
    assert "116 000" in text and "Freedonia Labour Inspectorate" in text


def test_without_a_profile_the_box_asks_for_local_contacts(course_copy):
    course, _ = load_course(course_copy("full"))
    html = get_builder("html").build(course)["en/secondary/demo.html"].decode()
    assert 'class="local-placeholder"' in html and "Never publish a number" in html


def test_profile_errors_name_the_line(course_copy, run_cli):
    root = course_copy("full")
    (root / "e4j.toml").write_text(PROFILE.replace('contact = "116 000"', 'contact = ""')
                                   .replace("verified_on = 2026-11-01", "verified_on = \"soon\""),
                                   encoding="utf-8")
    result = run_cli("--root", root, "check")
    assert result.code == 1
    assert "e4j.toml:3:1: error[config.verified-on]" in result.err
    assert "e4j.toml:5:1: error[config.empty]: a help contact needs 'contact'" in result.err
    (root / "e4j.toml").write_text("[profile\ncountry = 1\n", encoding="utf-8")
    broken = run_cli("--root", root, "check")
    assert broken.code == 1 and "e4j.toml:1:" in broken.err and "config.syntax" in broken.err


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('[profile]\ncountry = "X"\nlimit = ' + "1" * 5000 + "\n",
         "e4j.toml:3:9: error[config.syntax]: e4j.toml cannot be read: a number with too many "
         "digits"),
        ("a = " + "[" * 100_000 + "]" * 100_000 + "\n",
         "e4j.toml:1:1: error[config.syntax]: e4j.toml cannot be read: values nested too deeply"),
    ],
)
def test_toml_python_cannot_read_is_a_located_error(text, error, course_copy, run_cli):
    """tomllib raises ValueError and RecursionError, not its decode error, for these."""
    root = course_copy("full")
    (root / "e4j.toml").write_text(text, encoding="utf-8")
    result = run_cli("--root", root, "check")
    assert result.code == 1 and error in result.err, result.err
    assert "Traceback" not in result.err


def test_a_profile_change_rebuilds(course_copy, run_cli):
    root = course_copy("full")
    assert run_cli("--root", root, "build", "--format", "html").code == 0
    (root / "e4j.toml").write_text(PROFILE, encoding="utf-8")
    again = run_cli("--root", root, "build", "--format", "html")
    assert not again.out.startswith("Up to date")
    assert "116 000" in (root / "exports/html/en/secondary/demo.html").read_text()


BRANDING = """\
[branding]
institution = { en = "Freedonia Teachers' College", fr = "École normale de Freedonia" }
attribution = "Adapted by the Freedonia Teachers' College, 2026"
colour = "#7a1f5c"
"""


def test_branding_reaches_html_scorm_and_pdf(course_copy):
    root = course_copy("full")
    (root / "e4j.toml").write_text(BRANDING, encoding="utf-8")
    course, _ = load_course(root)
    page = get_builder("html").build(course)["fr/secondary/demo.html"].decode()
    assert '<p class="institution">École normale de Freedonia</p>' in page
    assert "--accent: #7a1f5c;" in page
    assert '<p class="attribution">Adapted by the Freedonia Teachers' in page
    scorm = get_builder("scorm12")
    job = next(iter(scorm.plan(course)))
    package = next(iter(scorm.render(course, job).values()))
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        pages = [archive.read(n).decode() for n in archive.namelist() if n.endswith(".html")]
    assert pages and all("#7a1f5c" in text for text in pages)
    pdf = get_builder("pdf")
    job = next(j for j in pdf.plan(course) if j.lang == "en")
    handout = pdf.render(course, job)["en/secondary/e4j-demo-secondary-en-handout.pdf"]
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(handout)).pages)
    assert "Adapted by the Freedonia Teachers" in text


def test_branding_colour_needs_contrast(course_copy, run_cli):
    root = course_copy("full")
    (root / "e4j.toml").write_text(BRANDING.replace("#7a1f5c", "#ffcc00"), encoding="utf-8")
    result = run_cli("--root", root, "check")
    assert result.code == 1
    expected = "e4j.toml:4:1: error[config.contrast]: colour #ffcc00 has a contrast of 1.51:1"
    assert expected in result.err
    (root / "e4j.toml").write_text(BRANDING.replace('institution = { en = "Freedonia Teachers\' '
                                                    'College", ', "institution = { "),
                                   encoding="utf-8")
    missing = run_cli("--root", root, "check")
    assert "e4j.toml:2:1: error[config.translation]: institution has no en text" in missing.err


def tiny_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x7a\x1f\x5c" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def test_a_logo_travels_with_every_edition(course_copy, run_cli):
    root = course_copy("full")
    (root / "branding").mkdir()
    png = tiny_png(7, 3)
    (root / "branding/logo.png").write_bytes(png)
    (root / "e4j.toml").write_text(BRANDING + 'logo = "branding/logo.png"\n', encoding="utf-8")
    assert run_cli("--root", root, "build", "--format", "html", "--format", "scorm2004",
                   "--format", "imscc", "--format", "pdf").code == 0
    out = root / "exports"
    page = (out / "html/en/secondary/demo.html").read_text()
    assert '<img class="logo" src="../../assets/logo.png" alt="">' in page
    assert (out / "html/assets/logo.png").read_bytes() == png
    for package in [*(out / "scorm2004").rglob("*.zip"), *(out / "imscc").rglob("*.imscc")]:
        with zipfile.ZipFile(package) as archive:
            assert archive.read("assets/logo.png") == png, package
            manifest = archive.read("imsmanifest.xml").decode()
            assert 'href="assets/logo.png"' in manifest, package
    handout = (out / "pdf/en/secondary/e4j-demo-secondary-en-handout.pdf").read_bytes()
    first = pypdf.PdfReader(io.BytesIO(handout)).pages[0]
    objects = [o.get_object() for o in first["/Resources"].get("/XObject", {}).values()]
    assert any((o["/Subtype"], o.get("/Width"), o.get("/Height")) == ("/Image", 7, 3)
               for o in objects), "the logo heads the first page"
    (root / "branding/logo.png").write_bytes(b"GIF89a not a png")
    changed = run_cli("--root", root, "build", "--format", "html")
    assert changed.code == 1 and "e4j.toml:5:1: error[config.logo]" in changed.err
    assert (out / "html/assets/logo.png").read_bytes() == png  # the last good build is kept


def test_a_logo_must_stay_in_the_branding_folder(course_copy, run_cli):
    root = course_copy("full")
    (root / "e4j.toml").write_text(BRANDING + 'logo = "../outside.png"\n', encoding="utf-8")
    result = run_cli("--root", root, "check")
    assert result.code == 1 and "is not inside the branding/ folder" in result.err


def _with_placeholders(root):
    for lang, sentence in (("en", "In our country, [[local:labour-inspectorate]] checks work "
                                  "places."),
                           ("fr", "Chez nous, [[local:labour-inspectorate]] contrôle les lieux "
                                  "de travail.")):
        lesson = root / f"modules/demo/secondary.{lang}.md"
        text = lesson.read_text(encoding="utf-8")
        anchor = "[§30].\n"
        lesson.write_text(text.replace(anchor, anchor + "\n" + sentence + "\n", 1),
                          encoding="utf-8")


def test_local_placeholders_are_filled_by_the_profile_or_marked(course_copy, run_cli):
    root = course_copy("full")
    _with_placeholders(root)
    course, _ = load_course(root)
    page = get_builder("html").build(course)["en/secondary/demo.html"].decode()
    assert '<mark class="local-missing">[to adapt locally: labour-inspectorate]</mark>' in page
    (root / "e4j.toml").write_text(PROFILE, encoding="utf-8")
    result = run_cli("--root", root, "check")
    assert result.code == 1
    line = next(n for n, text in enumerate(
        (root / "modules/demo/secondary.en.md").read_text().splitlines(), 1) if "local:" in text)
    assert (f"modules/demo/secondary.en.md:{line}:17: error[lesson.local-missing]: the profile "
            "gives no text for [[local:labour-inspectorate]]") in result.err
    (root / "e4j.toml").write_text(PROFILE.replace("\n[[profile.help]]", """
[profile.local]
labour-inspectorate.en = "the Freedonia Labour Inspectorate"
labour-inspectorate.fr = "l’Inspection du travail de Freedonia"

[[profile.help]]""", 1), encoding="utf-8")
    course, _ = load_course(root)
    page = get_builder("html").build(course)["fr/secondary/demo.html"].decode()
    assert '<span class="local-fact">l’Inspection du travail de Freedonia</span>' in page
    pdf = get_builder("pdf")
    job = next(j for j in pdf.plan(course) if j.lang == "en")
    handout = pdf.render(course, job)["en/secondary/e4j-demo-secondary-en-handout.pdf"]
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(handout)).pages)
    assert "the Freedonia Labour Inspectorate checks" in " ".join(text.split())


def test_local_placeholders_stay_out_of_quizzes(course_copy, run_cli):
    root = course_copy("full")
    quiz = root / "quizzes/demo/secondary.yaml"
    text = quiz.read_text(encoding="utf-8")
    opening = text.index('en: "', text.index("prompt:")) + len('en: "')
    quiz.write_text(text[:opening] + "[[local:help-line]] " + text[opening:], encoding="utf-8")
    result = run_cli("--root", root, "check")
    assert result.code == 1 and "error[quiz.local]" in result.err


def test_unknown_keys_in_e4j_toml_are_named_where_they_stand(course_copy, run_cli):
    root = course_copy("full")
    (root / "e4j.toml").write_text(
        PROFILE.replace('country = "Freedonia"', 'country = "Freedonia"\nbogus = 1')
        + BRANDING.replace("[branding]", "[branding]\nfoo = 1") + "[other]\n", encoding="utf-8")
    result = run_cli("--root", root, "check")
    assert result.code == 1
    assert "e4j.toml:3:1: error[config.unknown-key]: unknown key 'bogus' in [profile]" in result.err
    assert "unknown key 'foo' in [branding]" in result.err
    assert "error[config.unknown-key]: unknown table or key 'other'" in result.err


def test_a_logo_with_too_many_pixels_is_refused(course_copy, run_cli):
    """Every PDF embeds the logo, and Typst holds its pixels in memory: a small file claiming
    10,000 × 10,000 of them (400 MB in each PDF being typeset) was taken."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", 10_000, 10_000, 8, 0, 0, 0, 0)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0"))
           + chunk(b"IEND", b""))
    root = course_copy("full")
    (root / "branding").mkdir()
    (root / "branding/logo.png").write_bytes(png)
    (root / "e4j.toml").write_text(BRANDING + 'logo = "branding/logo.png"\n', encoding="utf-8")
    result = run_cli("--root", root, "check")
    assert result.code == 1 and "10,000 × 10,000 pixels" in result.err, result.err


def test_a_logo_too_heavy_is_refused_before_it_is_read(course_copy, run_cli, monkeypatch):
    """Its size is known before its bytes: a 'logo' of 3 GB was read whole to be refused."""
    root = course_copy("full")
    (root / "branding").mkdir()
    with open(root / "branding/logo.png", "wb") as logo:
        logo.truncate(3_000_000_000)  # sparse: no disk used
    (root / "e4j.toml").write_text(BRANDING + 'logo = "branding/logo.png"\n', encoding="utf-8")
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes",
                        lambda path: real(path) if path.name != "logo.png" else pytest.fail())
    result = run_cli("--root", root, "check")
    assert result.code == 1
    assert "logo 'branding/logo.png' weighs 3000000 kB" in result.err
