"""Test attempts from a Moodle quiz "Grades"/"Responses" download (English or French site) or
from our CSV template for paper tests; learners' sex and age band from a separate file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from math import inf, isfinite

from builders.diagnostics import Diagnostic
from builders.results.tables import Table, TableError

# Header patterns of Moodle's quiz reports, in English and French.
GRADE = re.compile(r"^(grade|note)\s*/\s*(\d+(?:[.,]\d+)?)$", re.I)
SCORE = re.compile(r"^(score|note)$", re.I)  # SCORM reports: the score out of 100
NUMBERED = re.compile(
    r"^(question|response|right answer|result|réponse|bonne réponse|résultat)\s+(\d+)$", re.I
)
RIGHT_RESULTS = ("correct",)
ITEM = re.compile(r"^(?:q\.|q)\s*(\d+)\s*/\s*(\d+(?:[.,]\d+)?)$", re.I)
IDENTITY = {
    "id number": "id",
    "numéro d'identification": "id",
    "numéro d’identification": "id",
    "email address": "email",
    "adresse de courriel": "email",
    "adresse courriel": "email",
    "courriel": "email",
    "learner_code": "code",
    "learner code": "code",
}
STATE = ("state", "état", "statut")
FINISHED = ("finished", "terminé", "terminée", "")
AVERAGES = (
    "overall average",
    "moyenne générale",
    "moyenne globale",
    "group average",
    "moyenne du groupe",
)
UNGRADED = ("requires grading", "nécessite une évaluation", "évaluation requise")


@dataclass
class Attempt:
    key: str  # the learner's identity value (never printed)
    percent: float | None  # of the maximum grade
    items: dict[str, float | None] = field(default_factory=dict)  # item -> share of its marks
    row: int = 0


def _number(text: str) -> float | None:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if text in ("", "-", "–"):
        return None
    value = _decimal(text)
    if not isfinite(value):  # float() reads "inf" and "nan"
        raise ValueError(text)
    return value


def _decimal(text: str) -> float:
    """A number as Moodle writes it in English or French (5.00 or 5,00)."""
    return float(text.replace(",", "."))


def _scored(maximum: float) -> bool:
    return 0 < maximum < inf


def _bad(table: Table, row: int, col: int, message: str, hint: str = "") -> TableError:
    return TableError(Diagnostic("error", "results.row", message, table.loc(row, col), hint))


def read_attempts(table: Table) -> list[Attempt]:
    """Every finished attempt of the table, in file order."""
    lowered = [h.strip().lower() for h in table.header]
    key_col = next((i for i, h in enumerate(lowered) if IDENTITY.get(h) == "code"), None)
    if key_col is None:
        key_col = next((i for i, h in enumerate(lowered) if IDENTITY.get(h) == "id"), None)
    if key_col is None:
        key_col = next((i for i, h in enumerate(lowered) if IDENTITY.get(h) == "email"), None)
    if key_col is None:
        raise _bad(
            table,
            1,
            0,
            "no column identifies learners",
            "include 'ID number' or 'Email address' in the Moodle download, or use the "
            "template's learner_code column",
        )
    if IDENTITY.get(lowered[key_col]) == "code":
        return _template(table, key_col)
    numbered = _numbered_columns(table)
    if any(kind in ("result", "résultat") for kind, _ in numbered.values()):
        return _scorm_interactions(table, key_col, numbered)
    grade_col, grade_max = None, None
    items: list[tuple[int, str, float]] = []
    for index, header in enumerate(table.header):
        if match := GRADE.match(header.strip()):
            grade_col, grade_max = index, _decimal(match[2])
        elif (match := ITEM.match(header.strip())) and _scored(most := _decimal(match[2])):
            items.append((index, f"Q{match[1]}", most))  # one worth 0 is neither right nor wrong
    if grade_col is None or grade_max is None:
        raise _bad(table, 1, 0, "no 'Grade/…' column", "download the quiz's Grades report")
    if not _scored(grade_max):
        raise _bad(table, 1, grade_col, f"'{table.header[grade_col]}' gives no grade to reach",
                   "download the Grades report of a quiz that has marks")
    state_col = next((i for i, h in enumerate(lowered) if h in STATE), None)
    attempts = []
    for number, row in table.rows:
        cells = row + [""] * (len(table.header) - len(row))
        if any(c.strip().lower() in AVERAGES for c in cells[: key_col + 1]) or not cells[key_col]:
            continue
        if state_col is not None and cells[state_col].strip().lower() not in FINISHED:
            continue
        try:
            grade = _number(cells[grade_col])
        except ValueError:
            raise _bad(table, number, grade_col, f"'{cells[grade_col]}' is not a grade") from None
        scores: dict[str, float | None] = _responses(cells, _numbered_columns(table))
        for col, name, maximum in items:
            value = cells[col].strip().lower()
            if value in UNGRADED:
                scores[name] = None
                continue
            try:
                points = _number(value)
            except ValueError:
                raise _bad(table, number, col, f"'{cells[col]}' is not a mark") from None
            scores[name] = 0.0 if points is None else points / maximum
        percent = None if grade is None else 100 * grade / grade_max
        attempts.append(Attempt(cells[key_col].strip().lower(), percent, scores, number))
    return attempts


def _numbered_columns(table: Table) -> dict[int, tuple[str, int]]:
    """Columns like 'Response 1' or 'Result 0': index -> (kind, number)."""
    found = {}
    for index, header in enumerate(table.header):
        if match := NUMBERED.match(header.strip()):
            found[index] = (match[1].lower(), int(match[2]))
    return found


def _responses(cells: list[str], numbered: dict[int, tuple[str, int]]) -> dict[str, float | None]:
    """Quiz 'Responses' report: an item is right when the response equals the right answer."""
    by_number: dict[int, dict[str, str]] = {}
    for index, (kind, number) in numbered.items():
        by_number.setdefault(number, {})[kind] = cells[index].strip()
    scores: dict[str, float | None] = {}
    for number, values in sorted(by_number.items()):
        response = values.get("response", values.get("réponse"))
        right = values.get("right answer", values.get("bonne réponse"))
        if response is not None and right is not None and right not in ("", "-"):
            scores[f"Q{number}"] = 1.0 if response == right else 0.0
    return scores


def _scorm_interactions(
    table: Table, key_col: int, numbered: dict[int, tuple[str, int]]
) -> list[Attempt]:
    """Moodle SCORM 'Interactions' report: items named by our interaction ids (numbered from 0),
    so the same question pairs up between the pre- and the post-test packages."""
    score_col = next((i for i, h in enumerate(table.header) if SCORE.match(h.strip())), None)
    attempts = []
    for number, row in table.rows:
        cells = row + [""] * (len(table.header) - len(row))
        if not cells[key_col].strip():
            continue
        by_number: dict[int, dict[str, str]] = {}
        for index, (kind, item) in numbered.items():
            by_number.setdefault(item, {})[kind] = cells[index].strip()
        scores: dict[str, float | None] = {}
        for _, values in sorted(by_number.items()):
            ident = values.get("question", "")
            result = values.get("result", values.get("résultat", "")).lower()
            if ident and result not in ("", "neutral", "neutre"):
                scores[ident] = 1.0 if result in RIGHT_RESULTS else 0.0
        try:
            percent = _number(cells[score_col]) if score_col is not None else None
        except ValueError:
            raise _bad(
                table, number, score_col or 0, f"'{cells[score_col or 0]}' is not a score"
            ) from None
        if percent is None and scores:
            percent = 100 * sum(v or 0 for v in scores.values()) / len(scores)
        attempts.append(Attempt(cells[key_col].strip().lower(), percent, scores, number))
    return attempts


def _template(table: Table, key_col: int) -> list[Attempt]:
    """learner_code, then one column per question: 1 right, 0 wrong, blank unanswered."""
    attempts = []
    item_cols = [
        i
        for i in range(len(table.header))
        if i != key_col and table.header[i].strip().lower() not in ("sex", "age_band", "age band")
    ]
    for number, row in table.rows:
        cells = row + [""] * (len(table.header) - len(row))
        scores: dict[str, float | None] = {}
        for col in item_cols:
            try:
                value = _number(cells[col])
            except ValueError:
                raise _bad(
                    table,
                    number,
                    col,
                    f"'{cells[col]}' is not 0 or 1",
                    "write 1 for a right answer, 0 for a wrong one",
                ) from None
            if value is not None and not 0 <= value <= 1:
                raise _bad(table, number, col, f"'{cells[col]}' is not between 0 and 1")
            scores[table.header[col].strip()] = 0.0 if value is None else value
        percent = 100 * sum(v or 0 for v in scores.values()) / len(scores) if scores else None
        attempts.append(Attempt(cells[key_col].strip().lower(), percent, scores, number))
    return attempts


def choose(attempts: list[Attempt], rule: str) -> dict[str, Attempt]:
    """One attempt per learner: the first, the last (file order) or the best."""
    chosen: dict[str, Attempt] = {}
    for attempt in attempts:
        if attempt.percent is None:
            continue
        current = chosen.get(attempt.key)
        if (
            current is None
            or rule == "last"
            or (rule == "best" and attempt.percent > (current.percent or 0))
        ):
            chosen[attempt.key] = attempt
    return chosen


def read_learners(table: Table) -> dict[str, dict[str, str]]:
    """key -> {"sex": …, "age_band": …} from a CSV whose first column is the identity key."""
    lowered = [h.strip().lower().replace(" ", "_") for h in table.header]
    if "sex" not in lowered and "age_band" not in lowered:
        raise _bad(table, 1, 0, "the learners file needs a 'sex' and/or an 'age_band' column")
    found = {}
    for _, row in table.rows:
        cells = row + [""] * (len(lowered) - len(row))
        values = {
            name: cells[i].strip() or "not stated"
            for i, name in enumerate(lowered)
            if name in ("sex", "age_band")
        }
        found[cells[0].strip().lower()] = values
    return found
