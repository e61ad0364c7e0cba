"""Questions from Moodle XML or GIFT files into our quiz YAML, so an academic's own items can be
mixed with ours. Untrusted input: a locked-down XML parser, size limits, located errors."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from lxml import etree

from builders.diagnostics import Diagnostic, SourceLoc, did_you_mean
from builders.model import AUDIENCES, LANG_CODE, SLUG, SLUG_RULE
from builders.qbank.html_markdown import html_to_markdown, split_multilang, text_to_markdown
from builders.qbank.moodle_xml import fold_accents
from builders.xml import safe_parser

MAX_BYTES = 20_000_000
MAX_QUESTIONS = 10_000  # twice the largest quiz builds are tested with
CATEGORY = re.compile(
    r"^\$(?:course|module|system)\$/(?:top/)?E4J/([a-z0-9-]+)/([a-z-]+)(?:/(pre-test|post-test))?$"
)
TAG_PARAGRAPH = re.compile(r"^e4j-para-(\d+)([a-z]?)$")


class ImportError_(ValueError):
    """A file that cannot be imported; carries located diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(diagnostics[0].format() if diagnostics else "import failed")
        self.diagnostics = diagnostics


@dataclass
class ImportedQuiz:
    module: str
    audience: str
    pre_post: bool = False
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> YAML mapping


def category_quiz(category: str, path: str, line: int, problems: list[Diagnostic]
                  ) -> tuple[str, str, bool]:
    """(module, audience, whether pre/post) of the quiz a category holds: an E4J category path
    names them, any other category gives ("imported", "secondary"). One that names a module id or
    an audience no course can have (they become a file's path) is a problem at `line`."""
    match = CATEGORY.match(category.strip())
    if not match:
        return "imported", "secondary", False
    module, audience = match[1], match[2]
    if not SLUG.match(module):
        problems.append(Diagnostic("error", "import.category",
                                   f"the category names a module '{module[:60]}', which is no "
                                   "module id", SourceLoc(path, line, 1), f"use {SLUG_RULE}"))
    elif audience not in AUDIENCES:
        problems.append(Diagnostic("error", "import.category",
                                   f"the category names an audience '{audience[:60]}', which "
                                   "e4j does not have", SourceLoc(path, line, 1),
                                   did_you_mean(audience, AUDIENCES)))
    return module, audience, bool(match[3])


def _language(code: str) -> str:
    """A multi-language span's language as a language code: Moodle writes pt_br for pt-BR.
    ValueError (which names it) for anything else: the code becomes a key of the quiz and the
    name of a file of interface strings."""
    lang, _, region = code.strip().partition("_")
    normal = f"{lang.lower()}-{region.upper()}" if region else lang.lower()
    if not LANG_CODE.match(normal):
        raise ValueError(f"'{code[:40]}' in a multi-language span is not a language code "
                         "(en, fr, pt_br…)")
    return normal


def _texts(raw: str, lang: str) -> dict[str, str]:
    """{lang: Markdown} for every language the HTML carries (multi-language spans or `lang`)."""
    spans = split_multilang(raw)
    found = (
        {_language(code): html_to_markdown(value) for code, value in spans.items()}
        if spans
        else {lang: html_to_markdown(raw)}
    )
    return {code: text for code, text in found.items() if text}


def _plain(raw: str, lang: str, langs: list[str]) -> dict[str, str]:
    """Matching answers: plain text, languages joined with ' / ' by our multilingual export."""
    parts = [p.strip() for p in raw.split(" / ")] if len(langs) > 1 else [raw.strip()]
    if len(langs) > 1 and len(parts) == len(langs):
        return {code: text_to_markdown(part) for code, part in zip(langs, parts, strict=True)}
    if len(langs) > 1 and len(parts) == 1:  # the same word in every language was written once
        return {code: text_to_markdown(raw) for code in langs}
    return {lang: text_to_markdown(raw)}


def _text_of(node: etree._Element | None, path: str = "text") -> str:
    return (node.findtext(path) or "") if node is not None else ""


def finite_number(text: str) -> float:
    """A number written in an imported question; ValueError (which names it) if it is none, or
    infinite (no edition can show nor check it)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"'{text.strip()[:40]}' is not a finite number")
    return value


def check_size(size: int, path: str) -> None:
    if size > MAX_BYTES:
        raise _too_large("the file is larger than 20 MB", SourceLoc(path, 1, 1))


def check_count(count: int, path: str, line: int) -> None:
    """Stop at question MAX_QUESTIONS + 1 (at `line`), before the rest is read."""
    if count > MAX_QUESTIONS:
        raise _too_large(f"the file holds more than {MAX_QUESTIONS:,} questions",
                         SourceLoc(path, line, 1))


def _too_large(problem: str, loc: SourceLoc) -> ImportError_:
    return ImportError_([Diagnostic("error", "import.size", problem, loc,
                                    "import it a module at a time")])


def read_moodle_xml(data: bytes, path: str, lang: str) -> list[ImportedQuiz]:
    """Every E4J quiz found in a Moodle XML file (one per module and audience)."""
    check_size(len(data), path)
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position
        raise ImportError_(
            [
                Diagnostic(
                    "error",
                    "import.xml",
                    f"not well-formed XML: {exc.msg}",
                    SourceLoc(path, line, col),
                )
            ]
        ) from None
    if root.tag != "quiz":
        raise ImportError_(
            [
                Diagnostic(
                    "error",
                    "import.xml",
                    "the root element is not <quiz>",
                    SourceLoc(path, root.sourceline or 1, 1),
                )
            ]
        )
    quizzes: dict[tuple[str, str], ImportedQuiz] = {}
    current = ImportedQuiz("imported", "secondary")
    problems: list[Diagnostic] = []
    count = 0
    for question in root.iterfind("question"):
        kind = question.get("type")
        if kind == "category":
            module, audience, pre_post = category_quiz(question.findtext("category/text", ""),
                                                       path, question.sourceline or 1, problems)
            current = quizzes.setdefault((module, audience), ImportedQuiz(module, audience))
            current.pre_post = current.pre_post or pre_post
            continue
        count += 1
        check_count(count, path, question.sourceline or 1)
        try:
            item = _question(question, kind, lang)
        except (ValueError, TypeError) as exc:
            problems.append(
                Diagnostic(
                    "error",
                    "import.question",
                    str(exc),
                    SourceLoc(path, question.sourceline or 1, 1),
                    "fix or remove this question in the file",
                )
            )
            continue
        if item is None:
            problems.append(
                Diagnostic(
                    "warning",
                    "import.unsupported",
                    f"question type '{kind}' has no E4J equivalent; skipped",
                    SourceLoc(path, question.sourceline or 1, 1),
                )
            )
            continue
        current.questions.setdefault(item["id"], item)
        quizzes.setdefault((current.module, current.audience), current)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise ImportError_(problems)
    return list(quizzes.values())


def _localized(question: etree._Element, xpath: str, lang: str) -> dict[str, str]:
    node = question.find(xpath)
    return _texts(_text_of(node), lang) if node is not None else {}


def _question(q: etree._Element, kind: str | None, lang: str) -> dict[str, Any] | None:
    ident = (q.findtext("idnumber") or "").strip() or re.sub(
        r"[^A-Za-z0-9_-]+", "-", (q.findtext("name/text") or "question").split(" – ")[0]
    ).strip("-")
    tags = [t.text or "" for t in q.iterfind("tags/tag/text")]
    outcome = next(
        (t.removeprefix("e4j-outcome-") for t in tags if t.startswith("e4j-outcome-")), ""
    )
    paragraphs = [
        f"{m[1]}({m[2]})" if m[2] else m[1] for t in tags if (m := TAG_PARAGRAPH.match(t))
    ]
    prompt = _localized(q, "questiontext", lang)
    item: dict[str, Any] = {
        "id": ident,
        "type": "",
        "points": finite_number(q.findtext("defaultgrade") or "1"),
        "outcome": outcome,
        "paragraphs": paragraphs,
        "prompt": prompt,
    }
    langs = set(prompt)
    answers = q.findall("answer")
    if kind == "multichoice":
        single = (q.findtext("single") or "true").strip().lower() in ("true", "1")
        item["type"] = "single" if single else "multiple"
        item["options"] = []
        for answer in answers:
            option: dict[str, Any] = {"text": _texts(_text_of(answer), lang)}
            if float(answer.get("fraction", "0")) > 0:
                option["correct"] = True
            option["feedback"] = _localized(answer, "feedback", lang)
            item["options"].append(option)
    elif kind == "truefalse":
        item["type"] = "truefalse"
        by_text = {(_text_of(a) or "").strip().lower(): a for a in answers}
        true, false = by_text.get("true"), by_text.get("false")
        if true is None or false is None:
            raise ValueError(f"true/false question '{ident}' needs answers 'true' and 'false'")
        item["answer"] = float(true.get("fraction", "0")) > 0
        item["feedback_true"] = _localized(true, "feedback", lang)
        item["feedback_false"] = _localized(false, "feedback", lang)
    elif kind == "shortanswer":
        item["type"] = "short"
        accepted = list(dict.fromkeys(  # '\\*' is Moodle's literal asterisk (a bare one: any text)
            _text_of(a).replace("\\*", "*") for a in answers if float(a.get("fraction", "0")) > 0
        ))
        wildcard = next((a for a in answers if _text_of(a) == "*"), None)
        accented = [a for a in accepted if fold_accents(a) != a]
        # Our export adds the accent-free spelling of each answer when accents are optional.
        optional = not accented or all(fold_accents(a) in accepted for a in accented)
        item["accent_sensitive"] = not optional
        if optional:
            added = {fold_accents(a) for a in accented}
            accepted = [a for a in accepted if a not in added or a in accented]
        item["case_sensitive"] = (q.findtext("usecase") or "0").strip() == "1"
        item["answers"] = {code: accepted for code in langs}
        first = next((a for a in answers if float(a.get("fraction", "0")) > 0), None)
        item["feedback_correct"] = _localized(first, "feedback", lang) if first is not None else {}
        item["feedback_incorrect"] = (
            _localized(wildcard, "feedback", lang) if wildcard is not None else {}
        )
    elif kind == "numerical":
        item["type"] = "numerical"
        right = next((a for a in answers if float(a.get("fraction", "0")) > 0), None)
        if right is None:
            raise ValueError(f"numerical question '{ident}' has no right answer")
        item["answer"] = finite_number(_text_of(right))
        item["tolerance"] = finite_number(right.findtext("tolerance") or "0")
        wildcard = next((a for a in answers if _text_of(a) == "*"), None)
        item["feedback_correct"] = _localized(right, "feedback", lang)
        item["feedback_incorrect"] = (
            _localized(wildcard, "feedback", lang) if wildcard is not None else {}
        )
    elif kind == "matching":
        item["type"] = "matching"
        item["pairs"] = [
            {
                "premise": _texts(_text_of(sub), lang),
                "match": _plain(sub.findtext("answer/text") or "", lang, sorted(langs)),
            }
            for sub in q.iterfind("subquestion")
            if _text_of(sub).strip()
        ]
        item["feedback_correct"] = _localized(q, "correctfeedback", lang)
        item["feedback_incorrect"] = _localized(q, "incorrectfeedback", lang)
    elif kind == "essay":
        item["type"] = "essay"
        guide = q.find("graderinfo")
        item["marking_guide"] = _texts(_text_of(guide), lang) if guide is not None else {}
        if q.findtext("minwordlimit"):
            item["min_words"] = int(q.findtext("minwordlimit") or 0)
    else:
        return None
    item["feedback"] = _localized(q, "generalfeedback", lang)
    return {k: v for k, v in item.items() if v not in ({}, "") or k in ("outcome",)}


def quiz_yaml(quiz: ImportedQuiz, title: dict[str, str], pass_mark: int = 70) -> str:
    """The quiz file text, in the order and style of docs/authoring.md."""
    document = {
        "title": title,
        "pass_mark": pass_mark,
        "pre_post": quiz.pre_post,
        "questions": [
            {k: (int(v) if k == "points" and float(v).is_integer() else v) for k, v in q.items()}
            for q in quiz.questions.values()
        ],
    }
    return yaml.dump(document, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False,
                     width=100)


# libyaml's dumper: ten times PyYAML's own, and it escapes a NEL in quoted text (PyYAML writes
# it as it is, and YAML 1.1 reads it back as a space).
try:
    _SAFE_DUMPER: type = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _SAFE_DUMPER = yaml.SafeDumper


class _PlainDumper(_SAFE_DUMPER):  # type: ignore[misc,valid-type]
    """Writes each value out where it is used: an author reads no anchors nor aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True
