"""Reads the whole course from disk into the model, collecting every diagnostic on the way."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from builders.collector import build_thresholds
from builders.diagnostics import CourseError, Diagnostic, Diagnostics, SourceLoc, did_you_mean
from builders.image_paths import composed
from builders.load.config import LOCAL_KEY, LocalConfig, read_config
from builders.load.fields import PARAGRAPH_ID, FieldReader, as_map, read_mapping
from builders.load.image_files import image_problem
from builders.load.interface import missing_interface, read_interface
from builders.load.layers import Layer, Overlay, Tree, digest_bytes, merge_yaml, read_text
from builders.load.lesson import LessonContext, check_printable_inline, split_front_matter
from builders.load.markdown import parsed
from builders.load.overlay import (
    QUIZ_OPERATIONS,
    open_overlays,
    patch_lesson,
    patch_quiz,
    remap,
    reorder_modules,
)
from builders.load.quiz import read_quiz
from builders.load.source_cache import SourceCache, SourceFile, Submit
from builders.load.yaml import YMap
from builders.locales import use_course_strings
from builders.model import (
    AUDIENCES,
    LANG_CODE,
    SLUG,
    SLUG_RULE,
    Asset,
    Course,
    Glossary,
    GlossaryTerm,
    Lesson,
    Localized,
    Module,
    Paragraph,
    Quiz,
    SourceIndex,
)
from builders.source_files import MAX_MODULE_FILE
from builders.validate import validate_course

LESSON_NAME = re.compile(r"^(?P<audience>[a-z-]+)\.(?P<lang>[a-zA-Z-]+)\.md$")
DEFAULT_LICENCE = "CC-BY-4.0"
RESERVED = ("glossary",)  # folders of modules/ that are not modules


class _Reader:
    """Reads the course's files through its overlays (see `layers.Tree`) and collects the line
    maps of adapted lessons."""

    def __init__(self, tree: Tree, diags: Diagnostics, cache: SourceCache):
        self.tree, self.root, self.diags, self.cache = tree, tree.root, diags, cache
        self.line_maps: dict[str, list[tuple[str, int]]] = {}

    def yaml(self, rel: str, layers: list[Layer] | None = None) -> tuple[YMap | None, str]:
        """The file with every layer (or those given) merged over the first, and a digest of
        them all."""
        layers = self.tree.layers(rel) if layers is None else layers
        if not layers:
            self.diags.error("source.missing", f"{rel} is missing", SourceLoc(rel))
            return None, ""
        merged: YMap | None = None
        digests = []
        for layer in layers:
            read = read_text(layer, self.diags)
            if read is None:
                continue
            digests.append(read[1])
            data = read_mapping(read[0], layer.shown, self.diags)
            if data is None:
                continue
            merged = data if merged is None or data is None else merge_yaml(merged, data,
                                                                               self.diags)
        return merged, digest_bytes("".join(digests).encode()) if len(digests) > 1 else (
            digests[0] if digests else "")

    def required_yaml(self, rel: str) -> tuple[YMap | None, str]:
        """`yaml` for a file the rest of the course is checked against: the reading stops at
        its errors when it is missing or cannot be read, as every later check would fail too."""
        data, digest = self.yaml(rel)
        if data is None and self.diags.errors:
            raise CourseError(self.diags.sorted())
        return data, digest


def load_course(
    root: Path,
    overlay_folders: Sequence[Path] = (),
    cache: Path | None = None,
    code: str = "",
    submit: Submit | None = None,
    keep_pickled: bool = False,
) -> tuple[Course, list[Diagnostic]]:
    """Read and validate everything; raise CourseError listing every problem if any is an error.

    With a `cache` folder, lessons and quizzes read and checked by an earlier run are taken from
    it; `code` is the builders' code digest when the caller has it already; with `submit`,
    lessons are parsed and checked on worker processes too; with `keep_pickled`, the lessons'
    pickles are kept for the workers that will render them (see `pickled_entry`)."""
    with build_thresholds():
        return _load_course(root, overlay_folders,
                            SourceCache(cache, code, submit, keep_pickled))


def _load_course(
    root: Path, overlay_folders: Sequence[Path], cache: SourceCache
) -> tuple[Course, list[Diagnostic]]:
    root = root.resolve()
    diags = Diagnostics()
    overlays = open_overlays(list(overlay_folders), diags)
    reader = _Reader(Tree(root, overlays), diags, cache)
    for shown in reader.tree.linked_folders():
        diags.error("source.symlink", "symbolic links are not followed", SourceLoc(shown),
                    "copy the folder instead")
    if (root / "modules").is_symlink():
        raise CourseError(diags.sorted())
    if not (root / "modules").is_dir():
        diags.error(
            "source.missing",
            "there is no modules/ folder here",
            SourceLoc("modules"),
            "run e4j in the project folder, or pass --root",
        )
        raise CourseError(diags.sorted())
    title, languages, course_digest = _read_course_file(reader)
    sources = _read_sources(reader, languages)
    glossary = _read_glossary(reader, languages, set(sources.by_id))
    unfinished = [
        finish
        for name in reader.tree.names("modules", dirs=True)
        if name not in RESERVED
        and (finish := _read_module(reader, name, languages, sources, glossary)) is not None
    ]
    reader.cache.settle()
    modules = [finish() for finish in unfinished]
    _check_stray_quizzes(reader, {m.id for m in modules})
    modules.sort(key=lambda m: (m.order, m.id))
    modules = reorder_modules(modules, reader.tree, diags)
    config = _read_local_config(root, overlays, languages, diags)
    _check_local_refs(modules, config, diags)
    interface = read_interface(reader.tree, reader.yaml, languages, diags)
    missing_interface(languages, interface, diags)
    settings = digest_bytes(repr((config.digest, interface)).encode())
    whole = hashlib.sha256(
        "".join(
            [course_digest, sources.digest, glossary.digest, *(m.digest for m in modules),
             settings]
        ).encode()
    ).hexdigest()[:20]
    course = Course(title, languages, tuple(modules), sources, glossary, whole, config.profile,
                    config.branding, settings, interface)
    validate_course(course, diags)
    if not diags.errors:
        from builders.quality import run_quality

        diags.items += run_quality(course)
        if not diags.errors:
            reader.cache.drop_unused()
    diags.items = remap(diags.items, reader.line_maps)
    if diags.errors:
        raise CourseError(diags.sorted())
    use_course_strings(course.interface)
    return course, diags.sorted()


def _check_local_refs(modules: list[Module], config: LocalConfig, diags: Diagnostics) -> None:
    """Every [[local:key]] has a well-formed name and, when a profile is used, a text."""
    profile = config.profile
    for module in modules:
        for lesson in module.lessons:
            for key, loc in lesson.local_refs:
                if not LOCAL_KEY.match(key):
                    diags.error("lesson.local-key", f"'{key}' is not a placeholder name", loc,
                                "write [[local:labour-inspectorate]]: lowercase and hyphens")
                elif profile is not None and profile.fact(key, lesson.lang) is None:
                    diags.error("lesson.local-missing",
                                f"the profile gives no text for [[local:{key}]]", loc,
                                f"add {key} = {{ en = \"…\", fr = \"…\" }} under "
                                "[profile.local] in e4j.toml")


def _read_local_config(
    root: Path, overlays: tuple[Overlay, ...], languages: tuple[str, ...], diags: Diagnostics
) -> LocalConfig:
    """The course's e4j.toml, or the last overlay's, with problems named in the file read."""
    folder, shown = root, "e4j.toml"
    for overlay in overlays:
        if (overlay.folder / "e4j.toml").is_file():
            folder, shown = overlay.folder, overlay.display("e4j.toml")
    found = Diagnostics()
    config = read_config(folder, languages, found)
    diags.items += [replace(d, loc=replace(d.loc, path=shown)) for d in found.items]
    return config


def _read_course_file(reader: _Reader) -> tuple[Localized, tuple[str, ...], str]:
    # Without the course's languages every lesson, quiz and title would be found in "languages
    # the course does not have".
    data, digest = reader.required_yaml("modules/course.yaml")
    if data is None:
        return Localized(()), ("en",), digest
    fields = FieldReader(data, reader.diags, "modules/course.yaml", ())
    fields.check_keys(("title", "languages"))
    listed = fields.text_list("languages")
    for index, lang in enumerate(listed):
        if not LANG_CODE.match(lang):
            reader.diags.error(
                "course.language",
                f"'{lang}' is not a language code",
                fields.seq("languages").loc_of(index),
                "use codes like en, fr, es",
            )
    if not listed:
        reader.diags.error("course.language", "list at least one language", fields.loc("languages"))
    # The rest of the course is read in the valid ones only: a code is a file name there (the
    # interface strings of locales/<code>.yaml), and any text is none. Without one, nothing
    # else can be checked (see above).
    languages = tuple(lang for lang in listed if LANG_CODE.match(lang))
    if not languages:
        raise CourseError(reader.diags.sorted())
    fields.languages = languages
    return fields.localized("title"), languages, digest


def _read_sources(reader: _Reader, languages: tuple[str, ...]) -> SourceIndex:
    # Without it every citation would be "no paragraph of the paper".
    data, digest = reader.required_yaml("modules/sources.yaml")
    if data is None:
        return SourceIndex("", Localized(()), (), digest)
    fields = FieldReader(data, reader.diags, "modules/sources.yaml", languages)
    fields.check_keys(("document", "title", "paragraphs"), ("date",))
    items = fields.seq("paragraphs")
    paragraphs: list[Paragraph] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        entry = as_map(item, items.loc_of(index), "a paragraph", reader.diags)
        if entry is None:
            continue
        para = FieldReader(entry, reader.diags, "a paragraph", languages)
        para.check_keys(("id", "summary"), ("section",))
        ident = para.text("id").replace(" ", "")
        if not PARAGRAPH_ID.match(ident):
            reader.diags.error(
                "sources.id",
                f"'{ident}' is not a paragraph id",
                para.loc("id"),
                'write ids like "8" or "16(e)"',
            )
            continue
        if ident in seen:
            reader.diags.error(
                "sources.duplicate", f"paragraph {ident} is listed twice", para.loc("id")
            )
            continue
        seen.add(ident)
        paragraphs.append(Paragraph(ident, para.localized("section"), para.localized("summary")))
    return SourceIndex(
        fields.text("document"), fields.localized("title"), tuple(paragraphs), digest
    )


def glossary_files(tree: Tree) -> list[str]:
    """modules/glossary.yaml and/or every modules/glossary/*.yaml, in a stable order."""
    single = "modules/glossary.yaml"
    files = [single] if tree.layers(single) else []
    return files + [f"modules/glossary/{name}" for name in tree.names("modules/glossary", "*.yaml")]


def _read_glossary(
    reader: _Reader, languages: tuple[str, ...], paragraph_ids: set[str]
) -> Glossary:
    files = glossary_files(reader.tree)
    if not files:
        reader.diags.error(
            "source.missing",
            "there is no glossary",
            SourceLoc("modules/glossary.yaml"),
            "add modules/glossary.yaml (or files in modules/glossary/), see docs/authoring.md",
        )
    terms: list[GlossaryTerm] = []
    seen: dict[str, SourceLoc] = {}
    digests = []
    for path in files:
        data, digest = reader.yaml(path)
        digests.append(digest)
        if data is not None:
            terms += _read_terms(reader, data, reader.tree.shown(path), languages,
                                 paragraph_ids, seen)
    terms.sort(key=lambda t: t.id)
    return Glossary(tuple(terms), digest_bytes("".join(digests).encode()))


def _read_terms(
    reader: _Reader,
    data: YMap,
    path: str,
    languages: tuple[str, ...],
    paragraph_ids: set[str],
    seen: dict[str, SourceLoc],
) -> list[GlossaryTerm]:
    fields = FieldReader(data, reader.diags, path, languages)
    fields.check_keys(("terms",))
    items = fields.seq("terms")
    terms: list[GlossaryTerm] = []
    for index, item in enumerate(items):
        entry = as_map(item, items.loc_of(index), "a glossary term", reader.diags)
        if entry is None:
            continue
        term = FieldReader(entry, reader.diags, "a glossary term", languages)
        term.check_keys(("id", "term", "definition"), ("paragraphs",))
        ident = term.text("id")
        if not SLUG.match(ident):
            reader.diags.error(
                "glossary.id",
                f"term id '{ident}' must be a lowercase slug",
                term.loc("id"),
                f"use {SLUG_RULE}",
            )
        if ident in seen:
            reader.diags.error(
                "glossary.duplicate",
                f"term '{ident}' is already defined at {seen[ident]}",
                term.loc("id"),
                "keep one definition and use it everywhere",
            )
            continue
        seen[ident] = term.loc("id")
        refs = term.paragraph_ids("paragraphs")
        for pid, loc in refs:
            if pid not in paragraph_ids:
                reader.diags.error(
                    "cite.unknown-paragraph", f"§{pid} is not a paragraph of the source paper", loc
                )
        definition = term.localized("definition")
        for _lang, value in definition.pairs:
            for token in parsed(value, inline=True):
                check_printable_inline(value, token, term.loc("definition"), reader.diags)
        terms.append(
            GlossaryTerm(ident, term.localized("term"), definition, tuple(pid for pid, _ in refs))
        )
    return terms


def _read_assets(reader: _Reader, module: str) -> tuple[list[Asset], dict[str, str]]:
    """The module folder's files other than lessons and module.yaml, and why those too large
    to read are left out (by path); an overlay's file replaces the course's of the same path."""
    found: dict[str, bytes | int] = {}  # the bytes, or the size of a file too large to read
    for layer_folder in reader.tree.folders(f"modules/{module}"):
        for path in _asset_paths(reader, layer_folder):
            size = path.stat().st_size
            rel = composed(path.relative_to(layer_folder).as_posix())
            found[rel] = size if size > MAX_MODULE_FILE else path.read_bytes()
    assets, too_large = [], {}
    for rel, data in sorted(found.items()):
        if isinstance(data, int):
            too_large[rel] = (f"it is {data / 1_000_000:,.0f} MB, more than the "
                              f"{MAX_MODULE_FILE // 1_000_000} MB a module file may hold")
            assets.append(Asset(rel, b"", digest_bytes(too_large[rel].encode())))
        else:
            assets.append(Asset(rel, data, digest_bytes(data)))
    return assets, too_large


def _asset_paths(reader: _Reader, folder: Path) -> list[Path]:
    def shown(path: Path) -> SourceLoc:
        return SourceLoc(reader.tree.display(path))

    paths = []
    for dirpath, dirnames, filenames in os.walk(folder):  # linked folders: see linked_folders
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))  # .git and the like
        base = Path(dirpath)
        for name in sorted(filenames):
            path = base / name
            if (base == folder and (name == "module.yaml" or name.endswith(".md"))
                    or name.startswith(".")):
                continue
            if path.is_symlink():
                reader.diags.error("source.symlink", "symbolic links are not read", shown(path),
                                   "copy the file instead")
                continue
            if not path.is_file():  # reading a named pipe would wait for ever
                reader.diags.error("source.special-file", "this is not a file but a pipe, socket "
                                   "or device: nothing is read from it", shown(path),
                                   "remove it from the module folder")
                continue
            paths.append(path)
    return paths


def _read_module(
    reader: _Reader,
    name: str,
    languages: tuple[str, ...],
    sources: SourceIndex,
    glossary: Glossary,
) -> Callable[[], Module] | None:
    """The module, once the lessons sent to worker processes are back: call the result."""
    diags = reader.diags
    rel = f"modules/{name}"
    path = reader.tree.shown(f"{rel}/module.yaml")
    if not reader.tree.layers(f"{rel}/module.yaml"):
        shown = reader.tree.shown(rel)
        hint = "add module.yaml (see docs/authoring.md)"
        if shown != rel:
            known = [n for n in reader.tree.names("modules", dirs=True) if (reader.root / "modules"
                     / n).is_dir()]
            hint = (f"to adapt a module, use its folder name ({did_you_mean(name, known)}); "
                    "to add one, give it a module.yaml")
        diags.error("module.missing-yaml", f"{shown}/ has no module.yaml", SourceLoc(shown),
                    hint)
        return None
    data, digest = reader.yaml(f"{rel}/module.yaml")
    if data is None:
        return None
    fields = FieldReader(data, diags, path, languages)
    fields.check_keys(
        ("id", "title", "summary", "audiences", "paragraphs"),
        ("version", "licence", "authors", "topics", "order"),
    )
    ident = fields.text("id")
    if ident != name:
        diags.error(
            "module.id",
            f"module id '{ident}' differs from its folder '{name}'",
            fields.loc("id"),
            f"write id: {name}",
        )
    if not SLUG.match(name):
        diags.error(
            "module.id", f"module folder '{name}' is not a module id",
            SourceLoc(reader.tree.shown(rel)), f"rename it with {SLUG_RULE}"
        )
    audiences = fields.text_list("audiences")
    for index, audience in enumerate(audiences):
        if audience not in AUDIENCES:
            diags.error(
                "module.audience",
                f"unknown audience '{audience}'",
                fields.seq("audiences").loc_of(index),
                did_you_mean(audience, AUDIENCES),
            )
    paragraphs = fields.paragraph_ids("paragraphs")
    for pid, loc in paragraphs:
        if pid not in sources.by_id:
            diags.error(
                "cite.unknown-paragraph", f"§{pid} is not a paragraph of the source paper", loc
            )
    assets, too_large = _read_assets(reader, name)
    ctx = LessonContext(
        frozenset(sources.by_id),
        frozenset(glossary.by_id),
        frozenset(a.path for a in assets),
        diags,
        languages,
        image_problems=tuple(
            (a.path, problem) for a in assets
            if (problem := too_large.get(a.path) or image_problem(a.path, a.data))
        ),
    )
    lessons: list[Callable[[], Lesson | None]] = []
    for file_name in reader.tree.names(rel, "*.md"):
        match = LESSON_NAME.match(file_name)
        layers = reader.tree.layers(f"{rel}/{file_name}")
        lesson_rel = layers[0].shown
        if not match or match["audience"] not in AUDIENCES or match["lang"] not in languages:
            diags.error(
                "module.lesson-name",
                f"'{file_name}' is not named <audience>.<language>.md",
                SourceLoc(lesson_rel),
                f"audiences: {', '.join(AUDIENCES)}; languages: {', '.join(languages)}",
            )
            continue
        if match["audience"] not in audiences:
            diags.error(
                "module.unlisted-audience",
                f"lesson for '{match['audience']}' but the module's audiences do not list it",
                fields.loc("audiences"),
                f"add {match['audience']} to audiences",
            )
        read = read_text(layers[0], diags)
        if read is None:
            continue
        text, lesson_digest = read
        if layers[0].overlay and not split_front_matter(text):
            _no_target(lesson_rel, diags, "or, to add a lesson, start it with its front matter")
            continue
        if len(layers) > 1:
            text, line_map, patched = patch_lesson(text, lesson_rel, layers[1:], diags)
            reader.line_maps[lesson_rel] = line_map
            lesson_digest = digest_bytes((lesson_digest + patched).encode())
        source = SourceFile(text, lesson_rel, lesson_digest, name, match["audience"],
                              match["lang"], ctx)
        lessons.append(reader.cache.lesson(source, diags))
    quizzes: list[Callable[[], Quiz | None]] = []
    for file_name in reader.tree.names(f"quizzes/{name}", "*.yaml"):
        audience = file_name.removesuffix(".yaml")
        layers = reader.tree.layers(f"quizzes/{name}/{file_name}")
        quiz_rel = layers[0].shown
        if audience not in audiences:
            diags.error(
                "quiz.audience",
                f"quiz for audience '{audience}', which module '{name}' does not list",
                SourceLoc(quiz_rel),
                did_you_mean(audience, audiences),
            )
            continue
        if len(layers) > 1 or layers[0].overlay:  # adapted or added by an overlay: read again
            quizzes.append(partial(_read_quiz_file, reader, layers, name, audience, ctx))
        elif (found := read_text(layers[0], diags)) is not None:
            source = SourceFile(found[0], quiz_rel, found[1], name, audience, "", ctx)
            quizzes.append(reader.cache.quiz(source, diags))
    module = Module(
        id=name,
        version=fields.text("version", "1.0.0"),
        licence=fields.text("licence", DEFAULT_LICENCE),
        authors=fields.text_list("authors"),
        title=fields.localized("title"),
        summary=fields.localized("summary"),
        topics=fields.text_list("topics"),
        paragraphs=tuple(pid for pid, _ in paragraphs),
        audiences=audiences,
        order=fields.integer("order", default=100),
        lessons=(),
        quizzes=(),
        assets=tuple(assets),
        path=path,
        digest="",
        meta_digest=digest,
        loc=SourceLoc(path, 1, 1),
    )

    def finish() -> Module:
        read = tuple(lesson for get in lessons if (lesson := get()) is not None)
        tests = tuple(quiz for get in quizzes if (quiz := get()) is not None)
        parts = [digest, *(x.digest for x in read), *(q.digest for q in tests),
                 *(a.digest for a in assets)]
        return replace(module, lessons=read, quizzes=tests,
                       digest=hashlib.sha256("".join(parts).encode()).hexdigest()[:20])

    return finish


def _read_quiz_file(reader: _Reader, layers: list[Layer], name: str, audience: str,
                    ctx: LessonContext) -> Quiz | None:
    """One quiz file with the overlays that adapt it."""
    quiz_rel = layers[0].shown
    quiz_data, quiz_digest = reader.yaml(quiz_rel, layers[:1])
    if quiz_data is None:
        return None
    if layers[0].overlay and QUIZ_OPERATIONS & set(quiz_data):
        _no_target(quiz_rel, reader.diags, "or, to add a quiz, write it whole with its questions")
        return None
    if len(layers) > 1:
        quiz_data, patched = patch_quiz(quiz_data, layers[1:], reader.diags)
        quiz_digest = digest_bytes((quiz_digest + patched).encode())
    return read_quiz(quiz_data, quiz_rel, quiz_digest, name, audience, ctx)


def _no_target(shown: str, diags: Diagnostics, how_to_add: str) -> None:
    """An overlay file written to adapt a lesson or quiz that the course does not have."""
    diags.error("overlay.no-target", "the course has no such file to adapt", SourceLoc(shown),
                f"name the file exactly as the course's lesson or quiz it adapts, {how_to_add}")


def _check_stray_quizzes(reader: _Reader, module_ids: set[str]) -> None:
    for name in reader.tree.names("quizzes", dirs=True):
        if name not in module_ids:
            reader.diags.error(
                "quiz.module",
                f"quizzes/{name}/ belongs to no module",
                SourceLoc(reader.tree.shown(f"quizzes/{name}")),
                did_you_mean(name, module_ids) or "create the module or remove the folder",
            )
