"""Interface strings a course or an overlay gives in `locales/<lang>.yaml`: for a language the
tool does not ship, or to reword a shipped string. They are checked against the English file's
keys and used before the shipped strings (see `builders.locales`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from string import Formatter
from typing import Any

from builders.diagnostics import Diagnostics, SourceLoc, did_you_mean
from builders.load.layers import Tree
from builders.load.yaml import YMap, YSeq
from builders.locales import FALLBACK, shipped_strings

FOLDER = "locales"
PLACEHOLDERS = Formatter()


ReadYaml = Callable[[str], tuple[YMap | None, str]]  # rel path -> layers merged, digest


def read_interface(tree: Tree, read_yaml: ReadYaml, languages: tuple[str, ...],
                   diags: Diagnostics) -> tuple[tuple[str, str], ...]:
    """(language, JSON of its strings) for every `locales/<lang>.yaml` of the course and its
    overlays, layers merged; unknown keys and languages are located errors."""
    found = []
    for name in tree.names(FOLDER, "*.yaml"):
        lang, rel = name.removesuffix(".yaml"), f"{FOLDER}/{name}"
        if lang not in languages:
            diags.error("locale.language", f"'{lang}' is not a language of the course",
                               SourceLoc(tree.shown(rel)),
                               f"name the file after one of {', '.join(languages)}, or add "
                               "the language to modules/course.yaml")
            continue
        data, _ = read_yaml(rel)
        if data is None:
            continue
        _check_keys(data, shipped_strings(FALLBACK), "", diags)
        found.append((lang, json.dumps(data, sort_keys=True, ensure_ascii=False)))
    return tuple(found)


def missing_interface(languages: tuple[str, ...], given: tuple[tuple[str, str], ...],
                      diags: Diagnostics) -> None:
    """A warning for each course language whose buttons and labels would fall back to English."""
    have = {lang for lang, _ in given}
    for lang in languages:
        if not shipped_strings(lang) and lang not in have:
            diags.warning("locale.missing",
                          f"no interface strings for '{lang}': buttons and labels will be in "
                          "English", SourceLoc("modules/course.yaml"),
                          f"add {FOLDER}/{lang}.yaml (a translation of builders/locales/"
                          f"{FALLBACK}.yaml) to the course or the overlay")


def _check_keys(data: YMap, shipped: dict[str, Any], prefix: str, diags: Diagnostics) -> None:
    for key, value in data.items():
        if key not in shipped:
            diags.error("locale.key", f"unknown interface string '{prefix}{key}'",
                        data.key_loc(key), did_you_mean(str(key), shipped))
        elif isinstance(shipped[key], dict):
            if isinstance(value, YMap):
                _check_keys(value, shipped[key], f"{prefix}{key}.", diags)
            else:
                diags.error("locale.key", f"'{prefix}{key}' holds strings under it",
                            data.loc_of(key), f"indent its keys: {', '.join(shipped[key])}")
        elif isinstance(shipped[key], list):
            if not (isinstance(value, YSeq) and value and all(
                    isinstance(item, int | float) and not isinstance(item, bool)
                    for item in value)):
                diags.error("locale.type", f"'{prefix}{key}' is a list of numbers",
                            data.loc_of(key), f"write it as the shipped file does: {key}: "
                            f"{json.dumps(shipped[key])}")
        elif not isinstance(value, str):
            diags.error("locale.type", f"'{prefix}{key}' is a text", data.loc_of(key),
                        "write the words in quotes")
        else:
            _check_placeholders(value, str(shipped[key]), f"{prefix}{key}", data.loc_of(key),
                                diags)


def _placeholders(text: str) -> list[str] | None:
    """The {placeholders} of an interface string, None when a brace opens or closes nothing.
    Conversions and formats (`{n!r}`, `{n:>5}`) are kept in the name: none is allowed."""
    try:
        return [name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
                for _, name, spec, conversion in PLACEHOLDERS.parse(text) if name is not None]
    except ValueError:
        return None


def _check_placeholders(text: str, shipped: str, name: str, loc: SourceLoc,
                        diags: Diagnostics) -> None:
    """A string the course gives fills only the placeholders the shipped one has (anything
    else is no value the editions have, or reaches into the values' attributes)."""
    allowed = sorted(set(_placeholders(shipped) or []))
    takes = ", ".join(f"{{{a}}}" for a in allowed) or "no placeholder"
    found = _placeholders(text)
    if found is None:
        diags.error("locale.placeholder", f"'{name}' has a brace that opens or closes nothing",
                    loc, f"write {{{{ or }}}} for a brace shown as such; this string takes {takes}")
        return
    for placeholder in dict.fromkeys(found):
        if placeholder not in allowed:
            diags.error("locale.placeholder", f"'{name}' has the placeholder "
                        f"'{{{placeholder}}}', which no edition fills", loc,
                        f"this string takes {takes}")
