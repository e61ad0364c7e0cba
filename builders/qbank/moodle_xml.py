"""Quizzes as Moodle XML question files: every type mapped to Moodle's own, nothing lost."""

from __future__ import annotations

import base64
import unicodedata

from lxml import etree

from builders.locales import UI
from builders.model import Question, Quiz
from builders.qbank.fractions import fraction_text, share
from builders.qbank.text import BankText, Rendered

PENALTY = "0.3333333"


def category_path(quiz: Quiz, part: str = "") -> str:
    base = f"$course$/E4J/{quiz.module_id}/{quiz.audience}"
    return f"{base}/{part}" if part else base


def _text(parent: etree._Element, tag: str, rendered: Rendered | str, html: bool = True) -> None:
    element = etree.SubElement(parent, tag)
    if html:
        element.set("format", "html")
    text = rendered.html if isinstance(rendered, Rendered) else rendered
    etree.SubElement(element, "text").text = text
    if isinstance(rendered, Rendered):
        for name, data in rendered.images.items():
            file = etree.SubElement(element, "file", name=name, path="/", encoding="base64")
            file.text = base64.b64encode(data).decode("ascii")


def _value(parent: etree._Element, tag: str, value: str) -> None:
    etree.SubElement(parent, tag).text = value


def _answer(parent, fraction: float, text, feedback, html: bool = True) -> etree._Element:
    answer = etree.SubElement(parent, "answer", fraction=fraction_text(fraction))
    if html:
        answer.set("format", "html")
    _value_or_rendered(answer, text)
    if feedback is not None:
        _text(answer, "feedback", feedback)
    return answer


def _value_or_rendered(answer: etree._Element, text: Rendered | str) -> None:
    node = etree.SubElement(answer, "text")
    if isinstance(text, Rendered):
        node.text = text.html
        for name, data in text.images.items():
            file = etree.SubElement(answer, "file", name=name, path="/", encoding="base64")
            file.text = base64.b64encode(data).decode("ascii")
    else:
        node.text = text


def fold_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def short_answers(q: Question, langs: tuple[str, ...]) -> list[str]:
    """What a short-answer question accepts in a bank: each answer in each language, and its
    spelling without accents when accents are optional."""
    return list(dict.fromkeys(
        variant
        for lang in langs
        for answer in q.accepted(lang)
        for variant in (answer, answer if q.accent_sensitive else fold_accents(answer))
    ))


def literal_asterisks(answer: str) -> str:
    """Moodle reads '*' in a short answer as 'any text' (the catch-all answer is '*'); the
    answers here are literal: '\\*' is Moodle's literal asterisk."""
    return answer.replace("*", "\\*")


def question_element(quiz: Quiz, q: Question, texts: BankText, ui: UI) -> etree._Element:
    moodle_type = {
        "single": "multichoice",
        "multiple": "multichoice",
        "truefalse": "truefalse",
        "short": "shortanswer",
        "matching": "matching",
        "numerical": "numerical",
        "essay": "essay",
    }[q.type]
    element = etree.Element("question", type=moodle_type)
    name = etree.SubElement(element, "name")
    prompt_plain = texts.plain(q.prompt)
    short = prompt_plain if len(prompt_plain) <= 60 else prompt_plain[:57].rstrip() + "…"
    etree.SubElement(name, "text").text = f"{q.id} – {short}"
    _text(element, "questiontext", texts.html(q.prompt))
    _text(element, "generalfeedback", texts.html(q.feedback) if q.feedback else "")
    _value(element, "defaultgrade", f"{q.points:g}")
    _value(element, "penalty", PENALTY)
    _value(element, "hidden", "0")
    _value(element, "idnumber", q.id)
    if q.type in ("single", "multiple"):
        _multichoice(element, q, texts, ui)
    elif q.type == "truefalse":
        _answer(element, 100 if q.answer else 0, "true", texts.html(q.feedback_true), html=False)
        _answer(element, 0 if q.answer else 100, "false", texts.html(q.feedback_false), html=False)
    elif q.type == "short":
        _value(element, "usecase", "1" if q.case_sensitive else "0")
        for answer in short_answers(q, texts.langs):
            _answer(element, 100, literal_asterisks(answer), texts.html(q.feedback_correct),
                    html=False)
        _answer(element, 0, "*", texts.html(q.feedback_incorrect), html=False)
    elif q.type == "numerical":
        answer = _answer(
            element, 100, f"{float(q.answer or 0):g}", texts.html(q.feedback_correct), html=False
        )
        _value(answer, "tolerance", f"{q.tolerance:g}")
        wildcard = _answer(element, 0, "*", texts.html(q.feedback_incorrect), html=False)
        _value(wildcard, "tolerance", "0")
        for tag, value in (
            ("unitgradingtype", "0"),
            ("unitpenalty", "0.1000000"),
            ("showunits", "3"),
            ("unitsleft", "0"),
        ):
            _value(element, tag, value)
    elif q.type == "matching":
        _value(element, "shuffleanswers", "true")
        _combined_feedback(element, q, texts, ui)
        for pair in q.pairs:
            sub = etree.SubElement(element, "subquestion", format="html")
            premise = texts.html(pair.premise)
            etree.SubElement(sub, "text").text = premise.html
            for file_name, data in premise.images.items():
                file = etree.SubElement(sub, "file", name=file_name, path="/", encoding="base64")
                file.text = base64.b64encode(data).decode("ascii")
            answer = etree.SubElement(sub, "answer")
            etree.SubElement(answer, "text").text = texts.plain(pair.match)
    elif q.type == "essay":
        for tag, value in (
            ("responseformat", "editor"),
            ("responserequired", "1"),
            ("responsefieldlines", "15"),
            ("attachments", "0"),
            ("attachmentsrequired", "0"),
        ):
            _value(element, tag, value)
        if q.min_words:
            _value(element, "minwordlimit", str(q.min_words))
        _text(element, "graderinfo", texts.html(q.marking_guide, block=True))
        _text(element, "responsetemplate", "")
    _tags(element, quiz, q)
    return element


def _multichoice(element: etree._Element, q: Question, texts: BankText, ui: UI) -> None:
    correct = [o for o in q.options if o.correct]
    wrong = [o for o in q.options if not o.correct]
    _value(element, "single", "true" if q.type == "single" else "false")
    _value(element, "shuffleanswers", "true")
    _value(element, "answernumbering", "abc")
    _value(element, "showstandardinstruction", "0")
    _combined_feedback(element, q, texts, ui)
    for option in q.options:
        if q.type == "single":
            fraction = 100.0 if option.correct else 0.0
        else:
            fraction = share(len(correct)) if option.correct else share(len(wrong), negative=True)
        _answer(element, fraction, texts.html(option.text), texts.html(option.feedback))


def _combined_feedback(element: etree._Element, q: Question, texts: BankText, ui: UI) -> None:
    if q.type == "matching":
        correct = texts.html(q.feedback_correct)
        incorrect = texts.html(q.feedback_incorrect)
        partly = incorrect
    else:
        correct = Rendered(texts.ui_text(ui, "correct"))
        partly = Rendered(texts.ui_text(ui, "partly_correct"))
        incorrect = Rendered(texts.ui_text(ui, "incorrect"))
    _text(element, "correctfeedback", correct)
    _text(element, "partiallycorrectfeedback", partly)
    _text(element, "incorrectfeedback", incorrect)
    etree.SubElement(element, "shownumcorrect")


def _tags(element: etree._Element, quiz: Quiz, q: Question) -> None:
    tags = etree.SubElement(element, "tags")
    names = [
        "e4j",
        f"e4j-module-{quiz.module_id}",
        f"e4j-audience-{quiz.audience}",
        f"e4j-outcome-{q.outcome}",
    ]
    names += [f"e4j-para-{p.replace('(', '').replace(')', '')}" for p in q.paragraphs]
    for tag_name in names:
        tag = etree.SubElement(tags, "tag")
        etree.SubElement(tag, "text").text = tag_name


def category_element(path: str, info: str) -> etree._Element:
    element = etree.Element("question", type="category")
    category = etree.SubElement(element, "category")
    etree.SubElement(category, "text").text = path
    _text(element, "info", info)
    return element


def quiz_document(
    entries: list[tuple[Quiz, BankText]],
    ui: UI,
    info,
    cache: dict[tuple[str, ...], bytes] | None = None,
    last_use: bool = False,
) -> bytes:
    """One Moodle XML file for the given quizzes, each in its category (pre/post when marked).

    Written question by question, never as one tree, so a course-wide bank needs no more memory
    than its bytes. A question appears in several files (per module, per course, pre and post):
    `cache` keeps each one's XML so it is built once; with `last_use` (the course-wide bank, the
    last file to hold them), the XML of these questions leaves the cache once written here.
    """
    cache = {} if cache is None else cache
    chunks = [b"<?xml version='1.0' encoding='UTF-8'?>\n<quiz>\n"]
    used = []
    for quiz, texts in entries:
        parts = ("pre-test", "post-test") if quiz.pre_post else ("",)
        for part in parts:
            chunks.append(_member(category_element(category_path(quiz, part), info(quiz, part))))
            for question in quiz.questions:
                key = (quiz.path, quiz.digest, question.id, ui.lang, *texts.langs)
                if key not in cache:
                    cache[key] = _member(question_element(quiz, question, texts, ui))
                chunks.append(cache[key])
                used.append(key)
    chunks.append(b"</quiz>\n")
    for key in used if last_use else ():
        cache.pop(key, None)
    return b"".join(chunks)


def _member(element: etree._Element) -> bytes:
    """One child of <quiz>, indented as `to_bytes` indents a whole document."""
    etree.indent(element, space="  ", level=1)
    return b"  " + etree.tostring(element, encoding="UTF-8") + b"\n"
