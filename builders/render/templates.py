"""Jinja2 environments for the templates under builders/templates/ (StrictUndefined, autoescape)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def template_env(folder: str) -> Environment:
    """The environment for one format's templates, e.g. template_env("html")."""
    env = Environment(
        loader=PackageLoader("builders", f"templates/{folder}"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(("html", "html.j2", "xml", "xml.j2"), default=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["filesize"] = human_size
    return env


def human_size(size: int) -> str:
    """1234 -> '1.2 kB' (decimal units, as browsers and file managers show)."""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("kB", "MB", "GB"):
        value /= 1000
        if value < 1000 or unit == "GB":
            break
    return f"{value:.1f} {unit}"
