"""Overlays: a local adaptation kept beside the course, never written into it.

An overlay folder mirrors the course: `modules/<module>/<audience>.<lang>.md` holds `## ` sections
that replace the lesson's section with the same heading id or are added before the section that
closes with the local-help box;
`quizzes/<module>/<audience>.yaml` holds `add:` (questions) and `drop:` (question ids); `e4j.toml`
replaces the course's; `order.yaml` (`modules: [id, …]`) teaches the listed modules first, in
that order. Merged lessons keep a line map, so every problem is reported in the file
and on the line where it was written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from builders.diagnostics import Diagnostic, Diagnostics, SourceLoc, did_you_mean
from builders.headings import heading_id
from builders.load.fields import as_map
from builders.load.lesson import split_front_matter
from builders.load.yaml import YMap, YSeq, load_yaml
from builders.model import Module

ORDER_FILE = "order.yaml"
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
CONTAINER_OPEN = re.compile(r"^\s*:{3,}\s*\S")
CONTAINER_CLOSE = re.compile(r"^\s*:{3,}\s*$")
LOCAL_HELP = re.compile(r"^\s*:{3,}\s*local-help\b")
SECTION = re.compile(r"^## +(.*?)(?: +#+)? *$")


@dataclass(frozen=True)
class Overlay:
    folder: Path
    label: str  # how its files are named in messages: the folder as the user gave it

    def display(self, rel: str) -> str:
        return f"{self.label.rstrip('/')}/{rel}"


@dataclass
class Section:
    ident: str | None  # None for what comes before the first `## ` heading
    lines: list[tuple[str, str, int]] = field(default_factory=list)  # (text, path, line)


def open_overlays(folders: list[Path], diags: Diagnostics) -> tuple[Overlay, ...]:
    overlays = []
    for folder in folders:
        if not folder.is_dir():
            diags.error("overlay.missing", f"overlay folder {folder} does not exist",
                        SourceLoc(str(folder)), "pass the folder that holds the overlay")
            continue
        overlays.append(Overlay(folder.resolve(), str(folder)))
    return tuple(overlays)


def check_overlay_targets(root: Path, overlays: tuple[Overlay, ...], diags: Diagnostics) -> None:
    """Every overlay file must adapt a lesson or a quiz the course has."""
    for overlay in overlays:
        for folder, suffix in (("modules", ".md"), ("quizzes", ".yaml")):
            for path in sorted((overlay.folder / folder).rglob("*")):
                if not path.is_file():
                    continue
                rel = path.relative_to(overlay.folder).as_posix()
                loc = SourceLoc(overlay.display(rel))
                if path.suffix != suffix:
                    diags.error("overlay.file", f"an overlay's {folder}/ holds only {suffix} files",
                                loc, "remove the file, or add it to the course itself")
                elif not (root / rel).is_file():
                    diags.error("overlay.no-target", f"the course has no {rel} to adapt", loc,
                                "name the file exactly as the course's lesson or quiz")


def split_sections(lines: list[tuple[str, str, int]], skip: int = 0) -> list[Section]:
    """Top-level `## ` sections (not inside code fences or `:::` boxes); the first `skip` lines
    (a lesson's front matter) always belong to the opening part."""
    sections = [Section(None, lines[:skip])]
    fence, depth = "", 0
    for text, path, line in lines[skip:]:
        if fence:
            if text.strip().startswith(fence):
                fence = ""
        elif found := FENCE.match(text):
            fence = found[1]
        elif CONTAINER_CLOSE.match(text):
            depth = max(0, depth - 1)
        elif CONTAINER_OPEN.match(text):
            depth += 1
        elif depth == 0 and (heading := SECTION.match(text)):
            sections.append(Section(heading_id(heading[1])))
        sections[-1].lines.append((text, path, line))
    return sections


def _overlay_texts(overlays: tuple[Overlay, ...], rel: str, diags: Diagnostics
                   ) -> Iterator[tuple[str, str, str]]:
    """(shown path, text, digest) of each overlay's version of `rel`, in overlay order."""
    for overlay in overlays:
        path = overlay.folder / rel
        if not path.is_file():
            continue
        shown, data = overlay.display(rel), path.read_bytes()
        try:
            text = data.decode("utf-8").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            diags.error("source.encoding", "the file is not valid UTF-8",
                        SourceLoc(shown, line, 1), "save it as UTF-8")
            continue
        yield shown, text, hashlib.sha256(data).hexdigest()


def patch_lesson(text: str, rel: str, overlays: tuple[Overlay, ...], diags: Diagnostics
                 ) -> tuple[str, list[tuple[str, int]], str]:
    """The lesson with every overlay's sections applied, its line map and the overlays' digest."""
    lines = [(line, rel, number) for number, line in enumerate(text.split("\n"), start=1)]
    parts = split_front_matter(text)
    front = parts[3] if parts else 0
    digests = []
    for shown, patch_text, digest in _overlay_texts(overlays, rel, diags):
        digests.append(digest)
        patch = [(line, shown, n) for n, line in enumerate(patch_text.split("\n"), start=1)]
        lines = _apply(split_sections(lines, front), split_sections(patch), shown, diags)
    merged = "\n".join(line for line, _, _ in lines)
    return merged, [(path, number) for _, path, number in lines], "".join(digests)


def _apply(base: list[Section], patch: list[Section], shown: str, diags: Diagnostics
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


def reorder_modules(modules: list[Module], overlays: tuple[Overlay, ...], diags: Diagnostics
                    ) -> list[Module]:
    """The last overlay's `order.yaml` (`modules: [id, …]`) puts those modules first."""
    for overlay in reversed(overlays):
        for shown, text, _ in _overlay_texts((overlay,), ORDER_FILE, diags):
            data = load_yaml(text, shown, diags)
            top = as_map(data, SourceLoc(shown), "order.yaml", diags) if data else None
            listed = top.get("modules") if top else None
            if not isinstance(listed, YSeq):
                diags.error("overlay.order", "order.yaml needs a list: modules: [id, …]",
                            SourceLoc(shown), "list module ids in the order to teach them")
                return modules
            by_id = {m.id: m for m in modules}
            for position, ident in enumerate(listed):
                if str(ident) not in by_id:
                    diags.error("overlay.order", f"the course has no module '{ident}'",
                                listed.loc_of(position), did_you_mean(str(ident), by_id))
            first = [by_id[str(i)] for i in dict.fromkeys(listed) if str(i) in by_id]
            return first + [m for m in modules if m not in first]
    return modules


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


def patch_quiz(data: YMap, rel: str, overlays: tuple[Overlay, ...], diags: Diagnostics
               ) -> tuple[YMap, str]:
    """The quiz with every overlay's `drop:` and `add:` applied, and the overlays' digest."""
    digests = []
    for shown, patch_text, digest in _overlay_texts(overlays, rel, diags):
        digests.append(digest)
        loaded = load_yaml(patch_text, shown, diags)
        patch = as_map(loaded, SourceLoc(shown), "a quiz overlay", diags) if loaded else None
        if patch is None:
            continue
        for key in patch:
            if key not in ("add", "drop"):
                diags.error("overlay.quiz-key", f"unknown key '{key}' in a quiz overlay",
                            patch.key_loc(key), "a quiz overlay has add: and drop:")
        data = _merge_questions(data, patch, diags)
    return data, "".join(digests)


def _merge_questions(data: YMap, patch: YMap, diags: Diagnostics) -> YMap:
    questions = data.get("questions")
    if not isinstance(questions, YSeq):
        return data
    drop = patch.get("drop") or []
    dropped = {str(ident) for ident in drop}
    ids = {str(q.get("id")) for q in questions if isinstance(q, dict)}
    for position, ident in enumerate(drop):
        if str(ident) not in ids:
            loc = drop.loc_of(position) if isinstance(drop, YSeq) else patch.loc_of("drop")
            diags.error("overlay.drop", f"the quiz has no question '{ident}' to drop", loc,
                        "use an id from the course's quiz file")
    added = patch.get("add") or YSeq()
    kept = [(q, questions.loc_of(i)) for i, q in enumerate(questions)
            if not (isinstance(q, dict) and str(q.get("id")) in dropped)]
    kept += [(q, added.loc_of(i) if isinstance(added, YSeq) else patch.loc)
             for i, q in enumerate(added)]
    merged_seq = YSeq(q for q, _ in kept)
    merged_seq.loc, merged_seq.item_locs = questions.loc, [loc for _, loc in kept]
    merged = YMap(data)
    merged.loc, merged.key_locs = data.loc, data.key_locs
    merged.value_locs = dict(data.value_locs)
    merged["questions"] = merged_seq
    return merged
