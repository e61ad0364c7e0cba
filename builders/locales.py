"""Interface strings of the generated editions, one YAML file per language in builders/locales/."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from builders.shipped_data import shipped_yaml

LOCALES = Path(__file__).parent / "locales"
FALLBACK = "en"


_course_strings: dict[str, dict[str, Any]] = {}


@cache
def shipped_strings(lang: str) -> dict[str, Any]:
    path = LOCALES / f"{lang}.yaml"
    if not path.is_file():
        return {}
    return shipped_yaml(path.read_text(encoding="utf-8")) or {}


def use_course_strings(interface: tuple[tuple[str, str], ...]) -> None:
    """Use the strings the course or its overlays give (`Course.interface`: language and JSON)
    before the shipped ones, until the next call."""
    _course_strings.clear()
    _course_strings.update((lang, json.loads(text)) for lang, text in interface)


class UI:
    """Looks up interface strings in one language: the course's own, then the shipped ones, then
    English."""

    def __init__(self, lang: str):
        self.lang = lang
        self.layers = (_course_strings.get(lang, {}), shipped_strings(lang),
                       shipped_strings(FALLBACK))
        self.found: dict[str, Any] = {}  # a page asks for the same labels again and again

    def __call__(self, key: str, **values: object) -> str:
        text = self._first(key)
        if text is None:
            raise KeyError(f"no interface string '{key}'")
        return str(text).format(**values)  # {{ and }} are braces, with values or without

    def _first(self, key: str) -> Any:
        if key not in self.found:
            self.found[key] = next((found for strings in self.layers
                                    if (found := self._lookup(strings, key)) is not None), None)
        return self.found[key]

    def plural(self, key: str, n: float) -> str:
        """`key.one` or `key.other`, as the language's `plural_one` list decides."""
        singular = self._first("plural_one") or [1]
        count = f"{n:g}"
        form = "one" if n in singular else "other"
        return self(f"{key}.{form}", n=count)

    @staticmethod
    def _lookup(strings: dict[str, Any], key: str) -> Any:
        node: Any = strings
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node
