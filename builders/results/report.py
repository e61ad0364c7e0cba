"""The results report: one offline HTML page with inline SVG charts and plain explanations."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from markupsafe import Markup

from builders.render.pages import static_file
from builders.render.templates import template_env
from builders.shipped_data import shipped_yaml


@lru_cache(maxsize=1)
def _strings() -> dict[str, dict[str, str]]:
    text = (resources.files("builders.results") / "strings.yaml").read_text("utf-8")
    return shipped_yaml(text)


def number(value: Any, lang: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "fr" else text


def bar_chart(rows: list[tuple[str, dict, dict]], labels: tuple[str, str], title: str) -> Markup:
    """Horizontal bars, before and after, for each (name, pre ci, post ci) row; 0–100 scale."""
    width, left, bar, gap = 560, 170, 14, 10
    height = 30 + len(rows) * (2 * bar + gap) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px">',
        f"<title>{Markup.escape(title)}</title>",
    ]
    scale = (width - left - 20) / 100
    y = 20
    for name, pre, post in rows:
        parts.append(f'<text x="0" y="{y + bar + 4}" font-size="12">{Markup.escape(name)}</text>')
        for offset, ci, colour, label in (
            (0, pre, "#8a97a3", labels[0]),
            (bar, post, "#005a8c", labels[1]),
        ):
            value = ci.get("estimate") or 0
            parts.append(
                f'<rect x="{left}" y="{y + offset}" width="{value * scale:.1f}" height="{bar - 2}" '
                f'fill="{colour}"><title>{Markup.escape(label)}: {value:.1f}</title></rect>'
            )
            if ci.get("ci_low") is not None:
                x1, x2 = left + max(0, ci["ci_low"]) * scale, left + min(100, ci["ci_high"]) * scale
                mid = y + offset + (bar - 2) / 2
                parts.append(
                    f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{mid}" y2="{mid}" stroke="#1b1b1b"/>'
                )
        y += 2 * bar + gap
    for tick in (0, 50, 100):
        parts.append(
            f'<text x="{left + tick * scale:.1f}" y="{height - 4}" font-size="10">{tick}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def report_html(summary: dict[str, Any], lang: str) -> str:
    words = {
        k: str(v).replace("{min_cell}", str(summary["settings"]["min_cell"]))
        for k, v in _strings().get(lang, _strings()["en"]).items()
    }
    rows = [("", summary["pre_mean_ci"], summary["post_mean_ci"])]
    for attribute in ("sex", "age_band"):
        for value, group in summary["groups"].get(attribute, {}).items():
            if not group.get("suppressed"):
                rows.append((value, group["pre_mean"], group["post_mean"]))
    chart = bar_chart(
        [(name or words["all"], a, b) for name, a, b in rows],
        (words["pre"], words["post"]),
        words["chart"],
    )
    return (
        template_env("results")
        .get_template("report.html.j2")
        .render(
            s=summary,
            w=words,
            lang=lang,
            chart=chart,
            css=Markup(static_file("e4j.css").decode()),
            num=lambda v, d=1: number(v, lang, d),
        )
    )
