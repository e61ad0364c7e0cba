"""The word lists of data/wordlists.yaml, compiled to whole-word, case-insensitive patterns."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


@lru_cache(maxsize=1)
def wordlists() -> dict[str, Any]:
    text = (resources.files("builders.quality") / "data" / "wordlists.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=256)
def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex matching any of `phrases` as whole words; `*` at the end matches any ending."""
    if not phrases:
        return None
    parts = []
    for phrase in phrases:
        words = [
            re.escape(word.rstrip("*")) + (r"\w*" if word.endswith("*") else "")
            for word in phrase.split()
        ]
        parts.append(r"\s+".join(words))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


CLAUSE_START = re.compile(r"[.!?;:]\s")


def blaming_phrases(text: str, lang: str) -> list[re.Match[str]]:
    """Victim-blaming phrases in `text`, except those their own clause denies."""
    pattern = phrase_pattern(phrases_for("victim_blaming", lang))
    if pattern is None:
        return []
    negations = [re.compile(n, re.IGNORECASE) for n in phrases_for("negations", lang)]
    found = []
    for match in pattern.finditer(text):
        starts = [m.end() for m in CLAUSE_START.finditer(text, 0, match.start())]
        clause = text[starts[-1] if starts else 0 : match.start()]
        if not any(n.search(clause) for n in negations):
            found.append(match)
    return found


def phrases_for(*path: str) -> tuple[str, ...]:
    """The list at wordlists[path...], or () when the file has none for it."""
    node: Any = wordlists()
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return ()
        node = node[key]
    return tuple(str(p) for p in node)
