"""Renders lesson tokens and quiz strings to HTML fragments; HTML escaping lives here."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import Any

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from builders.headings import heading_id, slugify
from builders.image_paths import image_path, image_url
from builders.load.markdown import markdown_parser, parsed
from builders.locales import UI
from builders.model import CONTAINERS, Course, Lesson
from builders.render.typography import typeset


def embedded_name(path: str) -> str:
    """A flat file name for an image embedded in a file (images/map.png -> images-map.png)."""
    return path.replace("/", "-")


def paragraph_anchor(ident: str) -> str:
    return "para-" + ident.replace("(", "").replace(")", "")


def drop_teacher_notes(tokens: Sequence[Token]) -> list[Token]:
    """The learner edition: every teacher-note container removed with all it contains."""
    kept: list[Token] = []
    depth = 0
    for token in tokens:
        if token.type == "container_teacher-note_open":
            depth += 1
        elif token.type == "container_teacher-note_close":
            depth -= 1
        elif depth == 0:
            kept.append(token)
    return kept


@lru_cache(maxsize=1)
def _renderer_prototype() -> RendererHTML:
    return RendererHTML()  # collects its rules by introspection: slow, so done once


def _fresh_renderer() -> RendererHTML:
    renderer = copy.copy(_renderer_prototype())
    renderer.rules = dict(renderer.rules)
    return renderer


@dataclass
class PageState:
    """What one page's rendering accumulates: cited paragraphs, used terms, heading ids."""

    lang: str
    module_id: str
    media_prefix: str
    cited: dict[str, None] = field(default_factory=dict)
    terms: dict[str, None] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    heading_level: int = 1
    self_contained: bool = False  # a fragment shown elsewhere (question banks): no page anchors
    images: dict[str, None] = field(default_factory=dict)  # module-relative paths rendered

    def image_src(self, path: str) -> str:
        """Where an image is, seen from the page (or an embedded file name when self-contained)."""
        self.images[path] = None
        if self.self_contained:
            return f"{self.media_prefix}/{image_url(embedded_name(path))}"
        return f"{self.media_prefix}/{self.module_id}/{image_url(path)}"

    def unique_id(self, base: str) -> str:
        candidate, n = base, 2
        while candidate in self.ids:
            candidate, n = f"{base}-{n}", n + 1
        self.ids.add(candidate)
        return candidate


class HtmlFragments:
    """Turns the model's Markdown into HTML for one page of one language."""

    def __init__(self, course: Course, state: PageState):
        self.course = course
        self.state = state
        self.ui = UI(state.lang)
        self.renderer = _fresh_renderer()
        rules: dict[str, Any] = self.renderer.rules
        rules["text"] = self._text
        rules["citation"] = self._citation
        rules["term"] = self._term
        rules["local"] = self._local_fact
        rules["image"] = self._image
        rules["heading_open"] = self._heading_open
        rules["link_open"] = self._link_open
        for name in CONTAINERS:
            rules[f"container_{name}_open"] = self._box_open
            rules[f"container_{name}_close"] = self._box_close

    @property
    def options(self) -> OptionsDict:
        return markdown_parser().options

    def lesson_body(self, lesson: Lesson, teacher: bool) -> str:
        tokens = list(lesson.tokens) if teacher else drop_teacher_notes(lesson.tokens)
        return self.renderer.render(tokens, self.options, {})

    def inline(self, text: str) -> str:
        """Inline Markdown of a quiz or glossary string (no paragraphs)."""
        return self.renderer.render(parsed(text, inline=True), self.options, {})

    def block(self, text: str) -> str:
        """Block Markdown of a longer string, e.g. a marking guide."""
        return self.renderer.render(parsed(text, inline=False), self.options, {})

    # --- render rules (signature fixed by markdown-it-py) -------------------------------
    def _text(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        return escapeHtml(typeset(tokens[idx].content, self.state.lang))

    def _citation(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        token = tokens[idx]
        ids = token.meta["ids"]
        for ident in ids:
            self.state.cited[ident] = None
        title = escape(self.course.sources.citation_title(tuple(ids), self.state.lang))
        if self.state.self_contained:
            return f'<span class="cite" title="{title}">{escape(token.content)}</span>'
        anchor = paragraph_anchor(ids[0]) if ids else "sources"
        return f'<a class="cite" href="#{anchor}" title="{title}">{escape(token.content)}</a>'

    def _term(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        token = tokens[idx]
        ident = token.meta["id"]
        self.state.terms[ident] = None
        term = self.course.glossary.by_id.get(ident)
        label = token.meta["label"] or (term.term.get(self.state.lang) if term else ident)
        if self.state.self_contained:  # data-* let the question-bank import restore [[term]]
            definition = term.definition.get(self.state.lang) if term else ""
            named = ' data-label="1"' if token.meta["label"] else ""
            return (
                f'<abbr class="term" data-term="{escape(ident)}"{named} '
                f'title="{escape(definition)}">{escape(label)}</abbr>'
            )
        return f'<a class="term" href="#term-{escape(ident)}">{escape(label)}</a>'

    def _local_fact(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
                    ) -> str:
        """A fact of the localisation profile, or a marked gap for the local team to fill."""
        key = tokens[idx].meta["id"]
        profile = self.course.profile
        text = profile.fact(key, self.state.lang) if profile else None
        if text is None:
            missing = escape(self.ui("local_fact_missing", name=key))
            return f'<mark class="local-missing">{missing}</mark>'
        return f'<span class="local-fact">{escape(text)}</span>'

    def _image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        token = tokens[idx]
        path = image_path(str(token.attrs.get("src", "")))
        src = self.state.image_src(path)
        alt = self.renderer.renderInlineAsText(token.children or [], options, env)
        if self.state.self_contained:
            return f'<img src="{escape(src)}" alt="{escape(alt)}" data-src="{escape(path)}">'
        return f'<img src="{escape(src)}" alt="{escape(alt)}" loading="lazy">'

    def _heading_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict
    ) -> str:
        token = tokens[idx]
        self.state.heading_level = int(token.tag[1])
        text = tokens[idx + 1].content if idx + 1 < len(tokens) else ""
        return f'<{token.tag} id="{self.state.unique_id(heading_id(text))}">'

    def _link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        token = tokens[idx]
        href = str(token.attrs.get("href", ""))
        title = token.attrs.get("title")
        attrs = f' href="{escape(href)}"'
        if title:
            attrs += f' title="{escape(str(title))}"'
        if href.lower().startswith(("http:", "https:")):
            attrs += ' rel="external noopener noreferrer"'
        return f"<a{attrs}>"

    def _box_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        token = tokens[idx]
        name, _, title = token.info.strip().partition(" ")
        label = self.ui(f"container.{name}")
        level = min(self.state.heading_level + 1, 6)
        heading_text = f"{label}: {title.strip()}" if title.strip() else label
        if self.state.lang == "fr" and title.strip():
            heading_text = f"{label} : {title.strip()}"
        box_id = self.state.unique_id(f"{name}-{slugify(title)}" if title.strip() else name)
        return (
            f'<section class="box box-{name}" aria-labelledby="{box_id}">\n'
            f'<h{level} id="{box_id}" class="box-title">{escape(heading_text)}</h{level}>\n'
        )

    def _local_help(self) -> str:
        """The profile's checked contacts, or a clearly marked box asking for them."""
        profile = self.course.profile
        if profile is None:
            notice = escape(self.ui("local_help_placeholder"))
            return f'<p class="local-placeholder">{notice}</p>\n'
        lang = self.state.lang
        items = "".join(
            f"<li><strong>{escape(c.name.get(lang))}</strong>: {escape(c.contact)}"
            + (f" – {escape(c.notes.get(lang))}" if c.notes else "")
            + "</li>"
            for c in profile.contacts
        )
        checked = escape(self.ui("local_help_verified", date=profile.verified_on,
                                 country=profile.country))
        return f'<ul class="local-contacts">{items}</ul>\n<p class="local-checked">{checked}</p>\n'

    def _box_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        if tokens[idx].type == "container_local-help_close":
            return self._local_help() + "</section>\n"
        return "</section>\n"
