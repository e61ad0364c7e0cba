"""The word lists of data/wordlists.yaml, compiled to whole-word, case-insensitive patterns."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

from builders.shipped_data import shipped_yaml


@lru_cache(maxsize=1)
def wordlists() -> dict[str, Any]:
    text = (resources.files("builders.quality") / "data" / "wordlists.yaml").read_text("utf-8")
    return shipped_yaml(text)


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


WORD_RUN = re.compile(r"\w+")


@dataclass(frozen=True)
class TextWords:
    """The words of a text, lowercased (runs of letters and digits): as a set, in order (to
    find words by their start) and as pairs of neighbours."""

    words: frozenset[str]
    ordered: tuple[str, ...]
    pairs: frozenset[tuple[str, str]]

    def any_starts_with(self, start: str) -> bool:
        index = bisect_left(self.ordered, start)
        return index < len(self.ordered) and self.ordered[index].startswith(start)


def text_words(text: str) -> TextWords:
    runs = WORD_RUN.findall(text.lower())
    words = frozenset(runs)
    return TextWords(words, tuple(sorted(words)), frozenset(pairwise(runs)))


@dataclass(frozen=True)
class Needs:
    """What a text must hold for a phrase to occur in it: its words, the starts of those ending
    in `*`, and its pairs of neighbouring words (signs and spaces between words of a phrase
    match only themselves, so its words are neighbours in the text too)."""

    words: frozenset[str]
    starts: tuple[str, ...]
    pairs: frozenset[tuple[str, str]]

    def met_by(self, text: TextWords) -> bool:
        return (
            self.words <= text.words
            and self.pairs <= text.pairs
            and all(text.any_starts_with(start) for start in self.starts)
        )


@lru_cache(maxsize=256)
def phrase_needs(phrases: tuple[str, ...]) -> tuple[Needs, ...] | None:
    """What each of `phrases` needs, or None when one has no letter nor digit to look for."""
    needs = []
    for phrase in phrases:
        runs: list[tuple[str, bool]] = []  # (run, whether only its start is given)
        for word in phrase.lower().split():
            stem = word.rstrip("*")
            found = WORD_RUN.findall(stem)
            starred = word != stem and bool(found) and stem.endswith(found[-1])
            runs += [(run, starred and index == len(found) - 1) for index, run in enumerate(found)]
        if not runs:
            return None
        whole = [run for run, start in runs if not start]
        pairs = [(a, b) for (a, a_start), (b, b_start) in pairwise(runs)
                 if not a_start and not b_start]
        needs.append(Needs(frozenset(whole), tuple(run for run, start in runs if start),
                           frozenset(pairs)))
    return tuple(needs)


def may_occur(phrases: tuple[str, ...], words: TextWords) -> bool:
    """Whether one of `phrases` may occur in a text with these `text_words`: a quick first test
    for `phrase_pattern(phrases)`, which may say yes wrongly, never no."""
    needs = phrase_needs(phrases)
    return needs is None or any(need.met_by(words) for need in needs)


def pattern_if_present(phrases: tuple[str, ...], words: TextWords) -> re.Pattern[str] | None:
    """`phrase_pattern(phrases)` when one of them may occur in a text with these `text_words`,
    else None: there is nothing to search for."""
    return phrase_pattern(phrases) if may_occur(phrases, words) else None


CLAUSE_START = re.compile(r"[.!?;:]\s")


@lru_cache(maxsize=16)
def _blaming(lang: str) -> tuple[re.Pattern[str] | None, tuple[re.Pattern[str], ...]]:
    return (
        phrase_pattern(phrases_for("victim_blaming", lang)),
        tuple(re.compile(n, re.IGNORECASE) for n in phrases_for("negations", lang)),
    )


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
def terminology(lang: str) -> tuple[tuple[str, ...], tuple[TermRule, ...]]:
    """For `lang`: every term to avoid (for a quick first test), then each terminology entry's
    pattern with the term to write instead."""
    rules: list[TermRule] = []
    every: list[str] = []
    for entry in wordlists().get("terminology", []):
        avoid = tuple(entry.get("avoid", {}).get(lang, ()))
        every += avoid
        if (pattern := phrase_pattern(avoid)) is not None:
            rules.append((pattern, entry.get("prefer", {}).get(lang, "")))
    return tuple(every), tuple(rules)


def phrases_for(*path: str) -> tuple[str, ...]:
    """The list at wordlists[path...], or () when the file has none for it."""
    node: Any = wordlists()
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return ()
        node = node[key]
    return tuple(str(p) for p in node)
