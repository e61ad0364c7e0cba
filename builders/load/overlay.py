"""Overlays: a local adaptation kept beside the course, never written into it.

An overlay folder mirrors the course (see `layers.Tree`). A file the course does not have is
added whole: a lesson, a module with its module.yaml, an image, a glossary file, a quiz, a
language's interface strings in `locales/<lang>.yaml`. A file the course has is adapted:
`modules/<module>/<audience>.<lang>.md` holds `## ` sections that replace the lesson's section
with the same heading id or are added before the section that closes with the local-help box;
YAML files merge key by key (so an overlay can translate titles into a language it adds);
a quiz file may also hold `add:` (questions) and `drop:` (question ids); `e4j.toml` replaces the
course's; `order.yaml` (`modules: [id, …]`) teaches the listed modules first, in that order.
Merged lessons keep a line map, so every problem is reported in the file and on the line where
it was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from builders.diagnostics import Diagnostic, Diagnostics, SourceLoc, did_you_mean
from builders.headings import heading_id
from builders.load.fields import as_map
from builders.load.layers import (
    Layer,
    Overlay,
    Tree,
    copy_map,
    located_seq,
    merge_yaml,
    read_text,
)
from builders.load.lesson import split_front_matter
from builders.load.markdown import markdown_parser
from builders.load.yaml import YMap, YSeq, load_yaml
from builders.model import Module

ORDER_FILE = "order.yaml"
QUIZ_OPERATIONS = frozenset({"add", "drop"})
LOCAL_HELP = re.compile(r"^\s*:{3,}\s*local-help\b")


@dataclass
class Section:
    ident: str | None  # None for what comes before the first `## ` heading
    lines: list[tuple[str, str, int]] = field(default_factory=list)  # (text, path, line)


def open_overlays(folders: list[Path], diags: Diagnostics) -> tuple[Overlay, ...]:
    overlays = []
    for folder in folders:
        if not folder.is_dir():
            problem = "is a file, not a folder" if folder.exists() else "does not exist"
            diags.error("overlay.missing", f"overlay folder {folder} {problem}",
                        SourceLoc(str(folder)), "pass the folder that holds the overlay")
            continue
        overlays.append(Overlay(folder.resolve(), str(folder)))
    return tuple(overlays)


def split_sections(lines: list[tuple[str, str, int]], skip: int = 0) -> list[Section]:
    """The lesson cut before each top-level `## ` heading, found by the lesson parser itself (so
    never one inside a code block or a `:::` box), with the heading id the HTML page gives it;
    the first `skip` lines (a lesson's front matter) always belong to the opening part."""
    body = lines[skip:]
    tokens = markdown_parser().parse("\n".join(text for text, _, _ in body))
    starts = {
        token.map[0]: heading_id(tokens[index + 1].content)
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == "h2" and token.level == 0 and token.map
    }
    sections = [Section(None, lines[:skip])]
    for number, line in enumerate(body):
        if number in starts:
            sections.append(Section(starts[number]))
        sections[-1].lines.append(line)
    return sections


def patch_lesson(text: str, shown: str, patches: list[Layer], diags: Diagnostics
                 ) -> tuple[str, list[tuple[str, int]], str]:
    """The lesson with each patch layer's sections applied, its line map and the patches'
    digest."""
    lines = [(line, shown, number) for number, line in enumerate(text.split("\n"), start=1)]
    parts = split_front_matter(text)
    front = parts[3] if parts else 0
    digests = []
    for layer in patches:
        if (read := read_text(layer, diags)) is None:
            continue
        patch_text, digest = read
        digests.append(digest)
        patch = [(line, layer.shown, n) for n, line in enumerate(patch_text.split("\n"), start=1)]
        lines = _apply(split_sections(lines, front), split_sections(patch), diags)
    merged = "\n".join(line for line, _, _ in lines)
    return merged, [(path, number) for _, path, number in lines], "".join(digests)


def _apply(base: list[Section], patch: list[Section], diags: Diagnostics
           ) -> list[tuple[str, str, int]]:
    stray = [(path, number) for text, path, number in patch[0].lines if text.strip()]
    if stray:
        diags.error("overlay.outside-section", "overlay text before the first '## ' heading",
                    SourceLoc(*stray[0]), "start the overlay with the '## ' heading of the "
                    "section it replaces or adds")
    index = {section.ident: position for position, section in enumerate(base) if section.ident}
    added = []
    for section in patch[1:]:
        if section.ident in index:
            base[index[section.ident]] = section
        else:
            added.append(section)
    closing = [i for i, section in enumerate(base) if any(
        LOCAL_HELP.match(text) for text, _, _ in section.lines)]
    at = closing[-1] if closing and closing[-1] > 0 else len(base)
    base[at:at] = added
    return [line for section in base for line in section.lines]


def reorder_modules(modules: list[Module], tree: Tree, diags: Diagnostics) -> list[Module]:
    """The last overlay's `order.yaml` (`modules: [id, …]`) puts those modules first."""
    layers = [layer for layer in tree.layers(ORDER_FILE) if layer.overlay is not None]
    if not layers or (read := read_text(layers[-1], diags)) is None:
        return modules
    shown = layers[-1].shown
    data = load_yaml(read[0], shown, diags)
    top = as_map(data, SourceLoc(shown), "order.yaml", diags) if data else None
    listed = top.get("modules") if top else None
    if not isinstance(listed, YSeq):
        diags.error("overlay.order", "order.yaml needs a list: modules: [id, …]",
                    SourceLoc(shown), "list module ids in the order to teach them")
        return modules
    by_id = {m.id: m for m in modules}
    wanted: list[str] = []
    for position, ident in enumerate(listed):
        if isinstance(ident, (YMap, YSeq)):
            diags.error("overlay.order", "an item of the list is itself a list or a mapping",
                        listed.loc_of(position), "write module ids: modules: [id, …]")
        elif str(ident) not in by_id:
            diags.error("overlay.order", f"the course has no module '{ident}'",
                        listed.loc_of(position), did_you_mean(str(ident), by_id))
        else:
            wanted.append(str(ident))
    first = [by_id[ident] for ident in dict.fromkeys(wanted)]
    return first + [m for m in modules if m not in first]


def _listed(patch: YMap, key: str, what: str, diags: Diagnostics) -> YSeq:
    """`add:` or `drop:` of a quiz overlay: a list (a single value would be read letter by
    letter, or key by key)."""
    value = patch.get(key)
    if value is None:
        return located_seq([], patch.loc)
    if not isinstance(value, YSeq):
        diags.error("overlay.quiz", f"'{key}:' must be a list of {what}", patch.loc_of(key),
                    f"write {key}: [ … ], or one '- ' item per line")
        return located_seq([], patch.loc)
    return value


def remap(items: list[Diagnostic], maps: dict[str, list[tuple[str, int]]]) -> list[Diagnostic]:
    """Point diagnostics about merged lessons back at the file and line that wrote them."""
    out = []
    for item in items:
        line_map = maps.get(item.loc.path)
        if line_map and 1 <= item.loc.line <= len(line_map):
            path, line = line_map[item.loc.line - 1]
            item = Diagnostic(item.level, item.code, item.message,
                              SourceLoc(path, line, item.loc.col), item.hint)
        out.append(item)
    return out


def patch_quiz(data: YMap, patches: list[Layer], diags: Diagnostics) -> tuple[YMap, str]:
    """The quiz with each patch layer applied: its `drop:` and `add:` lists, and its other keys
    merged into the quiz's (questions by id), and the patches' digest."""
    digests = []
    for layer in patches:
        if (read := read_text(layer, diags)) is None:
            continue
        digests.append(read[1])
        loaded = load_yaml(read[0], layer.shown, diags)
        patch = as_map(loaded, SourceLoc(layer.shown), "a quiz overlay", diags) if loaded else None
        if patch is None:
            continue
        data = _merge_questions(merge_yaml(data, _without(patch, QUIZ_OPERATIONS), diags), patch,
                                diags)
    return data, "".join(digests)


def _without(data: YMap, keys: frozenset[str]) -> YMap:
    kept = copy_map(data)
    for key in keys:
        kept.pop(key, None)
    return kept


def _merge_questions(data: YMap, patch: YMap, diags: Diagnostics) -> YMap:
    questions = data.get("questions")
    if not isinstance(questions, YSeq):
        return data
    drop = _listed(patch, "drop", "question ids", diags)
    dropped = {str(ident) for ident in drop}
    ids = {str(q.get("id")) for q in questions if isinstance(q, dict)}
    for position, ident in enumerate(drop):
        if str(ident) not in ids:
            diags.error("overlay.drop", f"the quiz has no question '{ident}' to drop",
                        drop.loc_of(position), "use an id from the course's quiz file")
    added = _listed(patch, "add", "questions", diags)
    kept = [(q, questions.loc_of(i)) for i, q in enumerate(questions)
            if not (isinstance(q, dict) and str(q.get("id")) in dropped)]
    kept += [(q, added.loc_of(i)) for i, q in enumerate(added)]
    merged = copy_map(data)
    merged["questions"] = located_seq(kept, questions.loc)
    return merged
