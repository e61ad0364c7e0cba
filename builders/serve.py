"""`e4j serve`: a local preview of the HTML edition (127.0.0.1 only) that rebuilds when a source
changes, reloads the open page, and shows problems in the page with their file:line."""

from __future__ import annotations

import functools
import html
import http.server
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from builders.diagnostics import CourseError, Diagnostic
from builders.pipeline import build
from builders.source_files import source_paths

VERSION_PATH = "/__e4j__/version"
LOCAL_NAMES = ("127.0.0.1", "localhost")
RELOAD = (
    "<script>(function(){var v=null;setInterval(function(){fetch('" + VERSION_PATH + "')"
    ".then(function(r){return r.text();}).then(function(t){if(v!==null&&t!==v){location.reload();}"
    "v=t;}).catch(function(){});},700);}());</script>"
)


class Preview:
    """Builds the HTML edition into `out` and keeps it current while sources change."""

    def __init__(self, root: Path, out: Path, overlays: Sequence[Path] = ()):
        self.root, self.out, self.overlays = root, out, tuple(overlays)
        self.version = 0
        self.problems: list[Diagnostic] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self._signature = self._sources()

    def _sources(self) -> tuple:
        return tuple(
            (str(path), stat.st_mtime_ns, stat.st_size)
            for path in source_paths(self.root, self.overlays)
            if path.is_file() and (stat := path.stat())
        )

    def rebuild(self) -> None:
        try:
            build(self.root, self.out, ["html"], overlays=self.overlays)
            problems: list[Diagnostic] = []
        except CourseError as exc:
            problems = exc.diagnostics
        with self.lock:
            self.problems = problems
            self.version += 1

    def watch(self, interval: float = 0.4) -> None:
        while not self.stop.wait(interval):
            signature = self._sources()
            if signature != self._signature:
                self._signature = signature
                self.rebuild()

    def banner(self) -> str:
        with self.lock:
            problems = list(self.problems)
        if not problems:
            return ""
        items = "".join(f"<li><code>{html.escape(p.format())}</code></li>" for p in problems)
        return (
            '<aside role="alert" style="position:sticky;top:0;z-index:99;background:#fde8e8;'
            'border:3px solid #a32020;padding:0.5rem 1rem;margin:0">'
            f"<strong>e4j: the last change has {len(problems)} problem(s); this page is the "
            f"previous build.</strong><ul>{items}</ul></aside>"
        )


class _Handler(http.server.SimpleHTTPRequestHandler):
    preview: Preview

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        if self._refused():
            return
        if self.path == VERSION_PATH:
            body = str(self.preview.version).encode()
            self._send(body, "text/plain")
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            page = path.read_text("utf-8")
            page = page.replace("<body>", "<body>" + self.preview.banner(), 1)
            page = page.replace("</body>", RELOAD + "</body>", 1)
            self._send(page.encode("utf-8"), "text/html; charset=utf-8")
            return
        super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802 - the standard library's name
        if not self._refused():
            super().do_HEAD()

    def _refused(self) -> bool:
        """Answer 403 to a request that does not name this machine: a web page the browser shows
        could otherwise read the preview through a name of its own that resolves to 127.0.0.1
        (DNS rebinding); and 404 to a path no file can have (a NUL byte, `%00`, which the file
        system calls refuse with an error the server would print as a traceback)."""
        port = self.connection.getsockname()[1]  # the port this request came in on
        host = self.headers.get("Host", "")
        if host not in {f"{name}:{port}" for name in LOCAL_NAMES} | set(LOCAL_NAMES):
            self.send_error(403, "This preview answers only requests for 127.0.0.1 or localhost")
            return True
        if "\0" in self.translate_path(self.path):
            self.send_error(404)
            return True
        return False

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def start(
    root: Path, out: Path, port: int = 8000, overlays: Sequence[Path] = ()
) -> tuple[Preview, http.server.ThreadingHTTPServer]:
    """Build once, then serve on 127.0.0.1:`port` (0: any free port) and watch in the background."""
    preview = Preview(root, out, overlays)
    preview.rebuild()
    handler = type("Handler", (_Handler,), {"preview": preview})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(out / "html"))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=preview.watch, daemon=True).start()
    return preview, server


def serve_forever(root: Path, out: Path, port: int, say, overlays: Sequence[Path] = ()) -> None:
    preview, server = start(root, out, port, overlays)
    say(f"Preview at http://127.0.0.1:{server.server_address[1]}/ — Ctrl-C to stop")
    try:
        while True:
            time.sleep(1)
    finally:
        preview.stop.set()
        server.shutdown()
