"""Renders lesson tokens and quiz strings to Typst markup; Typst escaping lives here.

Every piece of source text becomes a Typst string literal (`#"…"`), so nothing written in a
lesson or quiz can run as Typst code: the only markup in the output is the markup we write.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it.token import Token

from builders.image_paths import image_path
from builders.load.markdown import parsed
from builders.locales import UI
from builders.model import Course, Lesson
from builders.render.html import drop_teacher_notes, embedded_name
from builders.render.typography import typeset


def typ_string(text: str) -> str:
    """A Typst string literal (quoted) holding `text` exactly."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{escaped}"'


def typ_text(text: str, lang: str) -> str:
    """Text in content position, typographically right for its language."""
    if not text:
        return ""
    return "#" + typ_string(typeset(text, lang))


class TypstFragments:
    """Turns one language's Markdown into Typst content for a printed document."""

    def __init__(self, course: Course, lang: str, teacher: bool):
        self.course, self.lang, self.teacher = course, lang, teacher
        self.ui = UI(lang)
        self.images: dict[str, str] = {}  # embedded file name -> module-relative path
        self.terms: dict[str, None] = {}
        self.cited: dict[str, None] = {}

    # --- entry points ---------------------------------------------------------------------
    def lesson_body(self, lesson: Lesson) -> str:
        tokens = list(lesson.tokens) if self.teacher else drop_teacher_notes(lesson.tokens)
        return self.blocks(tokens)

    def inline(self, text: str) -> str:
        tokens = parsed(text, inline=True)
        return "".join(self.inline_children(t.children or []) for t in tokens)

    def block(self, text: str) -> str:
        return self.blocks(parsed(text, inline=False))

    # --- blocks ---------------------------------------------------------------------------
    def blocks(self, tokens: Sequence[Token]) -> str:
        out: list[str] = []
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "inline":
                out.append(self.inline_children(token.children or []))
            elif kind == "paragraph_close":
                out.append("\n\n" if not token.hidden else "")
            elif kind == "heading_open":
                level = int(token.tag[1])
                out.append(f"#heading(level: {level})[")
            elif kind == "heading_close":
                out.append("]\n\n")
            elif kind == "bullet_list_open":
                out.append("#list(")
            elif kind == "ordered_list_open":
                start = token.attrs.get("start", 1)
                out.append(f"#enum(start: {int(start)}, ")
            elif kind in ("bullet_list_close", "ordered_list_close"):
                out.append(")\n\n")
            elif kind == "list_item_open":
                out.append("[")
            elif kind == "list_item_close":
                out.append("], ")
            elif kind == "blockquote_open":
                out.append("#quote(block: true)[")
            elif kind == "blockquote_close":
                out.append("]\n\n")
            elif kind in ("fence", "code_block"):
                out.append(f"#raw(block: true, {typ_string(token.content)})\n\n")
            elif kind == "hr":
                out.append("#line(length: 100%)\n\n")
            elif kind == "table_open":
                out.append(f"#table(columns: {self._columns(tokens, index)}, ")
            elif kind == "table_close":
                out.append(")\n\n")
            elif kind == "thead_open":
                out.append("table.header(")
            elif kind == "thead_close":
                out.append("), ")
            elif kind in ("th_open", "td_open"):
                out.append("[")
            elif kind in ("th_close", "td_close"):
                out.append("], ")
            elif kind.startswith("container_") and kind.endswith("_open"):
                name, _, title = token.info.strip().partition(" ")
                label = self.ui(f"container.{name}")
                heading = f"{label}{self.ui('colon')} {title.strip()}" if title.strip() else label
                out.append(f'#e4jbox("{name}", {typ_string(heading)})[')
            elif kind.startswith("container_") and kind.endswith("_close"):
                if kind == "container_local-help_close":
                    out.append(self._local_help())
                out.append("]\n\n")
        return "".join(out)

    def _local_help(self) -> str:
        """The profile's checked contacts, or the marked placeholder."""
        profile = self.course.profile
        if profile is None:
            return f"#e4jplaceholder({typ_string(self.ui('local_help_placeholder'))})"
        items = [
            f"[#strong[{typ_text(c.name.get(self.lang), self.lang)}]"
            f"{typ_text(self.ui('colon') + ' ' + c.contact, self.lang)}"
            + (typ_text(" – " + c.notes.get(self.lang), self.lang) if c.notes else "")
            + "]"
            for c in profile.contacts
        ]
        checked = self.ui("local_help_verified", date=profile.verified_on, country=profile.country)
        return f"#list({', '.join(items)})\n#e4jmeta[{typ_text(checked, self.lang)}]\n"

    @staticmethod
    def _columns(tokens: Sequence[Token], start: int) -> int:
        count = 0
        for token in tokens[start + 1 :]:
            if token.type == "tr_close":
                break
            if token.type in ("th_open", "td_open"):
                count += 1
        return max(count, 1)

    # --- inline ---------------------------------------------------------------------------
    def inline_children(self, children: Sequence[Token]) -> str:
        out: list[str] = []
        for child in children:
            kind = child.type
            if kind == "text":
                out.append(typ_text(child.content, self.lang))
            elif kind in ("softbreak",):
                out.append(" ")
            elif kind == "hardbreak":
                out.append("#linebreak()")
            elif kind == "strong_open":
                out.append("#strong[")
            elif kind == "em_open":
                out.append("#emph[")
            elif kind in ("strong_close", "em_close", "link_close"):
                out.append("]")
            elif kind == "code_inline":
                out.append(f"#raw({typ_string(child.content)})")
            elif kind == "link_open":
                out.append(f"#link({typ_string(str(child.attrs.get('href', '')))})[")
            elif kind == "citation":
                for ident in child.meta["ids"]:
                    self.cited[ident] = None
                out.append(f"#e4jcite({typ_string(child.content)})")
            elif kind == "term":
                ident = child.meta["id"]
                self.terms[ident] = None
                term = self.course.glossary.by_id.get(ident)
                label = child.meta["label"] or (term.term.get(self.lang) if term else ident)
                out.append(f"#emph[{typ_text(label, self.lang)}]")
            elif kind == "local":
                profile = self.course.profile
                key = child.meta["id"]
                fact = profile.fact(key, self.lang) if profile else None
                if fact is None:
                    gap = self.ui("local_fact_missing", name=key)
                    out.append(f"#highlight[{typ_text(gap, self.lang)}]")
                else:
                    out.append(typ_text(fact, self.lang))
            elif kind == "image":
                path = image_path(str(child.attrs.get("src", "")))
                name = embedded_name(path)
                self.images[name] = path
                alt = "".join(c.content for c in child.children or [])
                out.append(
                    f"#figure(image({typ_string(name)}, alt: {typ_string(alt)}, width: 60%))"
                )
        return "".join(out)
