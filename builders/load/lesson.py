"""Reads one lesson file: YAML front matter plus Markdown body, checked as it is read."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from itertools import pairwise

from markdown_it.token import Token

from builders.diagnostics import Diagnostics, SourceLoc, did_you_mean
from builders.image_paths import image_path, unpublishable
from builders.load.control_chars import invisible_reference, report_reference
from builders.load.fields import FieldReader, as_map, read_waivers
from builders.load.image_files import KINDS, MAX_PIXELS
from builders.load.markdown import body_line, markdown_parser
from builders.load.packed_tokens import PackedTokens
from builders.load.yaml import load_yaml
from builders.model import CONTAINERS, SLUG, SLUG_RULE, Landmarks, Lesson, Outcome, PlanStep

LINK_SCHEME = re.compile(r"\]\(\s*(?:<\s*)?([A-Za-z][A-Za-z0-9+.-]*):")  # one way to match spaces
AUTOLINK_SCHEME = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*):[^ >]*>")
# Deepest nesting of quotes and of inline marks (emphasis, links) a lesson may use: the print
# edition's typesetter stops at 16 quotes, or 62 marks, in one another (both count towards one
# limit: a quote as four marks).
MAX_QUOTE_DEPTH = 10
MAX_INLINE_DEPTH = 20
LINK_TARGETS = ("http:", "https:", "mailto:", "#")
WORDED = ("term", "citation", "local")  # inline tokens that always show words
# What follows a term, placeholder or citation written inside a link's text: the rest of the
# text, then the `](` or `][` that would have closed it.
LINK_TEXT_REST = re.compile(r"[^\[\]]*\][(\[]")


@dataclass(frozen=True)
class LessonContext:
    """What a lesson is checked against: the paragraph ids, glossary ids and module files."""

    paragraph_ids: frozenset[str]
    term_ids: frozenset[str]
    asset_paths: frozenset[str]
    diags: Diagnostics
    languages: tuple[str, ...]
    found_images: list[str] = field(default_factory=list)  # filled while reading a quiz
    image_problems: tuple[tuple[str, str], ...] = ()  # (module file, what is wrong as an image)


def split_front_matter(text: str) -> tuple[str, int, str, int] | None:
    """(front matter, its first line, body, number of lines before the body) or None."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[1:index]), 1, "".join(lines[index + 1 :]), index + 1
    return None


def read_lesson(
    text: str, path: str, digest: str, module_id: str, audience: str, lang: str, ctx: LessonContext
) -> Lesson | None:
    """Parse and check one lesson; problems go to `ctx.diags`."""
    diags = ctx.diags
    parts = split_front_matter(text)
    if parts is None:
        diags.error(
            "lesson.front-matter",
            "the lesson does not start with YAML front matter",
            SourceLoc(path, 1, 1),
            "begin the file with a '---' line, the title, duration and outcomes, then '---'",
        )
        return None
    front_text, front_offset, body, body_offset = parts
    front = load_yaml(front_text, path, diags, line_offset=front_offset)
    if front is None:
        if not diags.errors:
            diags.error("lesson.front-matter", "the front matter is empty", SourceLoc(path, 1, 1))
        return None
    front = as_map(front, SourceLoc(path, 2, 1), "the front matter", diags)
    if front is None:
        return None
    fields = FieldReader(front, diags, "the front matter", ctx.languages)
    fields.check_keys(
        ("title", "duration", "outcomes", "paragraphs"), ("keywords", "plan", "waivers")
    )
    title = fields.text("title")
    duration = fields.integer("duration", minimum=1)
    outcomes = _read_outcomes(fields, path)
    paragraphs = fields.paragraph_ids("paragraphs")
    for ident, loc in paragraphs:
        _check_paragraph(ident, loc, ctx)
    plan = _read_plan(fields)

    tokens = markdown_parser().parse(body)
    scan = _BodyScan(path, body.splitlines(), body_offset, ctx)
    scan.walk(tokens)
    listed = {ident for ident, _ in paragraphs}
    for ident, loc in scan.citation_locs:
        if ident in ctx.paragraph_ids and ident not in listed:
            diags.warning(
                "lesson.unlisted-citation",
                f"§{ident} is cited but not listed in the front matter 'paragraphs'",
                loc,
                f'add "{ident}" to paragraphs in the front matter',
            )
    return Lesson(
        module_id=module_id,
        audience=audience,
        lang=lang,
        title=title,
        duration=duration,
        outcomes=outcomes,
        paragraphs=tuple(ident for ident, _ in paragraphs),
        keywords=fields.text_list("keywords"),
        plan=plan,
        tokens=PackedTokens(tokens),
        citations=tuple(dict.fromkeys(ident for ident, _ in scan.citation_locs)),
        terms=tuple(dict.fromkeys(scan.terms)),
        images=tuple(dict.fromkeys(scan.images)),
        path=path,
        digest=digest,
        loc=SourceLoc(path, 1, 1),
        body_offset=body_offset,
        waivers=read_waivers(fields),
        source=text,
        local_refs=tuple(scan.local_refs),
        landmarks=Landmarks(tuple(scan.headings), tuple(scan.containers), tuple(scan.citations)),
    )


def _check_paragraph(ident: str, loc: SourceLoc, ctx: LessonContext) -> None:
    if ident not in ctx.paragraph_ids:
        ctx.diags.error(
            "cite.unknown-paragraph",
            f"§{ident} is not a paragraph of the source paper",
            loc,
            "paragraph ids are listed in modules/sources.yaml",
        )


def _read_outcomes(fields: FieldReader, path: str) -> tuple[Outcome, ...]:
    items = fields.seq("outcomes")
    if "outcomes" in fields.data and not items:
        fields.diags.error(
            "lesson.no-outcomes", "a lesson needs at least one learning outcome", items.loc
        )
    outcomes: list[Outcome] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        entry = as_map(item, items.loc_of(index), "a learning outcome", fields.diags)
        if entry is None:
            continue
        reader = FieldReader(entry, fields.diags, "a learning outcome", fields.languages)
        reader.check_keys(("id", "text"), ("paragraphs",))
        ident, text = reader.text("id"), reader.text("text")
        if not ident or not text:
            continue
        if not SLUG.match(ident):  # an objective's id in SCORM, too
            fields.diags.error(
                "lesson.outcome-id",
                f"outcome id '{ident}' must be {SLUG_RULE}",
                reader.loc("id"),
            )
        if ident in seen:
            fields.diags.error(
                "lesson.duplicate-outcome", f"outcome id '{ident}' is used twice", reader.loc("id")
            )
        seen.add(ident)
        refs = reader.paragraph_ids("paragraphs")
        outcomes.append(Outcome(ident, text, tuple(pid for pid, _ in refs)))
    return tuple(outcomes)


def _read_plan(fields: FieldReader) -> tuple[PlanStep, ...]:
    items = fields.seq("plan")
    steps: list[PlanStep] = []
    for index, item in enumerate(items):
        entry = as_map(item, items.loc_of(index), "a plan step", fields.diags)
        if entry is None:
            continue
        reader = FieldReader(entry, fields.diags, "a plan step", fields.languages)
        reader.check_keys(("minutes", "activity"))
        steps.append(PlanStep(reader.integer("minutes", minimum=1), reader.text("activity")))
    duration = fields.data.get("duration")
    total = sum(step.minutes for step in steps)
    if steps and isinstance(duration, int) and total != duration:
        fields.diags.warning(
            "lesson.plan-duration",
            f"the plan adds up to {total} minutes but the lesson lasts {duration}",
            items.loc,
            "make the plan's minutes add up to 'duration'",
        )
    return tuple(steps)


def check_printable_inline(markdown: str, token: Token, loc: SourceLoc,
                           diags: Diagnostics) -> None:
    """Inline Markdown outside a lesson body (a quiz string, a glossary definition) that no
    edition can show: character references to invisible characters, nesting too deep to print."""
    children = token.children or []
    if any(child.level > MAX_INLINE_DEPTH for child in children):
        diags.error("lesson.nesting", f"emphasis and links are nested more than "
                    f"{MAX_INLINE_DEPTH} deep here", loc,
                    "nest less deeply: the printed edition cannot show it")
    for child in children:
        if child.type == "text" and (reference := invisible_reference(markdown, child.content)):
            report_reference(reference, loc, diags)
        elif child.type == "link_open":
            report_link_target(child, loc, diags)
    for nested in in_link_text(children):
        report_in_link_text(nested, loc, diags)


def in_link_text(children: list[Token]) -> list[Token]:
    """The terms, placeholders and citations written inside a link's text: after a `[` the text
    has not closed, and before the `](` or `][` that closes it. markdown-it makes no link of such
    text (a link's text may hold nothing written with brackets that is a link of its own kind),
    so the link would show as text, brackets and address included."""
    found, open_brackets = [], 0
    for token, after in pairwise(children):
        if token.type == "text":
            open_brackets = max(0, open_brackets + token.content.count("[")
                                - token.content.count("]"))
        elif (token.type in WORDED and open_brackets and after.type == "text"
              and LINK_TEXT_REST.match(after.content)):
            found.append(token)
    return found


def report_in_link_text(token: Token, loc: SourceLoc, diags: Diagnostics) -> None:
    diags.error("lesson.link-nested", f"'{token.content}' inside a link's text undoes the "
                "link: it would show as text, with its brackets and address", loc,
                "keep the link's text plain and write the term or citation beside it: "
                "[the guide](https://…) [§27]")


def report_link_target(link: Token, loc: SourceLoc, diags: Diagnostics) -> None:
    """A link to a path (other.html, /page, ?q) leads nowhere: no edition publishes pages or
    files at paths an author could know. (Links with another scheme are no links at all.)"""
    href = str(link.attrs.get("href", ""))
    if not href.lower().startswith(LINK_TARGETS):
        diags.error("lesson.link-target", f"the link to '{href[:60]}' leads nowhere in the "
                    "editions", loc, "link to a web address (https://…), a mailto: address "
                    "or an #anchor of the page")


def _has_words(inline: Token) -> bool:
    """Whether inline Markdown shows words (an image alone shows none)."""
    return any(child.type in WORDED or (child.type in ("text", "code_inline")
                                        and child.content.strip())
               for child in inline.children or [])


class _BodyScan:
    """Walks the body's tokens once, checking them and collecting what the lesson refers to."""

    def __init__(self, path: str, lines: list[str], offset: int, ctx: LessonContext):
        self.path, self.lines, self.offset, self.ctx = path, lines, offset, ctx
        self.citation_locs: list[tuple[str, SourceLoc]] = []
        self.terms: list[str] = []
        self.local_refs: list[tuple[str, SourceLoc]] = []
        self.images: list[str] = []
        self.heading_level = 1
        # Landmarks: (heading tag, line), (container name, line), (cited ids, line)
        self.headings: list[tuple[str, int]] = []
        self.containers: list[tuple[str, int]] = []
        self.citations: list[tuple[str, int]] = []
        self.quote_depth = 0
        self.too_deep = False

    def loc_in(self, token: Token, needle: str = "", offset: int | None = None) -> SourceLoc:
        """Best position of `needle` inside the block that `token` belongs to."""
        start = token.map[0] if token.map else 0
        end = token.map[1] if token.map else start + 1
        if offset is not None and token.content:
            start += token.content.count("\n", 0, offset)
        for index in range(start, min(end, len(self.lines))):
            col = self.lines[index].find(needle) if needle else 0
            if col >= 0:
                return SourceLoc(self.path, index + 1 + self.offset, col + 1)
        return SourceLoc(self.path, start + 1 + self.offset, 1)

    def walk(self, tokens: list[Token]) -> None:
        diags = self.ctx.diags
        in_heading = False
        for token in tokens:
            if token.type in ("blockquote_open", "blockquote_close"):
                self.quote_depth += 1 if token.nesting > 0 else -1
                if self.quote_depth > MAX_QUOTE_DEPTH:
                    self._too_deep(token,
                                   f"quotes are nested more than {MAX_QUOTE_DEPTH} deep here")
            if token.type in ("heading_open", "heading_close"):
                in_heading = token.type == "heading_open"
            if token.type == "heading_open":
                self.headings.append((token.tag, body_line(token, self.offset)))
                self._heading(token)
            elif token.type.startswith("container_") and token.type.endswith("_open"):
                name = token.type[len("container_") : -len("_open")]
                self.containers.append((name, body_line(token, self.offset)))
                if token.info.strip().split(" ", 1)[0] not in CONTAINERS:
                    diags.error(
                        "lesson.container", f"unknown container '{token.info}'", self.loc_in(token)
                    )
            elif token.type == "inline":
                if in_heading and not _has_words(token):
                    diags.error("lesson.heading-empty", "this heading has no words (an image "
                                "alone is none: a heading is read out and listed by its words)",
                                self.loc_in(token, "#"), "write the heading, or delete the line")
                self._inline(token)
            elif token.type == "html_block":
                diags.error(
                    "lesson.raw-html",
                    "raw HTML is not allowed in lessons",
                    self.loc_in(token),
                    "use Markdown; HTML is shown as text",
                )

    def _too_deep(self, token: Token, problem: str) -> None:
        """One error per lesson for nesting the print edition cannot lay out."""
        if not self.too_deep:
            self.too_deep = True
            self.ctx.diags.error("lesson.nesting", problem, self.loc_in(token),
                                 "nest less deeply: the printed handout cannot show it")

    def _heading(self, token: Token) -> None:
        level = int(token.tag[1])
        loc = self.loc_in(token, "#")
        if level == 1:
            self.ctx.diags.error(
                "lesson.h1",
                "the lesson body must not use a level-1 heading",
                loc,
                "the title in the front matter is the page's only h1; start sections with '##'",
            )
        elif level > self.heading_level + 1:
            self.ctx.diags.error(
                "lesson.heading-level",
                f"heading level jumps from h{self.heading_level} to h{level}",
                loc,
                f"use {'#' * (self.heading_level + 1)} here so headings nest in order",
            )
        self.heading_level = level

    def _inline(self, token: Token) -> None:
        diags = self.ctx.diags
        content = token.content
        if content.startswith(":::"):
            words = content[3:].split()
            name = words[0] if words else ""
            diags.error(
                "lesson.container",
                f"unknown container '{name}'" if name else "a ':::' line with no container open",
                self.loc_in(token, ":::"),
                f"containers are: {', '.join(CONTAINERS)}",
            )
        for match in [*LINK_SCHEME.finditer(content), *AUTOLINK_SCHEME.finditer(content)]:
            scheme = match[1].lower()
            if f"{scheme}:" not in ("http:", "https:", "mailto:"):
                diags.error(
                    "lesson.unsafe-link",
                    f"links with the '{scheme}:' scheme are not allowed",
                    self.loc_in(token, match[0]),
                    "use https:, http:, mailto: or an in-page #anchor",
                )
        for child in token.children or []:
            if child.level > MAX_INLINE_DEPTH:
                self._too_deep(token, f"emphasis and links are nested more than "
                                      f"{MAX_INLINE_DEPTH} deep here")
            if child.type == "citation":
                self.citations.append((" ".join(child.meta["ids"]), body_line(token, self.offset)))
                self._citation(token, child)
            elif child.type == "term":
                self._term(token, child)
            elif child.type == "local":
                loc = self.loc_in(token, child.content, child.meta["offset"])
                self.local_refs.append((child.meta["id"], loc))
            elif child.type == "image":
                self._image(token, child)
            elif child.type == "link_open":
                report_link_target(child, self.loc_in(token, f"]({child.attrs.get('href', '')}"),
                                   diags)
            elif child.type == "text" and (reference := invisible_reference(content,
                                                                             child.content)):
                report_reference(reference, self.loc_in(token, reference), diags)
        for nested in in_link_text(token.children or []):
            report_in_link_text(nested, self.loc_in(token, nested.content, nested.meta["offset"]),
                                diags)

    def _citation(self, block: Token, child: Token) -> None:
        loc = self.loc_in(block, child.content, child.meta["offset"])
        if child.meta["error"]:
            self.ctx.diags.error(
                "cite.syntax",
                child.meta["error"],
                loc,
                "write [§27], [§16(e)], [§7, §8] or [§8–11]",
            )
            return
        for ident in child.meta["ids"]:
            _check_paragraph(ident, loc, self.ctx)
            self.citation_locs.append((ident, loc))

    def _term(self, block: Token, child: Token) -> None:
        ident = child.meta["id"]
        loc = self.loc_in(block, child.content, child.meta["offset"])
        if ident not in self.ctx.term_ids:
            self.ctx.diags.error(
                "glossary.unknown-term",
                f"'{ident}' is not a term of the glossary",
                loc,
                did_you_mean(ident, self.ctx.term_ids)
                or "add the term to modules/glossary.yaml or modules/glossary/*.yaml",
            )
            return
        self.terms.append(ident)

    def _image(self, block: Token, child: Token) -> None:
        src = str(child.attrs.get("src", ""))
        path = check_image(src, child.content, self.loc_in(block, src or "!["), self.ctx)
        if path:
            self.images.append(path)


def _closest_file(path: str, files: frozenset[str]) -> str:
    """A hint naming the module file `path` most likely meant: the same name in other capitals
    (a folder copied from Windows or macOS, which ignore them), else a close one."""
    close = [f for f in sorted(files) if f.casefold() == path.casefold()]
    close = close or difflib.get_close_matches(path, sorted(files), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'? File names must match exactly, capitals too"
    return "put the image in the module folder (images/ is usual), or correct its name"


def check_image(src: str, alt: str, loc: SourceLoc, ctx: LessonContext) -> str | None:
    """The image's path inside the module folder, or None (with a diagnostic) if it is unusable."""
    normal = image_path(src)
    if not alt.strip():
        ctx.diags.error(
            "lesson.image-alt",
            f"image '{normal}' has no alt text",
            loc,
            "describe the image between the brackets: ![what it shows](images/file.png)",
        )
    if (
        not src
        or "://" in src
        or src.startswith(("/", "\\"))
        or normal.startswith(("..", "/"))
        or ":" in src.split("/", 1)[0]
    ):
        ctx.diags.error(
            "lesson.image-path",
            f"image '{src}' must be a file inside the module folder",
            loc,
            "put the image in the module's images/ folder and write images/name.png",
        )
        return None
    if (reason := unpublishable(normal)) is not None:
        ctx.diags.error("lesson.image-path", f"image '{normal}' has in its name {reason}", loc,
                        "rename the file without it")
        return None
    if normal not in ctx.asset_paths:
        ctx.diags.error(
            "lesson.image-missing", f"image '{normal}' does not exist in the module folder", loc,
            _closest_file(normal, ctx.asset_paths),
        )
        return None
    problem = dict(ctx.image_problems).get(normal)
    if problem:
        ctx.diags.error(
            "lesson.image-unreadable",
            f"image '{normal}' cannot be shown: {problem}",
            loc,
            f"save it again as {KINDS}, with the file ending that matches its kind, at most "
            f"{MAX_PIXELS // 1_000_000} million pixels (an SVG: no scripts, links out, entities)",
        )
        return None
    return normal
