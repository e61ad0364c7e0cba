"""Where a course's sources are: the folders and top-level files a build reads, in the course
folder and in each overlay. Symbolic links are never followed there: a link in a contributed
module could otherwise carry any file of the building machine into the exports."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePath, PurePosixPath

SOURCE_FOLDERS = ("modules", "quizzes", "branding", "locales")
TOP_LEVEL_SOURCES = ("e4j.toml", "order.yaml")  # order.yaml: an overlay's module order
# A module file larger than this is not read: every process of a build would hold it (a video
# left in the folder, say); an image that large is no image for a lesson page either. No other
# source is read past 20 MB either: only the size of so large a file counts.
MAX_MODULE_FILE = 50_000_000


def source_paths(root: Path, overlays: Sequence[Path] = ()) -> list[Path]:
    """Where the sources of a build may be (course, then overlays): the top-level files, whether
    or not they exist, and everything below the source folders (links listed, not entered)
    but what the loader never reads: hidden files and folders (.git, .ipynb_checkpoints, an
    editor's swap files, which would make the preview rebuild as one types)."""
    paths: list[Path] = []
    for tree in (root, *overlays):
        paths += [tree / name for name in TOP_LEVEL_SOURCES]
        for folder in SOURCE_FOLDERS:
            found: list[Path] = []
            for dirpath, dirnames, filenames in os.walk(tree / folder):  # links not entered
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                found += [Path(dirpath, name) for name in [*dirnames, *filenames]
                          if not name.startswith(".")]
            paths += sorted(found)
    return paths


def linked_folders(tree: Path) -> list[Path]:
    """The source folders of `tree`, and the folders below them, that are symbolic links."""
    found: list[Path] = []
    for name in SOURCE_FOLDERS:
        top = tree / name
        if top.is_symlink():
            found.append(top)
            continue
        for dirpath, dirnames, _ in os.walk(top):  # does not enter linked folders
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))  # never read
            found += [Path(dirpath, d) for d in dirnames if Path(dirpath, d).is_symlink()]
    return found


def through_link(base: Path, rel: str | PurePath) -> bool:
    """Whether `rel`, or a folder on the way to it from `base`, is a symbolic link."""
    return first_link(base, rel) is not None


def first_link(base: Path, rel: str | PurePath) -> Path | None:
    """The first symbolic link on the way from `base` to `rel` (`rel` included), if any."""
    path = base
    for part in PurePosixPath(rel).parts:
        path = path / part
        if path.is_symlink():
            return path
    return None


def link_refusal(root: Path, *targets: Path) -> str | None:
    """Why e4j will not write `targets` (paths in the course at `root`): a folder on the way, or
    the file itself, is a symbolic link. None when no target is."""
    for target in targets:
        if target.is_relative_to(root) and (link := first_link(root, target.relative_to(root))):
            return (f"{link.relative_to(root)} is a symbolic link: e4j writes nothing through "
                    "one (copy the folder instead)")
    return None
