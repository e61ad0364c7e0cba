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


@lru_cache(maxsize=16)
def _blaming(lang: str) -> tuple[re.Pattern[str] | None, tuple[re.Pattern[str], ...]]:
    return (
        phrase_pattern(phrases_for("victim_blaming", lang)),
        tuple(re.compile(n, re.IGNORECASE) for n in phrases_for("negations", lang)),
    )


def blaming_pattern(lang: str) -> re.Pattern[str] | None:
    """Victim-blaming phrases, before the negations that clear some of them."""
    return _blaming(lang)[0]


def blaming_phrases(text: str, lang: str) -> list[re.Match[str]]:
    """Victim-blaming phrases in `text`, except those their own clause denies."""
    pattern, negations = _blaming(lang)
    if pattern is None or not pattern.search(text):
        return []
    found = []
    for match in pattern.finditer(text):
        starts = [m.end() for m in CLAUSE_START.finditer(text, 0, match.start())]
        clause = text[starts[-1] if starts else 0 : match.start()]
        if not any(n.search(clause) for n in negations):
            found.append(match)
    return found


TermRule = tuple[re.Pattern[str], str]  # a pattern of terms to avoid, the term to write


@lru_cache(maxsize=16)
def terminology(lang: str) -> tuple[re.Pattern[str] | None, tuple[TermRule, ...]]:
    """For `lang`: one pattern matching any term to avoid (a quick first test), then each
    terminology entry's pattern with the term to write instead."""
    rules: list[TermRule] = []
    every: list[str] = []
    for entry in wordlists().get("terminology", []):
        avoid = tuple(entry.get("avoid", {}).get(lang, ()))
        every += avoid
        if (pattern := phrase_pattern(avoid)) is not None:
            rules.append((pattern, entry.get("prefer", {}).get(lang, "")))
    return phrase_pattern(tuple(every)), tuple(rules)


def phrases_for(*path: str) -> tuple[str, ...]:
    """The list at wordlists[path...], or () when the file has none for it."""
    node: Any = wordlists()
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return ()
        node = node[key]
    return tuple(str(p) for p in node)
