"""Shared fixtures: test courses copied to a temporary folder, the CLI run in-process."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

TESTS = Path(__file__).parent
PROJECT = TESTS.parent
COURSES = TESTS / "courses"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture(scope="session", autouse=True)
def build_key_home(tmp_path_factory) -> Path:
    """The tests' own build key (see builders.build_key), not the user's: e4j run in subprocesses
    and worker processes finds it there too."""
    home = tmp_path_factory.mktemp("cache-home")
    os.environ["XDG_CACHE_HOME"] = str(home)
    return home


@pytest.fixture
def course_copy(tmp_path: Path):
    """Copy a test course (by name) or the shipped course ("project") into a fresh folder."""

    def copy(name: str = "full") -> Path:
        target = tmp_path / name
        if name == "project":
            for folder in ("modules", "quizzes"):
                shutil.copytree(PROJECT / folder, target / folder)
        else:
            shutil.copytree(COURSES / name, target)
        return target

    return copy


@pytest.fixture
def run_cli(capsys):
    """Run `e4j` in this process and return its exit code and output."""
    from builders.cli import main

    def run(*args: str) -> CliResult:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def pool_starts(monkeypatch) -> list[str]:
    """The start method of each worker process pool a build creates, in order."""
    import builders.workers as workers

    started: list[str] = []

    class CountedPool(workers.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(kwargs["mp_context"].get_start_method())
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(workers, "ProcessPoolExecutor", CountedPool)
    return started


def yaml_text(document: object) -> str:
    """`document` as a YAML file of the course would write it (keys in order, no line folded)."""
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1000)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (the build cache excepted), by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".e4j-cache" not in p.parts
    }


def chromium_path() -> str | None:
    path = "/usr/bin/chromium"
    return path if os.access(path, os.X_OK) else None
