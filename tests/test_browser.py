"""Pages in a real headless Chromium: axe-core audit, keyboard-usable quizzes, no network.

Needs Debian's /usr/bin/chromium (installed by .ci/run) and axe-core from npm (`make test`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from builders.pipeline import build
from conftest import COURSES, PROJECT, chromium_path

pytestmark = pytest.mark.browser

AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing(what: str) -> None:
    message = f"{what} is missing: run `make test` (CI installs it through .ci/run)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        _missing("/usr/bin/chromium (Debian package chromium)")
    if not AXE.is_file():
        _missing("node_modules/axe-core")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class _Sites(dict):
    """Each course (the full test course, the shipped one) built once, when first needed."""

    def __init__(self, factory):
        super().__init__()
        self.factory = factory

    def __missing__(self, name: str) -> Path:
        out = self.factory.mktemp(name)
        root = {"full": COURSES / "full", "project": PROJECT}.get(name)
        if root is None:  # the test course with a profile and the branding of an institution
            root = self.factory.mktemp("branded-source") / "course"
            shutil.copytree(COURSES / "full", root)
            (root / "e4j.toml").write_text(BRANDED_CONFIG, encoding="utf-8")
            (root / "branding").mkdir()
            shutil.copy(root / "modules/demo/images/levels.png", root / "branding/logo.png")
        build(root, out, ["html", "notebook"] if name == "project" else ["html"])
        self[name] = out
        return out


BRANDED_CONFIG = """\
[profile]
country = "Freedonia"
verified_on = 2026-11-01
[[profile.help]]
name = { en = "Children's help line", fr = "Ligne d'écoute pour les enfants" }
contact = "0800 000 000"
notes = { en = "free", fr = "gratuit" }

[branding]
institution = "Freedonia Teachers' College"
attribution = "Adapted by the Freedonia Teachers' College"
colour = "#7a1f5c"
logo = "branding/logo.png"
"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    return _Sites(tmp_path_factory)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    tab = context.new_page()
    tab.requests = requests  # type: ignore[attr-defined]
    yield tab
    context.close()


PAGES = [
    ("full", "index.html"),
    ("full", "html/index.html"),
    ("full", "html/en/secondary/index.html"),
    ("full", "html/en/secondary/demo.html"),
    ("full", "html/en/secondary/teacher/demo.html"),
    ("full", "html/fr/secondary/demo.html"),
    ("full", "html/fr/secondary/teacher/demo.html"),
    ("branded", "html/en/secondary/demo.html"),
    ("branded", "html/fr/secondary/teacher/demo.html"),
    ("project", "html/en/secondary/root-causes.html"),
    ("project", "html/fr/secondary/root-causes.html"),
    ("project", "html/fr/secondary/teacher/root-causes.html"),
    # nbconvert's preview of a notebook, its Markdown rendered by e4j (no BeautifulSoup pass)
    ("project", "notebook/en/e4j-demand-university-en.html"),
    ("project", "notebook/fr/e4j-recruitment-university-fr.html"),
]


@pytest.mark.parametrize(("site", "rel"), PAGES)
def test_axe_finds_no_serious_violation(site, rel, sites, page):
    page.goto((sites[site] / rel).as_uri())
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
    )
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert all(url.startswith("file://") for url in page.requests), page.requests


def _answer_by_keyboard(page, selector: str) -> None:
    page.focus(selector)
    page.keyboard.press("Space")


def test_quiz_works_with_the_keyboard_alone(sites, page):
    page.goto((sites["full"] / "html/fr/secondary/demo.html").as_uri())
    form = page.locator("#q-demo-q1")
    _answer_by_keyboard(page, "#demo-q1-0")
    page.keyboard.press("Tab")  # a radio group is one tab stop: next comes the button
    assert page.evaluate("document.activeElement.textContent") == "Vérifier la réponse"
    page.keyboard.press("Enter")
    feedback = form.locator(".feedback")
    assert "Correct." in feedback.inner_text()
    assert "Oui\u202f: elle touche de nombreux pays" in feedback.inner_text()
    assert "Les facteurs mondiaux dépassent les frontières." in feedback.inner_text()
    outline = page.evaluate(
        "getComputedStyle(document.querySelector('#q-demo-q1 button')).outlineStyle"
    )
    assert outline == "solid"


def test_every_question_type_gives_feedback_and_a_score(sites, page):
    page.goto((sites["full"] / "html/fr/secondary/demo.html").as_uri())

    def submit(qid: str) -> str:
        page.locator(f"#q-{qid} button").click()
        return page.locator(f"#q-{qid} .feedback").inner_text()

    page.check("#demo-q1-1")
    assert "C’est un facteur individuel." in submit("demo-q1")
    page.check("#demo-q2-0")
    assert "En partie correct." in submit("demo-q2")
    page.check("#demo-q3-false")
    assert "Exact\u202f: les circonstances" in submit("demo-q3")
    page.fill("#demo-q4-answer", "  Facteur de RISQUE ")
    assert "Correct." in submit("demo-q4")
    page.select_option("#demo-q5-0", label="Mondial")
    page.select_option("#demo-q5-1", label="Local")
    assert "Bravo." in submit("demo-q5")
    page.fill("#demo-q6-answer", "4,0")
    assert "Oui\u202f: mondial, national, local, individuel." in submit("demo-q6")
    page.fill("#demo-q7-answer", "Parce que les causes profondes…")
    assert "Montrez-la à votre enseignant" in submit("demo-q7")
    score = page.locator(".quiz-score").inner_text()
    assert score.startswith("Votre score : 6 sur 8 points (75 %).")
    assert "Vous avez atteint le seuil de réussite." in score


def test_pages_render_on_a_phone_without_horizontal_scroll(sites, page):
    page.goto((sites["project"] / "html/en/secondary/root-causes.html").as_uri())
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_a_short_answer_typed_decomposed_is_the_same_answer(sites, page):
    """An accent typed as a letter and a combining mark (as some keyboards and input methods
    send it) was a wrong answer to an accent-sensitive question; Moodle's bank took it."""
    page.goto((sites["full"] / "html/fr/secondary/demo.html").as_uri())
    page.evaluate("""() => {
        const key = window.E4JQuiz.questions["demo-q4"];
        key.accent_sensitive = true;
        key.accepted = ["São Tomé"];
    }""")
    page.fill("#demo-q4-answer", "Sa\u0303o Tome\u0301")
    page.locator("#q-demo-q4 button").click()
    assert "Correct." in page.locator("#q-demo-q4 .feedback").inner_text()
