"""Learner-facing prose of a lesson, block by block, with the line each block starts on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.token import Token

from builders.load.markdown import body_line
from builders.model import Lesson
from builders.render.html import drop_teacher_notes

SKIPPED_BLOCKS = ("blockquote", "table", "code_block", "fence")  # quotes, tables, code


@dataclass(frozen=True)
class Block:
    """One paragraph, list item or heading of a lesson's text."""

    text: str  # the words only
    raw: str  # the Markdown source of the block
    line: int  # 1-based line in the lesson file where the block starts
    kind: str  # "paragraph" | "heading" | "list"

    def locate(self, pattern: re.Pattern[str]) -> tuple[int, int]:
        """Line and column of the first match of `pattern` in the block's source."""
        match = pattern.search(self.raw)
        if not match:
            return self.line, 1
        before = self.raw[: match.start()]
        return self.line + before.count("\n"), match.start() - (before.rfind("\n") + 1) + 1


def inline_text(token: Token, keep_terms: bool = False) -> str:
    """The words of an inline token: citations and code dropped, glossary terms optional."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "term" and keep_terms:
            parts.append(child.meta["label"] or child.meta["id"].replace("-", " "))
        elif child.type == "term":
            parts.append(" ")
    return " ".join("".join(parts).split())


def text_blocks(lesson: Lesson, teacher: bool = False, keep_terms: bool = False) -> Iterator[Block]:
    """Blocks a learner reads (no quotes, tables or code); with `teacher`, teacher notes too."""
    skipping = 0
    in_list = 0
    heading = False
    tokens = lesson.tokens if teacher else drop_teacher_notes(lesson.tokens)
    for token in tokens:
        base = token.type.rsplit("_", 1)[0]
        if base in SKIPPED_BLOCKS and token.type.endswith("_open"):
            skipping += 1
        elif base in SKIPPED_BLOCKS and token.type.endswith("_close"):
            skipping -= 1
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            in_list += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            in_list -= 1
        elif token.type == "heading_open":
            heading = True
        elif token.type == "heading_close":
            heading = False
        elif token.type == "inline" and not skipping:
            text = inline_text(token, keep_terms)
            if text:
                line = body_line(token, lesson.body_offset)
                kind = "heading" if heading else "list" if in_list else "paragraph"
                yield Block(text, token.content, line, kind)
