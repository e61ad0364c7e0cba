"""SCORM packages in headless Chromium with scorm-again playing the LMS (host page + iframe)."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from lms import ANSWER_SCRIPT, SCORM_AGAIN, lms_site, serve
from test_browser import AXE, CHROMIUM_ARGS, _missing

from builders.formats import get_builder
from builders.load import load_course
from conftest import COURSES

pytestmark = pytest.mark.browser

VOCABULARY = {
    "scorm12": re.compile(r"^cmi\.(core\.|suspend_data|interactions\.|student_data\.|launch_data)"),
    "scorm2004": re.compile(
        r"^(cmi\.(location|suspend_data|mode|completion_status|success_status|exit|session_time|"
        r"score\.|interactions\.|progress_measure|scaled_passing_score|entry)|adl\.)"
    ),
}
NAMES = {
    "scorm12": {
        "init": "LMSInitialize",
        "finish": "LMSFinish",
        "set": "LMSSetValue",
        "get": "LMSGetValue",
        "commit": "LMSCommit",
        "status": "cmi.core.lesson_status",
        "raw": "cmi.core.score.raw",
        "time": "cmi.core.session_time",
        "wrong": "wrong",
    },
    "scorm2004": {
        "init": "Initialize",
        "finish": "Terminate",
        "set": "SetValue",
        "get": "GetValue",
        "commit": "Commit",
        "status": "cmi.success_status",
        "raw": "cmi.score.raw",
        "time": "cmi.session_time",
        "wrong": "incorrect",
    },
}


@pytest.fixture(scope="module")
def chromium():
    from conftest import chromium_path

    executable = chromium_path()
    if executable is None:
        _missing("/usr/bin/chromium (Debian package chromium)")
    if not (SCORM_AGAIN / "scorm12.min.js").is_file():
        _missing("node_modules/scorm-again")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def packages():
    course, _ = load_course(COURSES / "full")
    return {fmt: get_builder(fmt).build(course) for fmt in ("scorm12", "scorm2004")}


class Session:
    """One launch of a SCO in the test LMS, recording API calls, requests and console errors."""

    def __init__(self, chromium, base: str, fmt: str, preload: dict | None = None):
        self.fmt, self.base = fmt, base
        self.context = chromium.new_context()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        version = "1.2" if fmt == "scorm12" else "2004"
        data = quote(json.dumps(preload or {}))
        self.page.goto(f"{base}/host.html?v={version}&launch=pkg/demo/index.html&data={data}")
        self.frame = self.page.frame_locator("#sco")
        self.frame.locator("#quiz-submit").wait_for()
        self.page.wait_for_function("window.calls.length > 0")

    @property
    def sco(self):
        return self.page.frames[1]

    def answer(self, right: bool) -> int:
        return self.sco.evaluate(ANSWER_SCRIPT, right)

    def submit(self) -> None:
        self.frame.locator("#quiz-submit").click()
        self.page.wait_for_function(
            f"window.calls.some(c => c[0] === '{NAMES[self.fmt]['commit']}')"
        )

    def leave(self) -> list[list[str]]:
        self.page.evaluate("document.getElementById('sco').src = 'about:blank'")
        self.page.wait_for_function(
            f"window.calls.some(c => c[0] === '{NAMES[self.fmt]['finish']}')"
        )
        calls = self.page.evaluate("window.calls")
        self.cmi = self.page.evaluate("window.lmsApi.getFlattenedCMI()")
        self.context.close()
        return calls


@pytest.fixture
def lms(tmp_path, packages, chromium):
    opened = []

    def launch(fmt: str, preload: dict | None = None) -> Session:
        site = tmp_path / f"site-{len(opened)}"
        name = f"e4j-demo-secondary-en-{fmt}.zip"
        lms_site(site, packages[fmt][name])
        server = serve(site)
        base = server.__enter__()
        opened.append(server)
        return Session(chromium, base, fmt, preload)

    yield launch
    for server in opened:
        server.__exit__(None, None, None)


def _sets(calls, fmt):
    return [c for c in calls if c[0] == NAMES[fmt]["set"]]


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
def test_all_right_passes_with_full_score(fmt, lms):
    session = lms(fmt)
    count = session.answer(right=True)
    session.submit()
    calls = session.leave()
    names = NAMES[fmt]
    values = {c[1]: c[2] for c in _sets(calls, fmt)}
    assert values[names["status"]] == "passed"
    assert values[names["raw"]] == "100"
    if fmt == "scorm2004":
        assert values["cmi.score.scaled"] == "1" and values["cmi.completion_status"] == "completed"
    interactions = sorted(k for k in values if re.match(r"cmi\.interactions\.\d+\.id$", k))
    assert len(interactions) == count == 7
    results = [values[k.replace(".id", ".result")] for k in interactions]
    assert sorted(results) == ["correct"] * 6 + ["neutral"]
    ids = {values[k] for k in interactions}
    assert ids == {f"demo-q{n}" for n in range(1, 8)}
    assert all(c[-2] == "true" for c in _sets(calls, fmt)), [c for c in calls if c[-2] != "true"]
    assert session.errors == []
    assert all(url.startswith(session.base) or url == "about:blank" for url in session.requests)


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
def test_all_wrong_fails_with_zero(fmt, lms):
    session = lms(fmt)
    session.answer(right=False)
    session.submit()
    calls = session.leave()
    names = NAMES[fmt]
    values = {c[1]: c[2] for c in _sets(calls, fmt)}
    assert values[names["status"]] == "failed"
    assert values[names["raw"]] == "0"
    results = [v for k, v in values.items() if k.endswith(".result")]
    assert sorted(set(results)) == sorted({names["wrong"], "neutral"})
    assert all(c[-2] == "true" for c in _sets(calls, fmt))
    assert session.errors == []


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
def test_call_order_and_one_initialize_one_terminate(fmt, lms):
    session = lms(fmt)
    session.answer(right=True)
    session.submit()
    calls = session.leave()
    names = NAMES[fmt]
    sequence = [c[0] for c in calls]
    assert sequence.count(names["init"]) == 1 and sequence.count(names["finish"]) == 1
    assert sequence.count(names["commit"]) == 1
    assert sequence[0] == names["init"] and sequence[-1] == names["finish"]
    elements = [c[1] if c[0] == names["set"] else c[0] for c in calls if c[0] != names["get"]]
    first_interaction = min(i for i, e in enumerate(elements) if e.startswith("cmi.interactions."))
    last_interaction = max(i for i, e in enumerate(elements) if e.startswith("cmi.interactions."))
    submitted = elements[first_interaction:]
    assert names["raw"] not in submitted[: last_interaction - first_interaction]
    score = elements.index(names["raw"], last_interaction)
    status = elements.index(names["status"], last_interaction)
    time = elements.index(names["time"], last_interaction)
    commit = elements.index(names["commit"])
    assert last_interaction < score < status < time < commit
    for call in calls:
        if call[0] in (names["set"], names["get"]):
            assert VOCABULARY[fmt].match(call[1]), f"{fmt} package used {call[1]}"


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
def test_resume_restores_answers_and_position(fmt, lms):
    first = lms(fmt)
    first.answer(right=True)
    first.sco.evaluate("document.getElementById('sources').scrollIntoView()")
    first.leave()
    saved = first.cmi
    suspend = saved["cmi.suspend_data"]
    location = saved["cmi.core.lesson_location" if fmt == "scorm12" else "cmi.location"]
    assert json.loads(suspend)["a"]["demo-q4"] == "risk factor"
    assert location
    key = "cmi.core.lesson_location" if fmt == "scorm12" else "cmi.location"
    second = lms(fmt, {"cmi.suspend_data": suspend, key: location})
    assert second.sco.evaluate("document.getElementById('demo-q4-answer').value") == "risk factor"
    assert second.sco.evaluate("document.querySelector('#demo-q1-0').checked")
    assert second.sco.evaluate("window.scrollY") > 0
    second.leave()


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
def test_package_page_passes_axe(fmt, lms):
    session = lms(fmt)
    session.sco.add_script_tag(path=str(AXE))
    result = session.sco.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', "
        "'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    session.leave()


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
def test_checking_each_answer_says_the_score_is_not_recorded_yet(fmt, lms):
    """A learner who checks every question sees a score; the page says it has not reached the
    LMS until "Submit all answers" is pressed, and nothing is committed before that."""
    session = lms(fmt)
    session.answer(right=True)
    session.sco.evaluate(
        "document.querySelectorAll('form[data-qid] button[type=submit]')"
        ".forEach(b => b.click())"
    )
    score = session.frame.locator(".quiz-score")
    assert "not recorded yet" in score.inner_text()
    commits = session.page.evaluate(
        f"window.calls.filter(c => c[0] === '{NAMES[fmt]['commit']}').length")
    assert commits == 0
    session.submit()
    assert "Your score is recorded." in score.inner_text()
    assert "not recorded" not in score.inner_text()
    session.leave()
