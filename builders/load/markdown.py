"""The one configured Markdown parser: CommonMark + tables, containers, citations, glossary terms.

Raw HTML is never passed through (`html=False` turns it into text) and only safe link
schemes survive.
"""

from __future__ import annotations

import copyreg
import dataclasses
import operator
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from builders.model import CONTAINERS

SAFE_SCHEMES = ("http:", "https:", "mailto:")

# [§27], [§16(e)], [§7, §8], [§8–11], [§16(b)–(h)]
CITATION = re.compile(r"\[§([^\[\]\n]{1,120})\]")
CITATION_ITEM = re.compile(
    r"^§?\s*(?P<num>[1-9][0-9]*)(?:\((?P<letter>[a-z])\))?"
    r"(?:\s*[–-]\s*§?\s*(?:(?P<num2>[1-9][0-9]*)(?:\((?P<letter2>[a-z])\))?|\((?P<letter3>[a-z])\)))?$"
)
TERM = re.compile(r"\[\[([^\[\]|\n]{1,80})(?:\|([^\[\]\n]{1,200}))?\]\]")
LOCAL_PREFIX = "local:"  # [[local:labour-inspectorate]]: a fact the localisation profile gives


def is_safe_link(url: str) -> bool:
    """Only http(s), mailto, in-page anchors and relative paths without a scheme are allowed."""
    lowered = url.strip().lower()
    if lowered.startswith(SAFE_SCHEMES) or lowered.startswith("#"):
        return True
    return ":" not in lowered.split("/", 1)[0] and not lowered.startswith("//")


def parse_citation(inner: str) -> tuple[list[str], str]:
    """Expand the inside of `[§...]` into paragraph ids; returns (ids, error message)."""
    ids: list[str] = []
    for raw in re.split(r"\s*[,;]\s*", inner.strip()):
        match = CITATION_ITEM.match(raw.strip())
        if not match:
            return [], f"'[§{inner}]' is not a citation I can read"
        num, letter = int(match["num"]), match["letter"]
        num2, letter2, letter3 = match["num2"], match["letter2"], match["letter3"]
        if letter3:  # 16(b)–(h)
            if not letter or letter3 < letter:
                return [], f"'[§{inner}]': a letter range needs a start like 16(b)–(h)"
            ids += [f"{num}({chr(c)})" for c in range(ord(letter), ord(letter3) + 1)]
        elif num2:
            end = int(num2)
            if letter or letter2 or end <= num:
                return (
                    [],
                    f"'[§{inner}]': a range runs from a lower to a higher paragraph, e.g. 8–11",
                )
            ids += [str(n) for n in range(num, end + 1)]
        else:
            ids.append(f"{num}({letter})" if letter else str(num))
    return ids, ""


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[§", state.pos):
        return False
    match = CITATION.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        ids, error = parse_citation(match[1])
        token = state.push("citation", "", 0)
        token.content = match[0]
        token.meta = {"ids": ids, "error": error, "offset": state.pos}
    state.pos = match.end()
    return True


def _term_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    match = TERM.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        ident = match[1].strip()
        local = ident.startswith(LOCAL_PREFIX)
        token = state.push("local" if local else "term", "", 0)
        token.content = match[0]
        token.meta = {
            "id": ident.removeprefix(LOCAL_PREFIX).strip() if local else ident,
            "label": (match[2] or "").strip(),
            "offset": state.pos,
        }
    state.pos = match.end()
    return True


def _container_validator(name: str):
    def validate(params: str, *args: object) -> bool:
        return params.strip().split(" ", 1)[0] == name

    return validate


TOKEN_FIELDS = ("type", "tag", "nesting", "attrs", "map", "level", "children", "content",
                "markup", "info", "meta", "block", "hidden")
if tuple(field.name for field in dataclasses.fields(Token)) != TOKEN_FIELDS:
    raise ImportError("markdown-it-py's Token has other fields than builders/load/markdown.py "
                      "knows: install a version pyproject.toml allows, or update TOKEN_FIELDS")
_token_fields = operator.attrgetter(*TOKEN_FIELDS)


def _pickle_token(token: Token) -> tuple[Callable[..., Token], tuple[object, ...]]:
    """Tokens pickled as their field values, read back without the constructor: writing is
    twice and reading three times as fast as the default for slotted dataclasses (the worker
    processes and the build cache both pickle)."""
    return _unpickle_token, _token_fields(token)


def _unpickle_token(*values: Any) -> Token:
    token = object.__new__(Token)  # the fields were a token's: nothing to convert
    (token.type, token.tag, token.nesting, token.attrs, token.map, token.level, token.children,
     token.content, token.markup, token.info, token.meta, token.block, token.hidden) = values
    return token


copyreg.pickle(Token, _pickle_token)


def body_line(token: Token, body_offset: int) -> int:
    """The line of the lesson file where a body token's block starts (`body_offset`: the lines
    before the body)."""
    return (token.map[0] if token.map else 0) + 1 + body_offset


@lru_cache(maxsize=32768)
def parsed(text: str, inline: bool) -> tuple[Token, ...]:
    """The tokens of a quiz or glossary string. The same strings are checked when loading and
    rendered by every format and bank, and nothing changes tokens, so each is parsed once."""
    parser = markdown_parser()
    return tuple(parser.parseInline(text) if inline else parser.parse(text))


_configuring = threading.Lock()
# Links of each kind the parser normalises: parsing them fills the URL encoding tables of
# markdown-it's helper (mdurl), which it fills on first use without a lock. Threads that found
# a table half-filled wrote wrong image paths, or failed.
_EVERY_LINK = "[a](https://a.org/%20?b#c) ![d](e/f.png) <https://g.org/~> <h@i.org>"


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The shared parser, configured once per process, and ready for threads to share."""
    with _configuring:
        md = _configured_parser()
        md.parse(_EVERY_LINK)
        return md


def _configured_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    for name in CONTAINERS:
        md.use(container_plugin, name=name, validate=_container_validator(name))
    md.inline.ruler.before("link", "term", _term_rule)
    md.inline.ruler.before("link", "citation", _citation_rule)
    return md
