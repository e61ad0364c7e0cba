"""From files to figures: read, match, compute, disaggregate — and write the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builders.results.attempts import choose, read_attempts, read_learners
from builders.results.stats import Pair, figures, item_figures
from builders.results.tables import read_table


def analyse(
    pre: Path,
    post: Path,
    learners: Path | None = None,
    attempt: str = "last",
    min_cell: int = 5,
    pass_mark: float = 70,
) -> dict[str, Any]:
    """summary.json's content; raises TableError (with file, row, column) on bad input."""
    before = choose(read_attempts(read_table(pre)), attempt)
    after = choose(read_attempts(read_table(post)), attempt)
    keys = sorted(set(before) & set(after))
    pairs = [Pair(k, before[k], after[k]) for k in keys]
    people = read_learners(read_table(learners)) if learners else {}
    overall = figures(pairs, pass_mark)
    summary: dict[str, Any] = {
        "matched": len(pairs),
        "unmatched_pre": len(set(before) - set(after)),
        "unmatched_post": len(set(after) - set(before)),
        "pre_mean": overall["pre_mean"]["estimate"],
        "post_mean": overall["post_mean"]["estimate"],
        "pre_mean_ci": overall["pre_mean"],
        "post_mean_ci": overall["post_mean"],
        "difference": overall["difference"],
        "normalized_gain": overall["normalized_gain"],
        "effect_size_dz": overall["effect_size_dz"],
        "pass_rate_post": overall["pass_rate_post"]["estimate"],
        "pass_rate_post_ci": overall["pass_rate_post"],
        "groups": {},
        "items": item_figures(pairs),
        "settings": {"attempt": attempt, "min_cell": min_cell, "pass_mark": pass_mark},
        "files": {
            "pre": pre.name,
            "post": post.name,
            "learners": learners.name if learners else None,
        },
    }
    for attribute in ("sex", "age_band"):
        groups: dict[str, list[Pair]] = {}
        for pair in pairs:
            value = people.get(pair.key, {}).get(attribute, "not stated")
            groups.setdefault(value, []).append(pair)
        if people:
            summary["groups"][attribute] = {
                value: (
                    figures(members, pass_mark)
                    if len(members) >= min_cell
                    else {"n": len(members), "suppressed": True}
                )
                for value, members in sorted(groups.items())
            }
    return summary


def write_outputs(summary: dict[str, Any], out: Path, lang: str) -> list[Path]:
    from builders.results.report import report_html
    from builders.write import write_file_atomic

    json_path, html_path = out / "summary.json", out / "report.html"
    text = json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    write_file_atomic(json_path, text.encode("utf-8"))
    write_file_atomic(html_path, report_html(summary, lang).encode("utf-8"))
    return [html_path, json_path]
