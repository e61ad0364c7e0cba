"""The typed, immutable content model: the only thing builders see."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from builders.diagnostics import SourceLoc
from builders.image_paths import WINDOWS_DEVICE

# Module and glossary term ids: lowercase slugs. A module id names folders and files (a PDF's name
# adds some 40 characters to it), and most file systems take names of up to 255 bytes.
# Not a name Windows keeps for a device either: a module's id names a folder in packages and a
# page of the HTML edition (con.html), which a Windows server or PC cannot hold.
SLUG = re.compile(rf"^(?!{WINDOWS_DEVICE}$)[a-z0-9][a-z0-9-]{{0,63}}$")
SLUG_RULE = ("lowercase letters, digits and hyphens, at most 64, and not a device name of Windows "
             "(con, prn, aux, nul, com1…, lpt1…)")
LANG_CODE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")  # en, fr, fr-CA

AUDIENCES: dict[str, str] = {
    "primary": "ages 8–11",
    "secondary": "ages 12–17",
    "university": "university students",
    "labour-inspectors": "labour inspectors",
    "consular-staff": "consular, diplomatic and border officials",
}

CONTAINERS = (
    "activity",
    "case-study",
    "case-file",
    "checklist",
    "discussion",
    "key-point",
    "local-help",
    "teacher-note",
)

QUESTION_TYPES = ("single", "multiple", "truefalse", "short", "matching", "numerical", "essay")
QUESTION_TEXTS = (  # the localized fields of a question
    "prompt",
    "feedback",
    "feedback_true",
    "feedback_false",
    "feedback_correct",
    "feedback_incorrect",
    "marking_guide",
)


@dataclass(frozen=True)
class Localized:
    """One text per language, e.g. {en: ..., fr: ...}, kept as sorted pairs so it is hashable."""

    pairs: tuple[tuple[str, str], ...]

    def __getitem__(self, lang: str) -> str:
        for key, value in self.pairs:
            if key == lang:
                return value
        raise KeyError(lang)

    def get(self, lang: str, default: str = "") -> str:
        try:
            return self[lang]
        except KeyError:
            return default

    def __bool__(self) -> bool:
        return bool(self.pairs)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the source paper, with our own summary of it."""

    id: str
    section: Localized
    summary: Localized


@dataclass(frozen=True)
class SourceIndex:
    """The paragraph index of the source paper."""

    document: str
    title: Localized
    paragraphs: tuple[Paragraph, ...]
    digest: str = ""

    @cached_property
    def by_id(self) -> dict[str, Paragraph]:
        return {p.id: p for p in self.paragraphs}

    def order(self, ident: str) -> int:
        return self.ids.index(ident) if ident in self.ids else len(self.ids)

    @cached_property
    def ids(self) -> list[str]:
        return [p.id for p in self.paragraphs]

    def citation_title(self, ids: tuple[str, ...], lang: str) -> str:
        """What a citation of `ids` shows on hover: each known paragraph's number and summary."""
        key = (ids, lang)
        title = self._titles.get(key)
        if title is None:
            title = self._titles[key] = " | ".join(
                f"§{ident}: {self.by_id[ident].summary.get(lang)}"
                for ident in ids
                if ident in self.by_id
            )
        return title

    @cached_property
    def _titles(self) -> dict[tuple[tuple[str, ...], str], str]:
        return {}


@dataclass(frozen=True)
class GlossaryTerm:
    id: str
    term: Localized
    definition: Localized
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Glossary:
    terms: tuple[GlossaryTerm, ...]
    digest: str = ""

    @cached_property
    def by_id(self) -> dict[str, GlossaryTerm]:
        return {t.id: t for t in self.terms}


@dataclass(frozen=True)
class Outcome:
    id: str
    text: str
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Waiver:
    """Permission to break one quality rule on one line of one file, with the reason why."""

    rule: str
    line: int
    reason: str
    loc: SourceLoc


@dataclass(frozen=True)
class PlanStep:
    minutes: int
    activity: str


@dataclass(frozen=True)
class Landmarks:
    """A lesson body's headings (tag), containers (name) and citations (paragraph ids) in
    order, each with its line: what every language of a lesson must share."""

    headings: tuple[tuple[str, int], ...] = ()
    containers: tuple[tuple[str, int], ...] = ()
    citations: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Asset:
    """A file a module ships (an image), with its bytes so builders never read the disk."""

    path: str  # relative to the module folder, POSIX separators
    data: bytes
    digest: str


@dataclass(frozen=True)
class Lesson:
    """One lesson: a module taught to one audience in one language."""

    module_id: str
    audience: str
    lang: str
    title: str
    duration: int
    outcomes: tuple[Outcome, ...]
    paragraphs: tuple[str, ...]
    keywords: tuple[str, ...]
    plan: tuple[PlanStep, ...]
    # markdown-it tokens, read-only (packed: see builders/load/packed_tokens.py)
    tokens: Sequence[Any] = field(repr=False, compare=False)
    citations: tuple[str, ...]
    terms: tuple[str, ...]
    images: tuple[str, ...]
    path: str
    digest: str
    loc: SourceLoc
    body_offset: int = 0  # lines before the Markdown body (front matter), for token.map
    waivers: tuple[Waiver, ...] = ()
    source: str = field(default="", repr=False, compare=False)  # the whole file, as written
    local_refs: tuple[tuple[str, SourceLoc], ...] = ()  # [[local:key]] and where each is
    landmarks: Landmarks = Landmarks()


@dataclass(frozen=True)
class Option:
    text: Localized
    correct: bool
    feedback: Localized


@dataclass(frozen=True)
class MatchPair:
    premise: Localized
    match: Localized


@dataclass(frozen=True)
class Question:
    """A quiz item; fields not used by its type keep their defaults."""

    id: str
    type: str
    points: float
    outcome: str
    paragraphs: tuple[str, ...]
    prompt: Localized
    feedback: Localized
    loc: SourceLoc
    options: tuple[Option, ...] = ()
    answer: bool | float | None = None
    tolerance: float = 0.0
    answers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    case_sensitive: bool = False
    accent_sensitive: bool = False
    pairs: tuple[MatchPair, ...] = ()
    feedback_true: Localized = Localized(())
    feedback_false: Localized = Localized(())
    feedback_correct: Localized = Localized(())
    feedback_incorrect: Localized = Localized(())
    marking_guide: Localized = Localized(())
    min_words: int = 0

    def texts(self) -> list[tuple[str, Localized]]:
        """Every learner- or teacher-facing string of the question, named."""
        found = [(name, value) for name in QUESTION_TEXTS if (value := getattr(self, name))]
        for index, option in enumerate(self.options, start=1):
            found += [
                (f"option {index}", option.text),
                (f"option {index} feedback", option.feedback),
            ]
        for index, pair in enumerate(self.pairs, start=1):
            found += [(f"pair {index}", pair.premise), (f"pair {index} match", pair.match)]
        return found

    def accepted(self, lang: str) -> tuple[str, ...]:
        """Accepted short answers in `lang`."""
        return dict(self.answers).get(lang, ())


@dataclass(frozen=True)
class Quiz:
    module_id: str
    audience: str
    title: Localized
    pass_mark: int
    pre_post: bool
    shuffle: bool
    questions: tuple[Question, ...]
    path: str
    digest: str
    loc: SourceLoc
    waivers: tuple[Waiver, ...] = ()
    images: tuple[str, ...] = ()  # module-relative paths used in question strings

    @property
    def total_points(self) -> float:
        return sum(q.points for q in self.questions)


@dataclass(frozen=True)
class Module:
    id: str
    version: str
    licence: str
    authors: tuple[str, ...]
    title: Localized
    summary: Localized
    topics: tuple[str, ...]
    paragraphs: tuple[str, ...]
    audiences: tuple[str, ...]
    order: int
    lessons: tuple[Lesson, ...]
    quizzes: tuple[Quiz, ...]
    assets: tuple[Asset, ...]
    path: str
    digest: str  # everything the module holds
    meta_digest: str  # module.yaml alone
    loc: SourceLoc

    def lesson(self, audience: str, lang: str) -> Lesson | None:
        for lesson in self.lessons:
            if lesson.audience == audience and lesson.lang == lang:
                return lesson
        return None

    def quiz(self, audience: str) -> Quiz | None:
        for quiz in self.quizzes:
            if quiz.audience == audience:
                return quiz
        return None

    def asset(self, path: str) -> Asset | None:
        for asset in self.assets:
            if asset.path == path:
                return asset
        return None

    def shown_assets(self) -> tuple[Asset, ...]:
        """The module's files its lessons and quizzes show: no edition publishes the others (a
        stray .html or .svg would be served from the site that hosts the edition)."""
        used = {path for lesson in self.lessons for path in lesson.images}
        used |= {path for quiz in self.quizzes for path in quiz.images}
        return tuple(asset for asset in self.assets if asset.path in used)


@dataclass(frozen=True)
class HelpContact:
    """A real, checked place to get help, given by the local adaptation (never invented)."""

    name: Localized
    contact: str
    notes: Localized = Localized(())


@dataclass(frozen=True)
class Profile:
    """A localisation profile (e4j.toml): where help is found in one country."""

    country: str
    verified_on: str
    contacts: tuple[HelpContact, ...]
    facts: tuple[tuple[str, Localized], ...] = ()  # [profile.local]: key -> text per language

    def fact(self, key: str, lang: str) -> str | None:
        """The text that fills `[[local:key]]`, or None when the profile does not give it."""
        for name, text in self.facts:
            if name == key:
                return text.get(lang)
        return None


@dataclass(frozen=True)
class Branding:
    """An institution's name, attribution line and accent colour (e4j.toml [branding])."""

    institution: Localized
    attribution: Localized
    colour: str  # "#rrggbb", at least 4.5:1 against white
    logo_name: str = ""  # "logo.png" or "logo.jpg", published as assets/<logo_name>
    logo: bytes = b""


@dataclass(frozen=True)
class Course:
    """The whole validated course."""

    title: Localized
    languages: tuple[str, ...]
    modules: tuple[Module, ...]
    sources: SourceIndex
    glossary: Glossary
    digest: str
    profile: Profile | None = None
    branding: Branding | None = None
    config_digest: str = ""  # of e4j.toml and of the course's interface strings
    interface: tuple[tuple[str, str], ...] = ()  # (language, JSON): see builders.load.interface

    @cached_property
    def _modules_by_id(self) -> dict[str, Module]:
        return {module.id: module for module in self.modules}

    def module(self, ident: str) -> Module | None:
        return self._modules_by_id.get(ident)

    def editions(self) -> list[tuple[str, str]]:
        """(language, audience) pairs that have at least one lesson, in a stable order."""
        found = {(lesson.lang, lesson.audience) for m in self.modules for lesson in m.lessons}
        audience_rank = {name: i for i, name in enumerate(AUDIENCES)}
        return sorted(
            found,
            key=lambda pair: (self.languages.index(pair[0]), audience_rank[pair[1]]),
        )

    def lessons_for(self, lang: str, audience: str, module: str | None = None
                    ) -> list[tuple[Module, Lesson]]:
        """The lesson of each module in `lang` for `audience`; of the module `module` only when
        given (a job for one module must not walk the whole course: 1,000 such jobs would)."""
        modules = self.modules if module is None else [m for m in [self.module(module)] if m]
        return [
            (m, lesson) for m in modules if (lesson := m.lesson(audience, lang)) is not None
        ]
