"""Make a synthetic catalogue of N modules from the shipped ones, for `make bench`.

Each synthetic module copies one shipped module's secondary lessons and quiz under a new id, with
outcome and question ids made unique, so the catalogue is valid and as heavy as real content.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def make_catalogue(count: int, target: Path, audience: str = "secondary") -> Path:
    if target.exists():
        shutil.rmtree(target)
    (target / "modules").mkdir(parents=True)
    (target / "quizzes").mkdir()
    for name in ("course.yaml", "sources.yaml", "glossary.yaml"):
        if (PROJECT / "modules" / name).exists():
            shutil.copy(PROJECT / "modules" / name, target / "modules" / name)
    if (PROJECT / "modules" / "glossary").is_dir():
        shutil.copytree(PROJECT / "modules" / "glossary", target / "modules" / "glossary")
    sources = sorted(
        p.parent
        for p in (PROJECT / "modules").glob(f"*/{audience}.en.md")
        if (PROJECT / "quizzes" / p.parent.name / f"{audience}.yaml").exists()
    )
    for index in range(count):
        source = sources[index % len(sources)]
        ident = f"m{index:04d}-{source.name}"
        folder = target / "modules" / ident
        folder.mkdir()
        meta = (source / "module.yaml").read_text("utf-8")
        meta = re.sub(r"(?m)^id: .*$", f"id: {ident}", meta)
        meta = re.sub(r"(?m)^audiences: .*$", f"audiences: [{audience}]", meta)
        (folder / "module.yaml").write_text(meta, "utf-8")
        prefix = f"n{index:04d}-"
        for lesson in source.glob(f"{audience}.*.md"):
            text = lesson.read_text("utf-8")
            text = re.sub(r"(?m)^(\s+- id: )", rf"\g<1>{prefix}", text)
            (folder / lesson.name).write_text(text, "utf-8")
        for asset in source.iterdir():
            if asset.is_dir():
                shutil.copytree(asset, folder / asset.name)
        quiz = (PROJECT / "quizzes" / source.name / f"{audience}.yaml").read_text("utf-8")
        quiz = re.sub(r"(?m)^(\s+- id: )", rf"\g<1>{prefix}", quiz)
        quiz = re.sub(r"(?m)^(\s+outcome: )", rf"\g<1>{prefix}", quiz)
        (target / "quizzes" / ident).mkdir()
        (target / "quizzes" / ident / f"{audience}.yaml").write_text(quiz, "utf-8")
    return target


if __name__ == "__main__":
    make_catalogue(int(sys.argv[1]), Path(sys.argv[2]))
