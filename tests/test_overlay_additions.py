"""Overlays that add to the course: a whole module, an image, a language with its interface
strings — built end to end, upstream untouched, problems located in the overlay."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import tree_bytes

NEW_MODULE = {
    "module.yaml": """\
id: local-campaign
title: {en: Our local campaign, fr: Notre campagne locale}
summary:
  en: "A module a school added for its own town."
  fr: "Un module ajouté par une école pour sa ville."
paragraphs: ["7"]
audiences: [secondary]
""",
    "secondary.en.md": """\
---
title: Planning a poster campaign
duration: 30
outcomes:
  - id: lc-1
    text: Plan a poster that respects the people it shows.
paragraphs: ["7"]
---

## Our town

Risk grows when several problems meet [§7].

![A poster draft with a headline and a help line](images/poster.png)
""",
    "secondary.fr.md": """\
---
title: Préparer une campagne d’affiches
duration: 30
outcomes:
  - id: lc-1
    text: Préparer une affiche qui respecte les personnes qu’elle montre.
paragraphs: ["7"]
---

## Notre ville

Le risque grandit quand plusieurs problèmes se rencontrent [§7].

![Un projet d’affiche avec un titre et une ligne d’écoute](images/poster.png)
""",
}


def _png() -> bytes:
    return (Path(__file__).parent / "courses/full/modules/demo/images/levels.png").read_bytes()


def _write(folder: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def test_an_overlay_adds_a_module_with_its_image(course_copy, tmp_path, run_cli):
    root = course_copy("full")
    upstream = tree_bytes(root / "modules")
    overlay = tmp_path / "local"
    files: dict[str, str | bytes] = {
        f"modules/local-campaign/{name}": text for name, text in NEW_MODULE.items()}
    files["modules/local-campaign/images/poster.png"] = _png()
    _write(overlay, files)
    result = run_cli("--root", root, "build", "--overlay", overlay, "--format", "html",
                     "--format", "scorm12")
    assert result.code == 0, result.err
    page = (root / "exports/html/en/secondary/local-campaign.html").read_text()
    assert "Planning a poster campaign" in page and "images/poster.png" in page
    media = root / "exports/html/media/local-campaign/images/poster.png"
    assert media.read_bytes() == files["modules/local-campaign/images/poster.png"]
    assert any("local-campaign" in p.name for p in (root / "exports/scorm12").iterdir())
    assert tree_bytes(root / "modules") == upstream


def test_an_overlay_image_replaces_the_course_image(course_copy, tmp_path, run_cli):
    root = course_copy("full")
    overlay = tmp_path / "local"
    replacement = _png() + b"local"
    _write(overlay, {"modules/demo/images/levels.png": replacement})
    result = run_cli("--root", root, "build", "--overlay", overlay, "--format", "html")
    assert result.code == 0, result.err
    media = root / "exports/html/media/demo/images/levels.png"
    assert media.read_bytes() == replacement


def test_a_new_module_without_module_yaml_is_named_in_the_overlay(course_copy, tmp_path,
                                                                  run_cli):
    root = course_copy("full")
    overlay = tmp_path / "local"
    _write(overlay, {"modules/demo-typo/secondary.en.md": "## Extra\n"})
    result = run_cli("--root", root, "check", "--overlay", overlay)
    assert result.code == 1
    assert f"{overlay}/modules/demo-typo:1:1: error[module.missing-yaml]" in result.err
    assert "did you mean 'demo'" in result.err


def _translation(data: Any, lang: str) -> Any:
    """A merge patch giving `lang` beside every English string of `data` (marked with the
    language code), keeping ids so lists merge item by item."""
    if isinstance(data, dict):
        if "en" in data and isinstance(data["en"], str):
            return {lang: f"[{lang}] {data['en']}"}
        if "en" in data and isinstance(data["en"], list):
            return {lang: data["en"]}
        patch = {k: p for k, v in data.items()
                 if (p := _translation(v, lang)) not in (None, {}, [])}
        if "id" in data:
            patch["id"] = data["id"]
        return patch
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        return [_translation(x, lang) for x in data]
    return None


def _language_overlay(root: Path, overlay: Path, lang: str) -> None:
    """Everything a third language needs, written as an overlay over the course in `root`."""
    for rel in ["modules/course.yaml", "modules/sources.yaml", "modules/glossary.yaml",
                "modules/glossary/extra.yaml", "modules/demo/module.yaml",
                "quizzes/demo/secondary.yaml"]:
        data = yaml.safe_load((root / rel).read_text(encoding="utf-8"))
        patch = _translation(data, lang)
        if rel == "modules/course.yaml":
            patch["languages"] = [*data["languages"], lang]
        _write(overlay, {rel: yaml.safe_dump(patch, allow_unicode=True, sort_keys=False)})
    english = (root / "modules/demo/secondary.en.md").read_text(encoding="utf-8")
    _write(overlay, {
        f"modules/demo/secondary.{lang}.md": english.replace(
            "Risk and protection – a demo lesson", "Riesgo y protección"),
        f"locales/{lang}.yaml": "language_name: Español\nskip_to_content: Saltar al contenido\n",
    })


def test_an_overlay_adds_a_language(course_copy, tmp_path, run_cli):
    root = course_copy("full")
    upstream = {name: tree_bytes(root / name) for name in ("modules", "quizzes")}
    overlay = tmp_path / "spanish"
    _language_overlay(root, overlay, "es")
    result = run_cli("--root", root, "build", "--overlay", overlay, "--format", "html",
                     "--format", "moodle_xml")
    assert result.code == 0, result.err
    assert "quality.unchecked-language" in result.err
    page = (root / "exports/html/es/secondary/demo.html").read_text()
    assert 'lang="es"' in page and "Riesgo y protección" in page
    assert "Saltar al contenido" in page  # the overlay's interface string
    assert "All editions" in page or "Learner edition" in page  # English for the rest
    bank = (root / "exports/moodle_xml/es/e4j-demo-secondary-es.xml").read_text()
    assert "[es] " in bank
    assert {name: tree_bytes(root / name) for name in ("modules", "quizzes")} == upstream
    english = (root / "exports/html/en/secondary/demo.html").read_text()
    assert "Saltar al contenido" not in english


def test_a_missing_translation_is_located_in_the_course_file(course_copy, tmp_path, run_cli):
    root = course_copy("full")
    overlay = tmp_path / "spanish"
    _language_overlay(root, overlay, "es")
    (overlay / "modules/demo/module.yaml").unlink()
    result = run_cli("--root", root, "check", "--overlay", overlay)
    assert result.code == 1
    assert re.search(r"modules/demo/module\.yaml:\d+:\d+: error\[[a-z.-]+\]: .*'es'", result.err), (
        result.err)


def test_interface_strings_are_checked(course_copy, tmp_path, run_cli):
    root = course_copy("full")
    overlay = tmp_path / "spanish"
    _language_overlay(root, overlay, "es")
    (overlay / "locales/es.yaml").write_text("language_name: Español\nskip_too_content: x\n",
                                             encoding="utf-8")
    (overlay / "locales/de.yaml").write_text("language_name: Deutsch\n", encoding="utf-8")
    result = run_cli("--root", root, "check", "--overlay", overlay)
    assert result.code == 1
    assert (f"{overlay}/locales/es.yaml:2:1: error[locale.key]: unknown interface string "
            "'skip_too_content'") in result.err
    assert "did you mean 'skip_to_content'" in result.err
    assert f"{overlay}/locales/de.yaml:1:1: error[locale.language]" in result.err


def test_a_list_of_a_different_length_is_refused(course_copy, tmp_path, run_cli):
    root = course_copy("full")
    overlay = tmp_path / "o"
    _write(overlay, {"quizzes/demo/secondary.yaml": "questions:\n  - id: demo-q1\n"
                     "    options:\n      - text: {en: Only one}\n"})
    result = run_cli("--root", root, "check", "--overlay", overlay)
    assert result.code == 1
    assert f"{overlay}/quizzes/demo/secondary.yaml:4:7: error[overlay.list-length]" in result.err


@pytest.mark.parametrize(
    ("patch", "error"),
    [
        ("drop: demo-q2\n", ":1:7: error[overlay.quiz]: 'drop:' must be a list of question ids"),
        ("add: 5\n", ":1:6: error[overlay.quiz]: 'add:' must be a list of questions"),
        ("add: {id: x}\n", ":1:6: error[overlay.quiz]: 'add:' must be a list of questions"),
    ],
)
def test_add_and_drop_take_lists(patch, error, course_copy, tmp_path, run_cli):
    """A single id was read letter by letter ('the quiz has no question 'd''), and a number
    was an internal error."""
    root = course_copy("full")
    overlay = tmp_path / "o"
    _write(overlay, {"quizzes/demo/secondary.yaml": patch})
    result = run_cli("--root", root, "check", "--overlay", overlay)
    assert result.code == 1 and f"{overlay}/quizzes/demo/secondary.yaml{error}" in result.err, \
        result.err
    assert "Traceback" not in result.err


def test_an_adaptation_of_a_file_the_course_lacks_is_refused(course_copy, tmp_path, run_cli):
    """A lesson renamed upstream must not turn an overlay's sections into a lesson of their own."""
    root = course_copy("full")
    overlay = tmp_path / "o"
    _write(overlay, {"modules/demo/secondary.en.md": "## Risk factors\n\nLocal text [§7].\n",
                     "modules/demo/university.en.md": "## Risk factors\n\nLocal text [§7].\n",
                     "quizzes/demo/university.yaml": "drop: [demo-q1]\n"})
    (root / "modules/demo/module.yaml").write_text(
        (root / "modules/demo/module.yaml").read_text().replace("[secondary]",
                                                                 "[secondary, university]"))
    result = run_cli("--root", root, "check", "--overlay", overlay)
    assert result.code == 1
    for rel in ("modules/demo/university.en.md", "quizzes/demo/university.yaml"):
        assert f"{overlay}/{rel}:1:1: error[overlay.no-target]" in result.err
    assert "secondary.en.md:1:1: error[overlay.no-target]" not in result.err
