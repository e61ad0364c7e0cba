"""`e4j new`: the skeleton of a module, lesson or quiz, with every required field present and
empty, so `e4j check` lists exactly what is left to write, line by line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from builders.diagnostics import CourseError, Diagnostics, SourceLoc
from builders.load.fields import read_mapping
from builders.load.layers import Layer, read_text
from builders.load.yaml import YMap, YSeq
from builders.model import AUDIENCES, SLUG, SLUG_RULE
from builders.source_files import link_refusal
from builders.write import file_in_the_way, write_file_atomic

SECTIONS = {
    "primary": ["What is this about?", "A story", "Activity", "Circle time"],
    "secondary": ["Hook", "Explanation", "Main activity", "Discussion", "Reflection"],
    "university": [
        "Introduction",
        "Key issues",
        "Exercises and case studies",
        "Possible class structure",
        "Core reading",
        "Advanced reading",
        "Student assessment",
        "Additional teaching tools",
    ],
    "labour-inspectors": [
        "Workshop objectives",
        "Short input",
        "Case files",
        "Role play",
        "Checklist",
        "Referral pathway",
        "Evaluation form",
    ],
}
SECTIONS["consular-staff"] = SECTIONS["labour-inspectors"]


class ScaffoldError(ValueError):
    pass


def _read_yaml_file(root: Path, rel: str) -> tuple[str, YMap]:
    """A YAML mapping file of the course and its text, read as the loader reads it; its problems
    raise a located CourseError."""
    diags = Diagnostics()
    read = read_text(Layer(root / rel, rel, None), diags)
    data = read_mapping(read[0], rel, diags) if read is not None else None
    if read is None or data is None or diags.errors:
        raise CourseError(diags.errors)
    return read[0], data


def languages(root: Path) -> list[str]:
    _, course = _read_yaml_file(root, "modules/course.yaml")
    langs = course.get("languages")
    return [str(lang) for lang in langs] if isinstance(langs, list) and langs else ["en"]


def _empty(langs: list[str]) -> dict[str, str]:
    return {lang: "" for lang in langs}


def _refuse_links(root: Path, *targets: Path) -> None:
    refusal = link_refusal(root, *targets)
    if refusal:
        raise ScaffoldError(f"{refusal}; nothing was written")


def _refuse_existing(*targets: Path) -> None:
    """Before anything is written: none of `targets` may exist, nor a file where a folder of
    theirs would be (a command writes all its files or none)."""
    for target in targets:
        if target.exists():
            raise ScaffoldError(f"{target} exists already; nothing was written")
        if (file := file_in_the_way(target.parent)) is not None:
            raise ScaffoldError(f"{file} is a file, where a folder would be made; nothing was "
                                "written")


def _lesson_files(root: Path, ident: str, audience: str) -> list[Path]:
    return [root / "modules" / ident / f"{audience}.{lang}.md" for lang in languages(root)]


def _quiz_file(root: Path, ident: str, audience: str) -> Path:
    return root / "quizzes" / ident / f"{audience}.yaml"


def _write_new(path: Path, text: str, created: list[Path]) -> None:
    if path.exists():
        raise ScaffoldError(f"{path} exists already; nothing was written")
    write_file_atomic(path, text.encode("utf-8"))
    created.append(path)


def _check_names(ident: str, audiences: list[str]) -> None:
    """Both name files: a module id is a slug and an audience one we know (nothing else may
    lead a new file out of the course's folders)."""
    if not SLUG.match(ident):
        raise ScaffoldError(f"'{ident}' is not a module id: use {SLUG_RULE}")
    for audience in audiences:
        if audience not in AUDIENCES:
            raise ScaffoldError(f"unknown audience '{audience}'")


def _existing_module(root: Path, ident: str, audience: str) -> None:
    _check_names(ident, [audience])
    if not (root / "modules" / ident / "module.yaml").is_file():
        raise ScaffoldError(f"there is no module '{ident}': run e4j new module {ident} first")


def new_module(root: Path, ident: str, audiences: list[str]) -> list[Path]:
    audiences = list(dict.fromkeys(audiences))  # --audience primary twice: one lesson
    _check_names(ident, audiences)
    langs = languages(root)
    meta = {
        "id": ident,
        "version": "0.1.0",
        "licence": "CC-BY-4.0",
        "authors": [],
        "title": _empty(langs),
        "summary": _empty(langs),
        "topics": [],
        "paragraphs": [],
        "audiences": audiences,
        "order": 900,
    }
    created: list[Path] = []
    _refuse_links(root, root / "modules" / ident / "module.yaml",
                  *(_quiz_file(root, ident, audience) for audience in audiences))
    _refuse_existing(root / "modules" / ident / "module.yaml",
                     *(path for audience in audiences for path in
                       [*_lesson_files(root, ident, audience), _quiz_file(root, ident, audience)]))
    _write_new(
        root / "modules" / ident / "module.yaml",
        yaml.safe_dump(meta, allow_unicode=True, sort_keys=False),
        created,
    )
    for audience in audiences:
        created += new_lesson(root, ident, audience, register=False)
        created += new_quiz(root, ident, audience)
    return created


def new_lessons(root: Path, ident: str, audiences: list[str]) -> list[Path]:
    """The lessons of a module for `audiences`, all or none of them written."""
    return _all_or_none(root, ident, audiences, _lesson_files, new_lesson)


def new_quizzes(root: Path, ident: str, audiences: list[str]) -> list[Path]:
    """The quizzes of a module for `audiences`, all or none of them written."""
    return _all_or_none(root, ident, audiences,
                        lambda root, ident, audience: [_quiz_file(root, ident, audience)],
                        new_quiz)


def _all_or_none(root: Path, ident: str, audiences: list[str],
                 files: Callable[[Path, str, str], list[Path]],
                 make: Callable[[Path, str, str], list[Path]]) -> list[Path]:
    """`make` the `files` of each audience once every audience has been looked at."""
    audiences = list(dict.fromkeys(audiences))  # --audience primary twice: once
    for audience in audiences:
        _existing_module(root, ident, audience)
    _refuse_existing(*(path for audience in audiences for path in files(root, ident, audience)))
    return [path for audience in audiences for path in make(root, ident, audience)]


def new_lesson(root: Path, ident: str, audience: str, register: bool = True) -> list[Path]:
    _existing_module(root, ident, audience)
    folder = root / "modules" / ident
    created: list[Path] = []
    prefix = "".join(part[0] for part in ident.split("-"))[:4]
    front = {
        "title": "",
        "duration": 0,
        "outcomes": [{"id": f"{prefix}-{audience[:3]}-1", "text": ""}],
        "paragraphs": [],
        "keywords": [],
    }
    body = "\n".join(f"## {title}\n" for title in SECTIONS[audience])
    text = (
        "---\n"
        + yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
        + "---\n\n"
        + body
        + "\n::: local-help\n:::\n"
    )
    files = _lesson_files(root, ident, audience)
    _refuse_links(root, *files, folder / "module.yaml")
    for path in files:
        _write_new(path, text, created)
    if register:
        _register_audience(root, f"modules/{ident}/module.yaml", audience)
    return created


def _register_audience(root: Path, rel: str, audience: str) -> None:
    """Add `audience` to the module's `audiences:` list, changing nothing else in the file (its
    comments and layout stay); a list written in another way is left for the author."""
    text, data = _read_yaml_file(root, rel)
    audiences = data.get("audiences")
    if isinstance(audiences, YSeq) and audience in audiences:
        return
    lines = text.splitlines(keepends=True)
    if "audiences" not in data:
        lines.append(("" if text.endswith("\n") or not text else "\n")
                     + f"audiences: [{audience}]\n")
    elif not (isinstance(audiences, YSeq) and audiences
              and _add_item(lines, audiences.item_locs[-1], audience)):
        raise ScaffoldError(f"add '{audience}' to the audiences of {rel} (the lesson files "
                            "were written)")
    write_file_atomic(root / rel, "".join(lines).encode("utf-8"))


def _add_item(lines: list[str], last: SourceLoc, item: str) -> bool:
    """Add `item` after the list item at `last`, as the list is written; False when it is
    written in a way this does not follow."""
    line = lines[last.line - 1]
    if line.lstrip().startswith("- "):  # block list: one more item like the last
        lines.insert(last.line, f"{line[: last.col - 1]}{item}\n")
    elif "]" in line[last.col - 1 :]:  # flow list: before its closing bracket
        close = line.index("]", last.col - 1)
        lines[last.line - 1] = f"{line[:close]}, {item}{line[close:]}"
    else:
        return False
    return True


def new_quiz(root: Path, ident: str, audience: str) -> list[Path]:
    _existing_module(root, ident, audience)
    langs = languages(root)
    quiz = {"title": _empty(langs), "pass_mark": 70, "pre_post": True, "questions": []}
    created: list[Path] = []
    path = _quiz_file(root, ident, audience)
    _refuse_links(root, path)
    _write_new(path, yaml.safe_dump(quiz, allow_unicode=True, sort_keys=False), created)
    return created
