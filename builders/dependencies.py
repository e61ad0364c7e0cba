"""The versions of Python and of the libraries e4j needs, as installed: part of what a build is
made with (a new Typst sets type another way, a new markdown-it parses another way). Read from
the names of the installed distributions' metadata folders, as the no-op build must stay fast:
no library is imported, and importlib.metadata would take a tenth of a second."""

from __future__ import annotations

import os
import platform
import re
import sys
from functools import lru_cache
from pathlib import Path

OWN_PROJECT = "e4j_prevention_kit"
# name-version.dist-info (wheels, editable installs) or name-version[-pyX.Y].egg-info
METADATA_FOLDER = re.compile(
    r"^(?P<name>[^-]+)-(?P<version>[^-]+?)(?:-py\d[^-]*)?\.(?:dist|egg)-info$"
)
REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def normal_name(name: str) -> str:
    """A distribution's name as the packaging specifications compare them."""
    return re.sub(r"[-_.]+", "_", name).lower()


@lru_cache(maxsize=1)
def installed_versions() -> tuple[str, ...]:
    """Python's version, then "name version" for each library e4j needs to run, directly or
    through another (not the test and development tools), the first found along sys.path as
    Python's imports find them."""
    found: dict[str, tuple[str, Path]] = {}
    for entry in sys.path:
        folder = Path(entry or os.curdir)
        try:
            names = sorted(os.listdir(folder))
        except OSError:  # a zip file, a folder gone
            continue
        for name in names:
            if match := METADATA_FOLDER.match(name):
                found.setdefault(normal_name(match["name"]), (match["version"], folder / name))
    required = _needed(found)
    return (
        platform.python_version(),
        *(f"{name} {version}" for name, (version, _) in sorted(found.items())
          if name != OWN_PROJECT and (required is None or name in required)),
    )


def _needed(found: dict[str, tuple[str, Path]]) -> set[str] | None:
    """The libraries e4j needs to run, and those they need in turn (markdown-it's URL
    normaliser shapes links too); None when e4j's own metadata cannot be read."""
    if OWN_PROJECT not in found:
        return None
    needed: set[str] = set()
    waiting = [OWN_PROJECT]
    while waiting:
        name = waiting.pop()
        for required in _requirements(found[name][1]) or ():
            if required in found and required not in needed:
                needed.add(required)
                waiting.append(required)
    return needed


def _requirements(metadata_folder: Path) -> set[str] | None:
    """The libraries an installed distribution requires to run (Requires-Dist without an
    extra), or None when its metadata cannot be read."""
    for file_name in ("METADATA", "PKG-INFO"):
        try:
            text = (metadata_folder / file_name).read_text("utf-8")
        except OSError:
            continue
        return {
            normal_name(name[0])
            for line in text.splitlines()
            if line.startswith("Requires-Dist:") and "extra ==" not in line
            and (name := REQUIREMENT_NAME.match(line.removeprefix("Requires-Dist:").strip()))
        }
    return None
