"""One broken input per kind of source error: exact diagnostics, exit code 1, no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import COURSES

CASES = sorted(p.name for p in (COURSES / "invalid").iterdir() if p.is_dir())
DIAGNOSTIC_LINE = re.compile(r"^\S+:\d+:\d+: (error|warning)\[[a-z0-9.-]+\]: ")


def apply_edits(root: Path, case: str) -> None:
    """Break the copied course as the case's edit.yaml says."""
    for edit in yaml.safe_load((COURSES / "invalid" / case / "edit.yaml").read_text("utf-8")):
        path = root / edit["file"]
        if edit.get("delete"):
            path.unlink()
        elif "write" in edit:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(edit["write"], encoding="utf-8")
        elif "encoding" in edit:
            path.write_bytes(path.read_text("utf-8").encode(edit["encoding"]))
        else:
            text = path.read_text("utf-8")
            assert text.count(edit["find"]) == 1, f"{case}: edit must match exactly once"
            path.write_text(text.replace(edit["find"], edit["replace"]), encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_invalid_course(case, course_copy, run_cli):
    root = course_copy("full")
    apply_edits(root, case)
    result = run_cli("--root", root, "check", "--strict")
    expected_code = 0 if case.endswith("-applies") else 1
    assert result.code == expected_code, result.err
    assert "Traceback" not in result.err + result.out
    found = [line for line in result.err.splitlines() if DIAGNOSTIC_LINE.match(line)]
    expected_file = COURSES / "invalid" / case / "expected.txt"
    expected = expected_file.read_text("utf-8").splitlines()
    assert found == expected
    for line in result.err.splitlines():
        if line.startswith("    hint: "):
            assert len(line) > len("    hint: "), "hints are never empty"


@pytest.mark.parametrize("case", ["unknown-paragraph", "yaml-syntax"])
def test_failed_build_keeps_previous_exports(case, course_copy, run_cli):
    root = course_copy("full")
    out = root / "exports"
    assert run_cli("--root", root, "build", "--out", out).code == 0
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    apply_edits(root, case)
    result = run_cli("--root", root, "build", "--out", out)
    assert result.code == 1
    assert "previous exports are unchanged" in result.err
    after = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert after == before


@pytest.mark.parametrize("columns", ["0", "1", "-3"])
def test_errors_are_printed_whatever_columns_says(columns, course_copy, run_cli, monkeypatch):
    """With COLUMNS=0, rich printed nothing at all: e4j check ended with exit 1 and no word."""
    root = course_copy("full")
    with (root / "modules/demo/module.yaml").open("a", encoding="utf-8") as file:
        file.write("bad: [\n")
    monkeypatch.setenv("COLUMNS", columns)
    result = run_cli("--root", root, "check")
    assert result.code == 1
    assert "modules/demo/module.yaml:11:1: error[yaml.syntax]" in result.err, result.err
