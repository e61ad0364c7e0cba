"""Overlays: a local adaptation applied at build time, upstream files untouched, problems named
in the overlay's own files and lines."""

from __future__ import annotations

import shutil

from conftest import PROJECT, tree_bytes

EXAMPLE = PROJECT / "examples" / "overlay-freedonia"

REPLACE_EN = """\
## Risk factors

Local version: risk grows when several problems meet at once [§7].
"""
REPLACE_FR = """\
## Facteurs de risque

Version locale : le risque grandit quand plusieurs problèmes se rencontrent [§7].
"""


def test_the_example_overlay_adds_a_section_a_question_and_a_profile(tmp_path, run_cli):
    upstream = {name: tree_bytes(PROJECT / name) for name in ("modules", "quizzes")}
    out = tmp_path / "exports"
    result = run_cli("--root", PROJECT, "build", "--overlay", EXAMPLE, "--out", out,
                     "--format", "html", "--format", "moodle_xml")
    assert result.code == 0, result.err
    english = (out / "html/en/secondary/root-causes.html").read_text()
    french = (out / "html/fr/secondary/root-causes.html").read_text()
    headings = english.split('<h2 id="')
    order = [h.split('"')[0] for h in headings[1:]]
    assert order.index("seasonal-work-in-our-region") == order.index("reflection") - 1
    assert 'id="le-travail-saisonnier-dans-notre-region"' in french
    assert "EXAMPLE-0000" in english and "Freedonia (fictional example)" in french
    assert '<span class="local-fact">the Freedonia Seasonal Work Office</span>' in english
    workshop = (out / "html/fr/labour-inspectors/forced-labour-indicators.html").read_text()
    assert "le Protocole d’orientation de Freedonia (exemple fictif)" in workshop
    bank = (out / "moodle_xml/fr/e4j-root-causes-secondary-fr.xml").read_text()
    assert "fr-rc-sec-harvest" in bank and "Une travailleuse part" in bank
    assert {name: tree_bytes(PROJECT / name) for name in ("modules", "quizzes")} == upstream


def test_an_overlay_replaces_a_section_by_its_heading(course_copy, tmp_path, run_cli):
    root = course_copy("full")
    overlay = tmp_path / "local"
    (overlay / "modules/demo").mkdir(parents=True)
    (overlay / "modules/demo/secondary.en.md").write_text(REPLACE_EN, encoding="utf-8")
    (overlay / "modules/demo/secondary.fr.md").write_text(REPLACE_FR, encoding="utf-8")
    (overlay / "quizzes/demo").mkdir(parents=True)
    (overlay / "quizzes/demo/secondary.yaml").write_text("drop: [demo-q2]\n", encoding="utf-8")
    before = (root / "modules/demo/secondary.en.md").read_bytes()
    result = run_cli("--root", root, "build", "--overlay", overlay, "--format", "html")
    assert result.code == 0, result.err
    page = (root / "exports/html/en/secondary/demo.html").read_text()
    assert "Local version: risk grows" in page and "Many <a" not in page
    assert 'id="q-demo-q2"' not in page and 'id="q-demo-q1"' in page
    assert (root / "modules/demo/secondary.en.md").read_bytes() == before
    (overlay / "modules/demo/secondary.en.md").write_text(
        REPLACE_EN.replace("meet at once", "meet together"), encoding="utf-8")
    again = run_cli("--root", root, "build", "--overlay", overlay, "--format", "html")
    assert not again.out.startswith("Up to date")
    assert "meet together" in (root / "exports/html/en/secondary/demo.html").read_text()


def test_overlay_problems_name_the_overlay_file_and_line(tmp_path, run_cli):
    overlay = tmp_path / "overlay"
    shutil.copytree(EXAMPLE, overlay)
    lesson = overlay / "modules/root-causes/secondary.en.md"
    lesson.write_text(lesson.read_text().replace("[§39]", "[§99]"), encoding="utf-8")
    quiz = overlay / "quizzes/root-causes/secondary.yaml"
    quiz.write_text(quiz.read_text().replace("drop: []", "drop: [rc-sec-q99]"), encoding="utf-8")
    (overlay / "modules/no-such-module").mkdir()
    (overlay / "modules/no-such-module/secondary.en.md").write_text("## Extra\n", encoding="utf-8")
    result = run_cli("--root", PROJECT, "check", "--overlay", overlay)
    assert result.code == 1
    shown = str(overlay)
    line = next(n for n, text in enumerate(lesson.read_text().splitlines(), 1) if "§99" in text)
    assert f"{shown}/modules/root-causes/secondary.en.md:{line}:" in result.err
    assert "§99" in result.err
    drop_line = quiz.read_text().splitlines().index("drop: [rc-sec-q99]") + 1
    assert (f"{shown}/quizzes/root-causes/secondary.yaml:{drop_line}:8: error[overlay.drop]"
            in result.err)
    assert (f"{shown}/modules/no-such-module:1:1: error[module.missing-yaml]: "
            f"{shown}/modules/no-such-module/ has no module.yaml" in result.err)
    assert "to adapt a module, use its folder name" in result.err
    assert "Traceback" not in result.err


def test_a_missing_overlay_folder_is_a_located_error(run_cli, tmp_path):
    missing = tmp_path / "nowhere"
    result = run_cli("--root", PROJECT, "check", "--overlay", missing)
    assert result.code == 1 and f"{missing}:1:1: error[overlay.missing]" in result.err
    assert "does not exist" in result.err


def test_an_overlay_that_is_a_file_is_called_a_file(run_cli, tmp_path):
    """`--overlay notes.md` said the overlay "does not exist" while the file was right there."""
    notes = tmp_path / "notes.md"
    notes.write_text("## Local help\n", "utf-8")
    result = run_cli("--root", PROJECT, "check", "--overlay", notes)
    assert result.code == 1, result.err
    assert f"{notes}:1:1: error[overlay.missing]: overlay folder {notes} is a file, not a " \
        "folder" in result.err


def test_text_before_the_first_heading_is_refused(course_copy, tmp_path, run_cli):
    root = course_copy("full")
    overlay = tmp_path / "o"
    (overlay / "modules/demo").mkdir(parents=True)
    (overlay / "modules/demo/secondary.en.md").write_text("Stray words\n\n" + REPLACE_EN)
    result = run_cli("--root", root, "check", "--overlay", overlay)
    assert result.code == 1
    expected = f"{overlay}/modules/demo/secondary.en.md:1:1: error[overlay.outside-section]"
    assert expected in result.err


def test_sections_split_outside_code_and_boxes():
    from builders.load.overlay import split_sections

    text = ["intro", "## One", "```", "## not a section", "```", "::: activity A",
            "## inside a box", ":::", "", "    ## indented code", "", "> ## quoted",
            "", "- ## in a list", "", "## Two [§7]", "end", "", "Three", "-----"]
    sections = split_sections([(line, "x.md", n) for n, line in enumerate(text, 1)])
    assert [s.ident for s in sections] == [None, "one", "two", "three"]
    assert [len(s.lines) for s in sections] == [1, 14, 3, 2]



def test_an_overlay_that_is_not_utf8_is_a_located_error(course_copy, tmp_path, run_cli):
    root = course_copy("full")
    overlay = tmp_path / "o"
    (overlay / "modules/demo").mkdir(parents=True)
    (overlay / "modules/demo/secondary.en.md").write_bytes(b"## Risk factors\n\nCaf\xe9\n")
    result = run_cli("--root", root, "check", "--overlay", overlay)
    assert result.code == 1
    assert f"{overlay}/modules/demo/secondary.en.md:3:4: error[source.encoding]" in result.err


def test_an_overlay_orders_the_modules(tmp_path, run_cli):
    overlay = tmp_path / "order"
    overlay.mkdir()
    (overlay / "order.yaml").write_text("modules: [recruitment, root-causes]\n")
    out = tmp_path / "exports"
    built = run_cli("--root", PROJECT, "build", "--overlay", overlay, "--out", out,
                    "--format", "html", "--lang", "en", "--audience", "secondary")
    assert built.code == 0, built.err
    index = (out / "html/en/secondary/index.html").read_text()
    assert index.index("recruitment.html") < index.index("root-causes.html")
    (overlay / "order.yaml").write_text("modules: [recruitment, no-such]\n")
    wrong = run_cli("--root", PROJECT, "check", "--overlay", overlay)
    assert wrong.code == 1
    assert f"{overlay}/order.yaml:1:24: error[overlay.order]: the course has no module" in wrong.err
    (overlay / "order.yaml").write_text("modules: [recruitment, [root-causes]]\n")
    nested = run_cli("--root", PROJECT, "check", "--overlay", overlay)  # was a TypeError, exit 3
    assert nested.code == 1, nested.err
    assert f"{overlay}/order.yaml:1:24: error[overlay.order]: an item of the list is itself" \
        in nested.err


def test_front_matter_is_never_split():
    from builders.load.overlay import split_sections

    text = ["---", "title: T", "## a YAML comment", "---", "", "## Body"]
    sections = split_sections([(line, "x.md", n) for n, line in enumerate(text, 1)], skip=4)
    assert [s.ident for s in sections] == [None, "body"]
    assert len(sections[0].lines) == 5
