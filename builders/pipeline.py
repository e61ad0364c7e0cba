"""Build orchestration: load once, plan every format's jobs, rebuild only what changed, swap in."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from builders.build_key import keyed_digest
from builders.dependencies import installed_versions
from builders.interrupts import stop_if_requested
from builders.package import source_date_epoch
from builders.source_files import MAX_MODULE_FILE, source_paths
from builders.write import (
    UnsafePath,
    check_relative,
    clean_leftovers,
    discard,
    naming_on_failure,
    new_stage,
    put,
    reuse,
    swap_in,
    write_file_atomic,
)

if TYPE_CHECKING:  # imported when a build has work to do: an up-to-date build starts faster
    from builders.diagnostics import Diagnostic
    from builders.formats.base import Artifact, Builder, Job
    from builders.model import Course
    from builders.workers import Renderer

CACHE_DIR = ".e4j-cache"
LOCK_FILE = "build.lock"
LESSONS_DIR = "lessons"  # the lessons and quizzes a build read (see load/source_cache.py)
PACKAGE_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Selection:
    """What a build is limited to (empty: everything)."""

    langs: frozenset[str] = frozenset()
    audiences: frozenset[str] = frozenset()
    modules: frozenset[str] = frozenset()

    def matches(self, job: Job) -> bool:
        return all(
            not wanted or value is None or value in wanted
            for wanted, value in (
                (self.langs, job.lang),
                (self.audiences, job.audience),
                (self.modules, job.module),
            )
        )

    @property
    def everything(self) -> bool:
        return not (self.langs or self.audiences or self.modules)


class SelectionError(ValueError):
    """--lang, --audience or --module names something the course does not have."""


def check_selection(course: Course, selection: Selection) -> None:
    from builders.diagnostics import did_you_mean

    known = {
        "language": (selection.langs, set(course.languages)),
        "audience": (selection.audiences, {a for m in course.modules for a in m.audiences}),
        "module": (selection.modules, {m.id for m in course.modules}),
    }
    for what, (wanted, have) in known.items():
        for value in sorted(wanted - have):
            raise SelectionError(f"the course has no {what} '{value}'; {did_you_mean(value, have)}")


@dataclass
class FormatReport:
    name: str
    built: int = 0
    reused: int = 0
    files: int = 0
    size: int = 0
    seconds: float = 0.0
    changed: bool = False
    written: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    formats: list[FormatReport]
    warnings: list[Diagnostic]
    up_to_date: bool = False


Progress = Callable[[str, int, int], None]  # (format, jobs done, jobs in all)


def _digest(parts: Iterable[str | bytes]) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode() if isinstance(part, str) else part)
        hasher.update(b"\0")
    return hasher.hexdigest()


def code_digest() -> str:
    """Changes whenever the builders' code, templates or static files change, or the version of
    Python or of a library they use (`installed_versions`); keyed with this machine's build
    key, as everything kept in the cache folder is named or fingerprinted with it (see
    `build_key`)."""
    files = sorted(
        p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    return keyed_digest(_digest(chain(
        installed_versions(),
        (part for p in files for part in (p.relative_to(PACKAGE_DIR).as_posix(), p.read_bytes())),
    )))


def sources_stamp(
    root: Path,
    formats: Sequence[str],
    selection: Selection,
    options: dict[str, str],
    overlays: Sequence[Path] = (),
    code: str = "",
) -> str:
    """A cheap fingerprint of every source file (overlays' too), the request and the builders'
    code (`code_digest()`, computed here unless given), for the no-op fast path. Files are
    read one at a time: a course's files are not all held at once."""

    def parts() -> Iterator[str | bytes]:
        yield from (
            repr(sorted(options.items())),
            code or code_digest(),
            ",".join(formats),
            repr(sorted(selection.langs)),
            repr(sorted(selection.audiences)),
            repr(sorted(selection.modules)),
        )
        for path in source_paths(root, overlays):  # names as bytes: any a file system holds
            if path.is_file() and (size := path.stat().st_size) > MAX_MODULE_FILE:
                yield from (os.fsencode(path), b"size %d" % size)  # never read: MAX_MODULE_FILE
            elif path.is_file():
                yield from (os.fsencode(path), path.read_bytes())
            elif path.is_symlink():
                yield from (os.fsencode(path), b"link")

    return _digest(parts())


def _read_json(path: Path) -> dict:
    """The object in a JSON file the build keeps; {} if it is missing, unreadable or not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _unlink_links(*paths: Path) -> None:
    """The cache folders and lock file are the build's own: a symbolic link found there is
    removed (not followed: the build would write, and remove old entries, wherever it points)."""
    for path in paths:
        if path.is_symlink():
            path.unlink()


def kept_lessons(out: Path) -> Path | None:
    """The folder where builds into `out` keep the lessons and quizzes they read, for a command
    that reads the course without building it (`e4j check`, `e4j list`): it reads only what
    changed since, and keeps what it read for the next build. None when no build made it, or
    when a symbolic link leads there (only a build removes those: see `_unlink_links`)."""
    cache = out / CACHE_DIR
    if any(p.is_symlink() for p in (out, cache, cache / LESSONS_DIR)) or not cache.is_dir():
        return None
    return cache / LESSONS_DIR


def _read_manifest(path: Path) -> dict[str, dict]:
    """A format's manifest, {job key: {"fp": fingerprint, "files": [clean relative paths]}}; one
    of another shape (damaged, or not written by a build) counts as none: all is built again."""
    manifest = _read_json(path)
    try:
        for entry in manifest.values():
            if not isinstance(entry["fp"], str) or not isinstance(entry["files"], list):
                return {}
            for rel in entry["files"]:
                check_relative(rel)
    except (AttributeError, KeyError, TypeError, UnsafePath):
        return {}
    return manifest


def _write_json(path: Path, data: dict) -> None:
    """Compact: with an indent, json writes in Python, not C (0.8 s for 1,000 modules)."""
    write_file_atomic(path, json.dumps(data, sort_keys=True, separators=(",", ":")).encode())


@contextmanager
def _held(lock: Path, waiting: Callable[[], None] | None) -> Iterator[None]:
    """This process's hold on an output folder, through its lock file: another build into the
    same folder (a preview rebuilding while `make` runs, say) waits for it instead of swapping
    format folders under it, or clearing its staging folders as leftovers. The hold goes with
    the process, however it ends. `waiting` is called when another build holds the folder."""
    try:
        import fcntl
    except ImportError:  # no advisory locks (Windows): builds into one folder must not overlap
        yield
        return
    lock.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # lets the lock go


def build(
    root: Path,
    out: Path,
    formats: Sequence[str],
    selection: Selection = Selection(),
    force: bool = False,
    progress: Progress | None = None,
    options: dict[str, str] | None = None,
    overlays: Sequence[Path] = (),
    workers: int | None = None,
    waiting: Callable[[], None] | None = None,
) -> BuildReport:
    """Build `formats` into `out`; raises CourseError (writing nothing) if the sources are bad.

    `options` go to the builders that understand them (e.g. paper="letter" for PDFs);
    `workers` is how many processes render (default: one per usable core, at least two);
    `waiting` is called when another build into `out` must finish first.
    """
    cache = out / CACHE_DIR
    _unlink_links(cache, cache / LESSONS_DIR, cache / LOCK_FILE)
    with _held(cache / LOCK_FILE, waiting):
        return _build_held(root, out, formats, selection, force, progress, options or {},
                           overlays, workers)


def _build_held(
    root: Path,
    out: Path,
    formats: Sequence[str],
    selection: Selection,
    force: bool,
    progress: Progress | None,
    options: dict[str, str],
    overlays: Sequence[Path],
    workers: int | None,
) -> BuildReport:
    cache = out / CACHE_DIR
    # What the files are made with besides the sources: the options, and the time packages
    # and PDFs are stamped with (another SOURCE_DATE_EPOCH is another build).
    made_with = {**options, "SOURCE_DATE_EPOCH": str(source_date_epoch())}

    def stamped() -> tuple[str, str]:
        """The builders' code digest, and the fingerprint of the sources and the request."""
        code = code_digest()
        return code, sources_stamp(root, formats, selection, made_with, overlays, code)

    cold = force or not all((out / name).is_dir() for name in formats)
    if not cold:
        code_version, stamp = stamped()
        if _read_json(cache / "stamp.json").get("stamp") == stamp:
            return BuildReport([FormatReport(name) for name in formats], [], up_to_date=True)
    from builders.collector import build_thresholds, left_out_of_collections
    from builders.formats import get_builder
    from builders.load import load_course
    from builders.workers import Renderer

    with build_thresholds(), Renderer(options, workers=workers) as renderer, ExitStack() as stack:
        if cold:  # surely a build: the workers start while the sources are fingerprinted and read
            renderer.start_workers(formats)
            code_version, stamp = stamped()
        course, warnings = load_course(
            root, overlays, cache=cache / LESSONS_DIR, code=code_version,
            submit=renderer.submitter(), keep_pickled=renderer.workers >= 2,
        )
        stack.enter_context(left_out_of_collections())
        check_selection(course, selection)
        clean_leftovers(out)
        code = code_version + repr(sorted(made_with.items())) + course.config_digest
        builders = {name: get_builder(name, **options) for name in formats}
        renderer.course = course
        plans = [_plan_format(course, builders[name], out, code, selection, force, renderer)
                 for name in formats]
        reports = [_write_format(plan, out, progress) for plan in plans]
        # Still under the build's collector settings: with the defaults, the first collection
        # after the course is loaded walks all of it (2 s for 1,000 modules).
        if any(r.changed for r in reports) or not (out / "index.html").exists():
            from builders.exports_index import write_exports_index

            write_exports_index(course, out)
        _write_json(cache / "stamp.json", {"stamp": stamp})
        for builder in builders.values():
            warnings = [*warnings, *builder.warnings(course)]
    return BuildReport(reports, warnings)


@dataclass
class _FormatPlan:
    """One format's jobs, each to build or to carry over, with their renders already queued."""

    builder: Builder
    report: FormatReport
    current: Path
    manifest_path: Path
    old: dict
    decisions: list[tuple[Job, str, str]]  # (job, fingerprint, "build" | "reuse")
    rendered: Iterator[Artifact] | None  # None: every file carried over, nothing to write


def _plan_format(
    course: Course,
    builder: Builder,
    out: Path,
    code: str,
    selection: Selection,
    force: bool,
    renderer: Renderer,
) -> _FormatPlan:
    """Decide what to build, and queue it: the workers start on a format's jobs while this
    process still writes the format before (see `Renderer.render`)."""
    name = builder.name
    report = FormatReport(name)
    current = out / name
    manifest_path = out / CACHE_DIR / f"{name}.json"
    trusted = current.is_dir() and not current.is_symlink() and not force
    old = _read_manifest(manifest_path) if trusted else {}
    own_file = _OwnFiles(current)
    decisions: list[tuple[Job, str, str]] = []
    for job in builder.plan(course):
        fingerprint = _digest([code, name, job.key, *job.inputs])
        previous = old.get(job.key) or {"fp": "", "files": None}
        present = previous["files"] is not None and all(
            own_file(rel) for rel in previous["files"]
        )
        if selection.matches(job) and not (present and previous["fp"] == fingerprint):
            decisions.append((job, fingerprint, "build"))
        elif present:
            decisions.append((job, previous["fp"], "reuse"))
    kept = {job.key for job, _, _ in decisions}
    if not decisions:
        current.mkdir(parents=True, exist_ok=True)  # a format with nothing to build here
    if all(action == "reuse" for _, _, action in decisions) and kept == set(old):
        report.reused = len(decisions)
        return _FormatPlan(builder, report, current, manifest_path, old, decisions, None)
    rendered = renderer.render(builder, [job for job, _, act in decisions if act == "build"])
    return _FormatPlan(builder, report, current, manifest_path, old, decisions, rendered)


class _OwnFiles:
    """Which files a format folder holds itself: regular files, in folders that are no symbolic
    links (a file carried over to the next build could otherwise be any file a link points to).
    Each folder is looked at once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.own_dirs: dict[str, bool] = {"": True}

    def __call__(self, rel: str) -> bool:
        return (self._own_dir(rel.rpartition("/")[0])
                and _lstat_is(self.folder / rel, stat.S_ISREG))

    def _own_dir(self, rel: str) -> bool:
        if rel not in self.own_dirs:
            self.own_dirs[rel] = (self._own_dir(rel.rpartition("/")[0])
                                  and _lstat_is(self.folder / rel, stat.S_ISDIR))
        return self.own_dirs[rel]


def _lstat_is(path: Path, kind: Callable[[int], bool]) -> bool:
    """Whether `path` itself (a link is not followed) is of `kind` (stat.S_ISREG, S_ISDIR…)."""
    try:
        return kind(path.lstat().st_mode)
    except OSError:
        return False


def _write_format(plan: _FormatPlan, out: Path, progress: Progress | None) -> FormatReport:
    """Stage the format's files, rendered or carried over, and swap them in."""
    started = time.perf_counter()
    report, current, old, name = plan.report, plan.current, plan.old, plan.builder.name
    if plan.rendered is None:
        _count(report, current, old)
        report.seconds = time.perf_counter() - started
        return report
    stage = new_stage(out, name)
    manifest: dict[str, dict] = {}
    owner: dict[str, str] = {}
    try:
        for done, (job, fingerprint, action) in enumerate(plan.decisions, start=1):
            stop_if_requested()
            if action == "reuse":
                files = old[job.key]["files"]
                for rel in files:
                    reuse(stage, current, rel)
                report.reused += 1
            else:
                artifact = next(plan.rendered)
                for rel in sorted(artifact):
                    if rel in owner:
                        raise RuntimeError(
                            f"{name}: jobs {owner[rel]} and {job.key} both write {rel}"
                        )
                    with naming_on_failure(current / rel):  # not the staging folder's name
                        put(stage, rel, artifact[rel])
                    report.written.append(rel)
                files = sorted(artifact)
                report.built += 1
            for rel in files:
                owner[rel] = job.key
            manifest[job.key] = {"fp": fingerprint, "files": files}
            if progress:
                progress(name, done, len(plan.decisions))
        stop_if_requested()
        swap_in(stage, current)
    except BaseException:
        discard(stage)
        raise
    _write_json(plan.manifest_path, manifest)
    report.changed = True
    _count(report, current, manifest)
    report.seconds = time.perf_counter() - started
    return report


def _count(report: FormatReport, folder: Path, manifest: dict) -> None:
    for entry in manifest.values():
        for rel in entry["files"]:
            report.files += 1
            report.size += (folder / rel).stat().st_size
