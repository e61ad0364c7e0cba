"""Quiz strings as question-bank text: HTML in one language, or every language at once through
Moodle's multi-language filter; images collected so they can be embedded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

from builders.memo import keep
from builders.model import Course, Localized, Module
from builders.render.html import HtmlFragments, PageState, embedded_name

TAG = re.compile(r"<[^>]+>")
PLUGINFILE = "@@PLUGINFILE@@"


RENDERED_LIMIT = 50_000
_RENDERED: dict[tuple[str, str, str, bool, str], tuple[str, dict[str, str]]] = {}


@dataclass
class Rendered:
    html: str
    images: dict[str, bytes] = field(default_factory=dict)  # embedded name -> bytes


class BankText:
    """Renders quiz strings for a question bank in `langs` (one language, or several)."""

    def __init__(self, course: Course, module: Module, langs: tuple[str, ...]):
        self.course, self.module, self.langs = course, module, langs
        self.fragments: dict[str, HtmlFragments] = {}  # by language, each string a fresh state

    @property
    def multilingual(self) -> bool:
        return len(self.langs) > 1

    def _one(self, text: str, lang: str, block: bool = False) -> tuple[str, dict[str, str]]:
        """HTML of one string and the images it uses; every bank of every format asks for the
        same strings, so each is rendered once per course."""
        key = (self.course.digest, self.module.id, lang, block, text)
        found = _RENDERED.get(key)
        if found is None:
            state = PageState(lang, self.module.id, PLUGINFILE, self_contained=True)
            fragments = self.fragments.get(lang)
            if fragments is None:
                fragments = self.fragments[lang] = HtmlFragments(self.course, state)
            fragments.state = state
            html = fragments.block(text) if block else fragments.inline(text)
            images = {embedded_name(p): p for p in state.images}
            found = keep(_RENDERED, key, (html, images), RENDERED_LIMIT)
        return found

    def html(self, text: Localized, block: bool = False) -> Rendered:
        parts, images = [], {}
        for lang in self.langs:
            value = text.get(lang)
            if not value:
                continue
            html, used = self._one(value, lang, block)
            images.update(used)
            parts.append(
                f'<span lang="{lang}" class="multilang">{html}</span>'
                if self.multilingual
                else html
            )
        data = {}
        for name, path in sorted(images.items()):
            asset = self.module.asset(path)
            if asset is not None:
                data[name] = asset.data
        return Rendered("".join(parts), data)

    def ui_text(self, ui_factory, key: str) -> str:
        """An interface string in every language of the bank (multi-language spans if several)."""
        from builders.locales import UI

        parts = [UI(lang)(key) for lang in self.langs]
        if not self.multilingual:
            return parts[0]
        return "".join(
            f'<span lang="{lang}" class="multilang">{part}</span>'
            for lang, part in zip(self.langs, parts, strict=True)
        )

    def plain(self, text: Localized) -> str:
        """Text without markup (for names and matching answers); languages joined with ' / '."""
        values = []
        for lang in self.langs:
            html, _ = self._one(text.get(lang), lang)
            values.append(" ".join(unescape(TAG.sub("", html)).split()))
        return " / ".join(dict.fromkeys(v for v in values if v))
