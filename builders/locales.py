"""Interface strings of the generated editions, one YAML file per language in builders/locales/."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

LOCALES = Path(__file__).parent / "locales"
FALLBACK = "en"


@cache
def _load(lang: str) -> dict[str, Any]:
    path = LOCALES / f"{lang}.yaml"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def has_locale(lang: str) -> bool:
    return (LOCALES / f"{lang}.yaml").is_file()


class UI:
    """Looks up interface strings in one language, falling back to English for missing ones."""

    def __init__(self, lang: str):
        self.lang = lang
        self.strings = _load(lang)
        self.fallback = _load(FALLBACK)

    def __call__(self, key: str, **values: object) -> str:
        text = self._lookup(self.strings, key)
        if text is None:
            text = self._lookup(self.fallback, key)
        if text is None:
            raise KeyError(f"no interface string '{key}'")
        return str(text).format(**values) if values else str(text)

    def plural(self, key: str, n: float) -> str:
        """`key.one` or `key.other`, as the language's `plural_one` list decides."""
        singular = self._lookup(self.strings, "plural_one") or [1]
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
