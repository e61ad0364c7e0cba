"""What a build keeps in exports/.e4j-cache/ may come with a course (a repository that commits
its exports) or be changed by anyone who can write there: none of it is trusted unless this
machine's build key made it (#11, security)."""

from __future__ import annotations

import json
import os
import pickle

import pytest

import builders.build_key as build_key
import builders.load.source_cache as source_cache
from builders.pipeline import Selection, build

PAGE = "html/en/secondary/demo.html"


class _Planted:
    """A pickle that, as it is read, makes the folder `marker`: proof that it ran."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (self.marker,)


def _built(root, out):
    source_cache._memory.clear()  # as in a new process
    return build(root, out, ["html"], workers=1)


def test_a_planted_cache_entry_is_never_unpickled(course_copy, tmp_path, monkeypatch):
    root = course_copy("full")
    out = root / "exports"
    _built(root, out)
    page = (out / PAGE).read_bytes()
    entries = sorted((out / ".e4j-cache/lessons").glob("*.pickle"))
    assert entries
    marker = tmp_path / "the-planted-pickle-ran"
    payload = pickle.dumps(_Planted(str(marker)))
    for number, entry in enumerate(entries):  # bare, and behind a signature made with no key
        entry.write_bytes(payload if number % 2 else bytes(32) + payload)
    (out / ".e4j-cache/stamp.json").unlink()  # the rebuild reads the course again
    parsed: list[str] = []
    real = source_cache.read_lesson
    monkeypatch.setattr(source_cache, "read_lesson",
                        lambda text, path, *a: parsed.append(path) or real(text, path, *a))

    _built(root, out)

    assert not marker.exists()
    assert sorted(parsed) == ["modules/demo/secondary.en.md", "modules/demo/secondary.fr.md"]
    assert (out / PAGE).read_bytes() == page
    stored = [build_key.verified(p.read_bytes()) for p in (out / ".e4j-cache/lessons").iterdir()]
    assert stored and None not in stored  # the planted files were replaced by signed entries


@pytest.fixture
def other_machine(monkeypatch, tmp_path):
    """Switches to another build key, as on another machine."""

    def switch() -> None:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-machine"))
        build_key.build_key.cache_clear()

    yield switch
    monkeypatch.undo()
    build_key.build_key.cache_clear()


def test_exports_kept_under_another_key_are_built_again(course_copy, other_machine):
    root = course_copy("full")
    out = root / "exports"
    _built(root, out)
    page = out / PAGE
    built = page.read_bytes()
    page.write_bytes(b"<p>not what the sources say</p>")  # the stamp and manifest still match
    assert _built(root, out).up_to_date  # on this machine: the no-op fast path trusts its stamp

    other_machine()
    report = _built(root, out)

    assert not report.up_to_date
    assert page.read_bytes() == built


def test_the_build_key_is_kept_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    build_key.build_key.cache_clear()
    try:
        first = build_key.build_key()
        build_key.build_key.cache_clear()
        assert build_key.build_key() == first
        kept = tmp_path / "e4j" / build_key.KEY_FILE
        assert kept.read_bytes() == first and len(first) == build_key.KEY_BYTES
        assert kept.stat().st_mode & 0o077 == 0
        assert [p.name for p in kept.parent.iterdir()] == [build_key.KEY_FILE]
    finally:
        monkeypatch.undo()
        build_key.build_key.cache_clear()


def test_a_relative_cache_home_is_ignored(tmp_path, monkeypatch):
    """XDG_CACHE_HOME=cache put the build key in cache/e4j under the folder e4j ran in, a course
    that may be shared with it; the XDG specification says to ignore a relative path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    build_key.build_key.cache_clear()
    try:
        key = build_key.build_key()
        assert (tmp_path / "home/.cache/e4j" / build_key.KEY_FILE).read_bytes() == key
        assert not (tmp_path / "cache").exists()
    finally:
        monkeypatch.undo()
        build_key.build_key.cache_clear()


@pytest.fixture
def key_places(tmp_path, monkeypatch):
    """The places a build key may be kept, under tmp_path: the cache home, blocked by a file
    (as an unwritable home is), and the system's temporary folder. Yields the key of a new run."""
    blocked = tmp_path / "a-file"
    blocked.write_text("where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(build_key.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))

    def new_run() -> bytes:
        build_key.build_key.cache_clear()
        return build_key.build_key()

    yield new_run
    monkeypatch.undo()
    build_key.build_key.cache_clear()


def test_without_a_cache_home_the_key_is_kept_in_a_private_temporary_folder(key_places,
                                                                           tmp_path):
    first = key_places()
    assert key_places() == first
    folder = tmp_path / "tmp" / f"e4j-{os.getuid()}"
    assert (folder / build_key.KEY_FILE).read_bytes() == first
    assert folder.stat().st_mode & 0o077 == 0


def test_a_temporary_folder_others_can_write_holds_no_key(key_places, tmp_path):
    """Another user could have made it, with a key of their own in it."""
    shared = tmp_path / "tmp" / f"e4j-{os.getuid()}"
    shared.mkdir()
    shared.chmod(0o777)
    (shared / build_key.KEY_FILE).write_bytes(bytes(build_key.KEY_BYTES))
    first = key_places()
    assert first != bytes(build_key.KEY_BYTES)
    assert key_places() != first  # nowhere to keep it: each run has a key of its own


@pytest.mark.parametrize(
    "manifest",
    [
        [],
        {"lesson:demo/secondary/en": {"fp": "0"}},
        {"lesson:demo/secondary/en": {"fp": "0", "files": 5}},
        {"lesson:demo/secondary/en": "files"},
    ],
    ids=["list", "no-files", "files-not-a-list", "entry-not-an-object"],
)
def test_a_damaged_manifest_means_building_again(manifest, course_copy):
    root = course_copy("full")
    out = root / "exports"
    _built(root, out)
    built = (out / PAGE).read_bytes()
    (out / ".e4j-cache/html.json").write_text(json.dumps(manifest))
    (out / ".e4j-cache/stamp.json").unlink()

    report = _built(root, out)

    assert report.formats[0].built and not report.formats[0].reused
    assert (out / PAGE).read_bytes() == built


def test_a_manifest_naming_a_file_outside_the_format_is_not_followed(course_copy):
    root = course_copy("full")
    out = root / "exports"
    _built(root, out)
    outside = ["../../modules/demo/module.yaml"]  # a file that is there: carried over before
    (out / ".e4j-cache/html.json").write_text(
        json.dumps({"lesson:demo/secondary/en": {"fp": "0", "files": outside}})
    )
    source_cache._memory.clear()

    build(root, out, ["html"], Selection(langs=frozenset({"fr"})), workers=1)

    assert (out / "html/fr/secondary/demo.html").is_file()
    assert not (out / "html/modules").exists()


def test_a_stamp_that_is_not_an_object_means_building_again(course_copy):
    root = course_copy("full")
    out = root / "exports"
    _built(root, out)
    (out / ".e4j-cache/stamp.json").write_text("[]")

    assert not _built(root, out).up_to_date


def test_a_cache_folder_that_is_a_link_is_not_followed(course_copy, tmp_path):
    root = course_copy("full")
    out = root / "exports"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "someone-elses.pickle").write_bytes(b"kept")
    out.mkdir()
    (out / ".e4j-cache").symlink_to(elsewhere, target_is_directory=True)

    _built(root, out)

    assert [p.name for p in elsewhere.iterdir()] == ["someone-elses.pickle"]
    assert (out / ".e4j-cache").is_dir() and not (out / ".e4j-cache").is_symlink()
    assert (out / PAGE).is_file()


def test_a_partial_build_carries_over_no_file_through_a_link(course_copy, tmp_path):
    root = course_copy("full")
    out = root / "exports"
    _built(root, out)
    private = tmp_path / "private.txt"
    private.write_text("a file of the person building")
    page = out / PAGE
    page.unlink()
    page.symlink_to(private)  # in place of a page a partial build carries over
    source_cache._memory.clear()

    build(root, out, ["html"], Selection(langs=frozenset({"fr"})), workers=1)

    assert not page.exists() or "person building" not in page.read_text()
    assert (out / "html/fr/secondary/demo.html").is_file()


def test_a_format_folder_that_is_a_link_is_not_carried_over(course_copy, tmp_path):
    root = course_copy("full")
    out = root / "exports"
    _built(root, out)
    elsewhere = tmp_path / "elsewhere"
    (out / "html").rename(elsewhere)
    (out / "html").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "en/secondary/demo.html").write_text("a file of the person building")
    source_cache._memory.clear()

    build(root, out, ["html"], Selection(langs=frozenset({"fr"})), workers=1)

    assert not (out / "html").is_symlink()
    assert not (out / PAGE).exists()
    assert (elsewhere / "en/secondary/demo.html").read_text() == "a file of the person building"
