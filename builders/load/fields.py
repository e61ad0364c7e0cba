"""Typed reading of YAML mappings: each bad or missing field becomes a located diagnostic."""

from __future__ import annotations

import re
from collections.abc import Iterable
from math import isfinite
from typing import Any

from builders.diagnostics import Diagnostics, SourceLoc, did_you_mean
from builders.load.keys import WAIVER_KEYS, names
from builders.load.yaml import YMap, YSeq, load_yaml
from builders.model import Localized, Waiver

PARAGRAPH_ID = re.compile(r"^[1-9][0-9]*(\([a-z]\))?$")


def read_mapping(text: str, shown: str, diags: Diagnostics) -> YMap | None:
    """A YAML file's text as a mapping, or None with a diagnostic (syntax, empty, not a map)."""
    data = load_yaml(text, shown, diags)
    if data is None:
        if not any(d.loc.path == shown for d in diags.errors):
            diags.error("source.empty", f"{shown} is empty", SourceLoc(shown))
        return None
    return as_map(data, SourceLoc(shown), shown, diags)


def as_map(value: Any, loc: SourceLoc, what: str, diags: Diagnostics) -> YMap | None:
    """`value` if it is a mapping, else a diagnostic and None."""
    if isinstance(value, YMap):
        return value
    diags.error("schema.type", f"{what} must be a mapping of keys to values", loc)
    return None


class FieldReader:
    """Reads the fields of one YAML mapping, recording a diagnostic for every problem."""

    def __init__(self, data: YMap, diags: Diagnostics, what: str, languages: tuple[str, ...]):
        self.data = data
        self.diags = diags
        self.what = what
        self.languages = languages

    def check_keys(self, required: Iterable[str], optional: Iterable[str] = ()) -> None:
        required = list(required)
        allowed = set(required) | set(optional)
        for key in self.data:
            if key not in allowed:
                self.diags.error(
                    "schema.unknown-key",
                    f"unknown key '{key}' in {self.what}",
                    self.data.key_loc(key),
                    did_you_mean(str(key), allowed),
                )
        for key in required:
            if key not in self.data:
                self.diags.error(
                    "schema.missing-key",
                    f"{self.what} needs '{key}'",
                    self.data.loc,
                    f"add a '{key}:' line",
                )
            elif _blank(self.data[key]) and not self.diags.error_at(
                    self.data.loc_of(key)):  # YAML could not read the value, and said so
                self.diags.error(
                    "schema.empty",
                    f"'{key}' in {self.what} is empty",
                    self.data.loc_of(key),
                    f"write the {key.replace('_', ' ')}",
                )

    def loc(self, key: str) -> SourceLoc:
        return self.data.loc_of(key)

    def _wrong(self, key: str, expected: str) -> None:
        self.diags.error(
            "schema.type",
            f"'{key}' in {self.what} must be {expected}, not {_describe(self.data[key])}",
            self.loc(key),
        )

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self._wrong(key, "text")
            return default
        return str(value).strip()

    def integer(self, key: str, default: int = 0, minimum: int | None = None) -> int:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self._wrong(key, "a whole number")
            return default
        if minimum is not None and value < minimum:
            self.diags.error(
                "schema.range", f"'{key}' must be at least {minimum}, not {value}", self.loc(key)
            )
            return default
        return value

    def number(self, key: str, default: float = 0.0) -> float:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self._wrong(key, "a number")
            return default
        if not isfinite(value):  # YAML's .inf and .nan: no edition can show nor check them
            self._wrong(key, "a finite number")
            return default
        return float(value)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self._wrong(key, "true or false")
            return default
        return value

    def seq(self, key: str) -> YSeq:
        value = self.data.get(key)
        if value is None:
            empty = YSeq()
            empty.loc, empty.item_locs = self.data.loc, []
            return empty
        if not isinstance(value, YSeq):
            self._wrong(key, "a list")
            empty = YSeq()
            empty.loc, empty.item_locs = self.loc(key), []
            return empty
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        items = self.seq(key)
        result = []
        for index, item in enumerate(items):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.diags.error(
                    "schema.type", f"items of '{key}' must be text", items.loc_of(index)
                )
                continue
            result.append(str(item).strip())
        return tuple(result)

    def paragraph_ids(self, key: str) -> tuple[tuple[str, SourceLoc], ...]:
        """Paragraph ids such as "8" or "16(e)", each with where it stands."""
        items = self.seq(key)
        result = []
        for index, item in enumerate(items):
            ident = str(item).strip().replace(" ", "") if not isinstance(item, bool) else ""
            loc = items.loc_of(index)
            if not PARAGRAPH_ID.match(ident):
                self.diags.error(
                    "schema.paragraph-id",
                    f"'{item}' is not a paragraph id",
                    loc,
                    'write paragraph ids like "8" or "16(e)" (quoted)',
                )
                continue
            result.append((ident, loc))
        return tuple(result)

    def localized(self, key: str) -> Localized:
        """A mapping with a non-empty text for every course language (empty when absent)."""
        value = self.data.get(key)
        if value is None:  # a missing required key is reported once, by check_keys
            return Localized(())
        return read_localized(value, self.loc(key), f"'{key}'", self.languages, self.diags)


def read_waivers(fields: FieldReader) -> tuple[Waiver, ...]:
    """`waivers:` entries: {rule, line, reason}; a waiver without a reason is an error."""
    items = fields.seq("waivers")
    waivers = []
    for index, item in enumerate(items):
        entry = as_map(item, items.loc_of(index), "a waiver", fields.diags)
        if entry is None:
            continue
        reader = FieldReader(entry, fields.diags, "a waiver", fields.languages)
        reader.check_keys(names(WAIVER_KEYS, required=True))
        rule, reason = reader.text("rule"), reader.text("reason")
        line = reader.integer("line", minimum=1)
        if "reason" in entry and len(reason) < 10:
            fields.diags.error(
                "waiver.reason",
                f"the waiver of '{rule}' needs a written reason",
                reader.loc("reason"),
                "say in a sentence why the rule does not apply on this line",
            )
            continue
        if rule and line:
            waivers.append(Waiver(rule, line, reason, items.loc_of(index)))
    return tuple(waivers)


def read_localized(
    value: Any, loc: SourceLoc, what: str, languages: tuple[str, ...], diags: Diagnostics
) -> Localized:
    """Read `{en: ..., fr: ...}`; every course language must be present and non-empty."""
    if not isinstance(value, YMap):
        diags.error(
            "schema.localized",
            f"{what} must give one text per language, not {_describe(value)}",
            loc,
            f"write it as a mapping: {{{', '.join(f'{lang}: …' for lang in languages)}}}",
        )
        return Localized(())
    pairs = []
    for lang in value:
        if lang not in languages:
            diags.error(
                "schema.language",
                f"language '{lang}' in {what} is not a course language",
                value.key_loc(lang),
                f"course languages are set in modules/course.yaml: {', '.join(languages)}",
            )
            continue
        text = value[lang]
        if (
            isinstance(text, bool)
            or not isinstance(text, (str, int, float))
            or not str(text).strip()
        ):
            diags.error(
                "schema.localized",
                f"{what} in '{lang}' must be non-empty text",
                value.loc_of(lang),
            )
            continue
        pairs.append((lang, str(text).strip()))
    for lang in languages:
        if lang not in value:
            diags.error(
                "translation.missing",
                f"{what} has no '{lang}' text",
                value.loc,
                f"add '{lang}: …' so every language says the same",
            )
    return Localized(tuple(pairs))


def _blank(value: Any) -> bool:
    """Nothing written (spaces alone are nothing: a heading of spaces is an empty heading)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float) and not isfinite(value):
        return "infinity" if value == value else "not-a-number (.nan)"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty" if value is None else type(value).__name__
