"""A stand-in LMS for browser tests: scorm-again's API on a host page, the SCO in an iframe,
everything served from 127.0.0.1 so the SCO can reach its parent's API as in a real LMS."""

from __future__ import annotations

import functools
import http.server
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path

from conftest import PROJECT

SCORM_AGAIN = PROJECT / "node_modules" / "scorm-again" / "dist"

HOST_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title><link rel="icon" href="data:,">
<script src="/lms/scorm12.min.js"></script><script src="/lms/scorm2004.min.js"></script>
</head><body>
<iframe id="sco" title="Course content" style="width:100%;height:900px;border:0"></iframe>
<script>
(function () {
  var query = new URLSearchParams(location.search);
  var version = query.get("v");
  var preload = JSON.parse(query.get("data") || "{}");
  window.calls = [];
  var settings = {lmsCommitUrl: false, autocommit: false, logLevel: 5};
  var api = version === "1.2" ? new Scorm12API(settings) : new Scorm2004API(settings);
  if (Object.keys(preload).length) { api.loadFromFlattenedJSON(preload, ""); }
  var names = version === "1.2"
    ? ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit"]
    : ["Initialize", "Terminate", "GetValue", "SetValue", "Commit"];
  names.forEach(function (name) {
    var original = api[name].bind(api);
    api[name] = function () {
      var args = Array.prototype.slice.call(arguments).map(String);
      var result = original.apply(null, arguments);
      var error = version === "1.2" ? api.LMSGetLastError() : api.GetLastError();
      window.calls.push([name].concat(args, [String(result), String(error)]));
      return result;
    };
  });
  window.lmsApi = api;
  window[version === "1.2" ? "API" : "API_1484_11"] = api;
  document.getElementById("sco").src = query.get("launch");
}());
</script>
</body></html>
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output clean
        pass


@contextmanager
def serve(folder: Path):
    """Serve `folder` on a free port of 127.0.0.1; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def lms_site(folder: Path, package: bytes) -> Path:
    """Lay out the host page, scorm-again and the unzipped package in `folder`."""
    (folder / "lms").mkdir(parents=True)
    for name in ("scorm12.min.js", "scorm2004.min.js"):
        (folder / "lms" / name).write_bytes((SCORM_AGAIN / name).read_bytes())
    (folder / "host.html").write_text(HOST_PAGE, encoding="utf-8")
    with zipfile.ZipFile(__import__("io").BytesIO(package)) as archive:
        archive.extractall(folder / "pkg")
    return folder


ANSWER_SCRIPT = """(right) => {
  const questions = window.E4JQuiz.questions;
  for (const [id, key] of Object.entries(questions)) {
    const form = document.getElementById("q-" + id);
    if (key.type === "single" || key.type === "multiple") {
      const wrong = [...Array(form.querySelectorAll("input").length).keys()]
        .filter(i => !key.correct.includes(i));
      const pick = right ? key.correct : [wrong[0]];
      pick.forEach(i => { form.querySelector(`input[value="${i}"]`).checked = true; });
    } else if (key.type === "truefalse") {
      const value = String(right ? key.answer : !key.answer);
      form.querySelector(`input[value="${value}"]`).checked = true;
    } else if (key.type === "short") {
      form.querySelector("input[type=text]").value = right ? key.accepted[0] : "zzz";
    } else if (key.type === "numerical") {
      const number = right ? key.answer : key.answer + key.tolerance + 1000;
      form.querySelector("input[type=text]").value = String(number);
    } else if (key.type === "matching") {
      const n = key.pairs.length;
      form.querySelectorAll("select").forEach((s, i) => {
        s.value = String(right ? key.pairs[i] : key.pairs[(i + 1) % n]);
      });
    } else if (key.type === "essay") {
      form.querySelector("textarea").value = "An answer written for the test.";
    }
  }
  return Object.keys(questions).length;
}"""
