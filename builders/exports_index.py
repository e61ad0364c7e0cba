"""exports/index.html: every file that was built, by format, with its size."""

from __future__ import annotations

from pathlib import Path

from builders.formats import REGISTRY
from builders.locales import UI
from builders.model import Course
from builders.render.templates import template_env
from builders.write import write_file_atomic

HIDDEN_PREFIXES = ("assets/", "media/")


def write_exports_index(course: Course, out: Path) -> None:
    sections = []
    for name in REGISTRY:
        folder = out / name
        if not folder.is_dir():
            continue
        sizes = {
            p.relative_to(folder).as_posix(): p.stat().st_size
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }
        listed = [
            {"path": f"{name}/{rel}", "size": size}
            for rel, size in sizes.items()
            if not rel.startswith(HIDDEN_PREFIXES)
        ]
        sections.append(
            {"name": name, "files": listed, "count": len(sizes), "total": sum(sizes.values())}
        )
    lang = course.languages[0]
    html = (
        template_env("exports")
        .get_template("index.html.j2")
        .render(course=course, lang=lang, ui=UI(lang), sections=sections)
    )
    write_file_atomic(out / "index.html", html.encode("utf-8"))
