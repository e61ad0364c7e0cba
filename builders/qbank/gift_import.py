"""Reading GIFT question files (Moodle's text format) into quiz YAML mappings."""

from __future__ import annotations

import re
from typing import Any

from builders.diagnostics import Diagnostic, SourceLoc
from builders.qbank.html_markdown import html_to_markdown, text_to_markdown
from builders.qbank.importing import (
    ImportedQuiz,
    ImportError_,
    category_quiz,
    check_count,
    check_size,
    finite_number,
)

COMMENT = re.compile(
    r"^//\s*(?P<id>\S+) – outcome (?P<outcome>\S*); (?P<paras>[^;]*); (?P<points>[\d.]+) point"
)
WEIGHT = re.compile(r"^%(-?[\d.]+)%")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], text)


def _split(text: str, marks: str) -> list[tuple[str, str]]:
    """Split at unescaped `marks` characters: [(mark, piece)]; the first mark may be ''."""
    pieces, mark, current, index = [], "", [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char in marks:
            pieces.append((mark, "".join(current)))
            mark, current = char, []
        else:
            current.append(char)
        index += 1
    pieces.append((mark, "".join(current)))
    return [(m, p) for m, p in pieces if m or p.strip()]


def _text(raw: str) -> str:
    raw = raw.strip()
    if raw.startswith("[html]"):
        return html_to_markdown(_unescape(raw[6:]))
    for marker in ("[moodle]", "[plain]", "[markdown]"):
        raw = raw.removeprefix(marker)
    return text_to_markdown(_unescape(raw))


def _answer_and_feedback(raw: str) -> tuple[str, str]:
    parts = _split(raw, "#")
    answer = parts[0][1] if parts and not parts[0][0] else ""
    feedback = next((p for m, p in parts if m == "#"), "")
    return answer, feedback


def _loc_text(text: str, lang: str) -> dict[str, str]:
    return {lang: text} if text else {}


def read_gift(text: str, path: str, lang: str) -> list[ImportedQuiz]:
    check_size(len(text), path)
    count = 0
    quizzes: dict[tuple[str, str], ImportedQuiz] = {}
    current = ImportedQuiz("imported", "secondary")
    problems: list[Diagnostic] = []
    comment: dict[str, str] = {}
    block: list[str] = []
    start = 1
    lines = text.replace("\r\n", "\n").split("\n")
    for number, line in enumerate([*lines, ""], start=1):
        stripped = line.strip()
        if stripped.startswith("$CATEGORY:"):
            module, audience, pre_post = category_quiz(stripped.removeprefix("$CATEGORY:"),
                                                       path, number, problems)
            current = quizzes.setdefault((module, audience), ImportedQuiz(module, audience))
            current.pre_post = current.pre_post or pre_post
            continue
        if stripped.startswith("//"):
            found = COMMENT.match(stripped)
            comment = found.groupdict() if found else comment
            continue
        if stripped or (block and block_open(block)):
            if not block:
                start = number
            block.append(line)
            continue
        if block:
            count += 1
            check_count(count, path, start)
            try:
                item = _question("\n".join(block).strip(), lang, comment)
                current.questions.setdefault(item["id"], item)
                quizzes.setdefault((current.module, current.audience), current)
            except ValueError as exc:
                problems.append(
                    Diagnostic(
                        "error",
                        "import.gift",
                        str(exc),
                        SourceLoc(path, start, 1),
                        "see Moodle's GIFT format documentation",
                    )
                )
            block, comment = [], {}
    if block:  # the file ended inside a question
        problems.append(
            Diagnostic(
                "error",
                "import.gift",
                "the question's { … } answer block is never closed",
                SourceLoc(path, start, 1),
                "add the closing }",
            )
        )
    if problems:
        raise ImportError_(problems)
    return list(quizzes.values())


def _unescaped(text: str, mark: str, start: int = 0) -> int:
    """Index of the first `mark` at or after `start` that no backslash escapes, or -1."""
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(mark, index):
            return index
        index += 1
    return -1


def block_open(block: list[str]) -> bool:
    """True while a question's { … } is not closed yet (blank lines allowed inside)."""
    text = "".join(block)
    depth = 0
    index = 0
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        depth += text[index] == "{"
        depth -= text[index] == "}"
        index += 1
    return depth > 0


def _question(source: str, lang: str, comment: dict[str, str]) -> dict[str, Any]:
    title = ""
    if source.startswith("::"):
        end = source.find("::", 2)
        if end < 0:
            raise ValueError("a question title opened with :: is never closed")
        title, source = _unescape(source[2:end]), source[end + 2 :]
    opening = _unescaped(source, "{")
    closing = _unescaped(source, "}", opening + 1) if opening >= 0 else -1
    if opening < 0 or closing < opening:
        raise ValueError("the question has no { … } answer block")
    prompt, body = source[:opening], source[opening + 1 : closing].strip()
    ident = comment.get("id") or re.sub(r"[^A-Za-z0-9_-]+", "-", title or "question").strip("-")
    item: dict[str, Any] = {
        "id": ident,
        "type": "",
        "points": finite_number(comment.get("points", "1")),
        "outcome": comment.get("outcome", ""),
        "paragraphs": [
            p.strip().lstrip("§") for p in comment.get("paras", "").split(",") if p.strip()
        ],
        "prompt": _loc_text(_text(prompt), lang),
    }
    general = ""
    marker = _unescaped(body, "####")
    if marker >= 0:
        body, general = body[:marker], body[marker + 4 :]
    parts = _split(body.strip(), "=~")
    upper = body.strip().upper()
    if not body.strip():
        item["type"] = "essay"
    elif upper.split("#")[0] in ("T", "TRUE", "F", "FALSE"):
        item["type"] = "truefalse"
        pieces = _split(body.strip(), "#")
        item["answer"] = upper.startswith("T")
        feedbacks = [_text(p) for m, p in pieces[1:]]
        if_wrong = feedbacks[0] if feedbacks else ""
        if_right = feedbacks[1] if len(feedbacks) > 1 else ""
        right_key, wrong_key = (
            ("feedback_true", "feedback_false")
            if item["answer"]
            else ("feedback_false", "feedback_true")
        )
        item[right_key], item[wrong_key] = _loc_text(if_right, lang), _loc_text(if_wrong, lang)
    elif body.strip().startswith("#"):
        item["type"] = "numerical"
        answer, feedback = _answer_and_feedback(body.strip()[1:].lstrip("="))
        value, _, tolerance = answer.partition(":")
        item["answer"], item["tolerance"] = finite_number(value), finite_number(tolerance or "0")
        item["feedback_correct"] = _loc_text(_text(feedback), lang)
    elif any("->" in p for m, p in parts if m == "="):
        item["type"] = "matching"
        item["pairs"] = []
        for _, piece in parts:
            premise, _, match = piece.partition("->")
            item["pairs"].append(
                {"premise": _loc_text(_text(premise), lang), "match": _loc_text(_text(match), lang)}
            )
    elif all(m == "=" for m, _ in parts):
        item["type"] = "short"
        accepted, item["feedback_correct"], item["feedback_incorrect"] = [], {}, {}
        for _, piece in parts:
            answer, feedback = _answer_and_feedback(piece)
            weight = WEIGHT.match(answer)
            answer = WEIGHT.sub("", answer).strip()
            if answer == "*" and weight and float(weight[1]) == 0:
                item["feedback_incorrect"] = _loc_text(_text(feedback), lang)
            else:
                accepted.append(_unescape(answer))
                item["feedback_correct"] = item["feedback_correct"] or _loc_text(
                    _text(feedback), lang
                )
        item["answers"] = {lang: list(dict.fromkeys(accepted))}
    else:
        weighted = any(WEIGHT.match(p.strip()) for _, p in parts)
        item["type"] = "multiple" if weighted else "single"
        item["options"] = []
        for mark, piece in parts:
            answer, feedback = _answer_and_feedback(piece.strip())
            weight = WEIGHT.match(answer)
            correct = mark == "=" or bool(weight and float(weight[1]) > 0)
            option: dict[str, Any] = {"text": _loc_text(_text(WEIGHT.sub("", answer)), lang)}
            if correct:
                option["correct"] = True
            option["feedback"] = _loc_text(_text(feedback), lang)
            item["options"].append(option)
    if general.strip():
        item["feedback"] = _loc_text(_text(general), lang)
    return {k: v for k, v in item.items() if v not in ({}, "") or k == "outcome"}
