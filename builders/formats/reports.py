"""Quality report for curriculum reviewers: reading levels, coverage matrix, every finding."""

from __future__ import annotations

import json
from typing import Any

from builders.formats.base import Artifact, Builder, Job
from builders.model import Course
from builders.quality import RULES, coverage, run_quality
from builders.quality.language_rules import bands
from builders.quality.readability import FORMULA_NAME, measure_lesson
from builders.render.templates import template_env


def _band_status(audience: str, lang: str, ease: float, grade: float | None, wps: float) -> str:
    band = bands().get(audience, {})
    limits = band.get(lang)
    if not limits:
        return "no band"
    low, high = limits["ease"]
    ok = low <= ease <= high and wps <= band.get("words_per_sentence", 99)
    if grade is not None and "grade" in limits:
        ok = ok and limits["grade"][0] <= grade <= limits["grade"][1]
    return "within band" if ok else "outside band"


def quality_data(course: Course) -> dict[str, Any]:
    """Everything the report shows, as plain data (also written as quality.json)."""
    lessons = []
    for module in course.modules:
        for lesson in module.lessons:
            figures = measure_lesson(lesson)
            band = bands().get(lesson.audience, {})
            limits = band.get(lesson.lang, {})
            lessons.append(
                {
                    "module": module.id,
                    "audience": lesson.audience,
                    "lang": lesson.lang,
                    "path": lesson.path,
                    "words": figures.words,
                    "sentences": figures.sentences,
                    "words_per_sentence": round(figures.words_per_sentence, 1),
                    "ease": figures.ease,
                    "ease_formula": FORMULA_NAME.get(lesson.lang, "reading ease"),
                    "grade": figures.grade,
                    "band": {
                        "ease": limits.get("ease"),
                        "grade": limits.get("grade"),
                        "words_per_sentence": band.get("words_per_sentence"),
                    },
                    "status": _band_status(
                        lesson.audience,
                        lesson.lang,
                        figures.ease,
                        figures.grade,
                        figures.words_per_sentence,
                    ),
                }
            )
    columns = [(m.id, a) for m in course.modules for a in sorted(set(m.audiences))]
    matrix = coverage(course)
    rows = [
        {
            "paragraph": p.id,
            "summary": p.summary.get("en") or p.summary.pairs[0][1],
            "cells": ["+".join(sorted(matrix.get(p.id, {}).get(c, ()))) for c in columns],
        }
        for p in course.sources.paragraphs
    ]
    findings = [
        {
            "path": d.loc.path,
            "line": d.loc.line,
            "col": d.loc.col,
            "level": d.level,
            "rule": d.code,
            "message": d.message,
            "hint": d.hint,
        }
        for d in sorted(run_quality(course), key=lambda d: d.sort_key())
    ]
    return {
        "document": course.sources.document,
        "lessons": lessons,
        "columns": [{"module": m, "audience": a} for m, a in columns],
        "coverage": rows,
        "untaught": [r["paragraph"] for r in rows if not any(r["cells"])],
        "findings": findings,
        "rules": RULES,
    }


class ReportsBuilder(Builder):
    name = "reports"
    description = "quality report for reviewers: reading levels, coverage matrix, findings"

    def plan(self, course: Course) -> list[Job]:
        return [Job("quality", (course.digest,))]

    def render(self, course: Course, job: Job) -> Artifact:
        data = quality_data(course)
        html = template_env("reports").get_template("quality.html.j2").render(data=data)
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        return {"quality.html": html.encode("utf-8"), "quality.json": text.encode("utf-8")}
