"""`e4j new`: the skeleton of a module, lesson or quiz, with every required field present and
empty, so `e4j check` lists exactly what is left to write, line by line."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from builders.model import AUDIENCES
from builders.write import write_file_atomic

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
MODULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ScaffoldError(ValueError):
    pass


def languages(root: Path) -> list[str]:
    course = yaml.safe_load((root / "modules" / "course.yaml").read_text("utf-8"))
    return list(course.get("languages") or ["en"])


def _empty(langs: list[str]) -> dict[str, str]:
    return {lang: "" for lang in langs}


def _write_new(path: Path, text: str, created: list[Path]) -> None:
    if path.exists():
        raise ScaffoldError(f"{path} exists already; nothing was written")
    write_file_atomic(path, text.encode("utf-8"))
    created.append(path)


def new_module(root: Path, ident: str, audiences: list[str]) -> list[Path]:
    if not MODULE_ID.match(ident):
        raise ScaffoldError(f"'{ident}' is not a module id: use lowercase letters, digits, hyphens")
    for audience in audiences:
        if audience not in AUDIENCES:
            raise ScaffoldError(f"unknown audience '{audience}'")
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
    _write_new(
        root / "modules" / ident / "module.yaml",
        yaml.safe_dump(meta, allow_unicode=True, sort_keys=False),
        created,
    )
    for audience in audiences:
        created += new_lesson(root, ident, audience, register=False)
        created += new_quiz(root, ident, audience)
    return created


def new_lesson(root: Path, ident: str, audience: str, register: bool = True) -> list[Path]:
    folder = root / "modules" / ident
    if not (folder / "module.yaml").is_file():
        raise ScaffoldError(f"there is no module '{ident}': run e4j new module {ident} first")
    if audience not in AUDIENCES:
        raise ScaffoldError(f"unknown audience '{audience}'")
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
    for lang in languages(root):
        _write_new(folder / f"{audience}.{lang}.md", text, created)
    if register:
        meta = folder / "module.yaml"
        data = yaml.safe_load(meta.read_text("utf-8"))
        if audience not in data.get("audiences", []):
            data["audiences"] = [*data.get("audiences", []), audience]
            write_file_atomic(
                meta, yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")
            )
    return created


def new_quiz(root: Path, ident: str, audience: str) -> list[Path]:
    langs = languages(root)
    quiz = {"title": _empty(langs), "pass_mark": 70, "pre_post": True, "questions": []}
    created: list[Path] = []
    _write_new(
        root / "quizzes" / ident / f"{audience}.yaml",
        yaml.safe_dump(quiz, allow_unicode=True, sort_keys=False),
        created,
    )
    return created
