"""A quiz as a QTI 1.2 assessment in the Common Cartridge profile (built with lxml).

Profiles Moodle and the big LMSs read: multiple choice, multiple response, true/false
(response idents exactly `true` and `false`), fill in the blank and essay. A numerical item
becomes fill-in-the-blank with its exact answer; a matching item has no CC profile and is left
out — both reported as notes, never silently.
"""

from __future__ import annotations

from lxml import etree

from builders.cc.profiles import QTI_NS
from builders.diagnostics import Diagnostic
from builders.locales import UI
from builders.model import Course, Localized, Module, Question, Quiz
from builders.qbank.moodle_xml import fold_accents
from builders.render.html import HtmlFragments, PageState
from builders.xml import to_bytes

PROFILES = {
    "single": "cc.multiple_choice.v0p1",
    "multiple": "cc.multiple_response.v0p1",
    "truefalse": "cc.true_false.v0p1",
    "short": "cc.fib.v0p1",
    "numerical": "cc.fib.v0p1",
    "essay": "cc.essay.v0p1",
}
RESPONSE = "response1"


def _q(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str):
    element = etree.SubElement(parent, _q(tag), **attrs)
    if text is not None:
        element.text = text
    return element


def _metadata(parent: etree._Element, fields: dict[str, str]) -> None:
    meta = _sub(parent, "qtimetadata")
    for label, entry in fields.items():
        field = _sub(meta, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


class QtiWriter:
    """Writes one quiz in one language; images point into the cartridge's media folder."""

    def __init__(self, course: Course, module: Module, lang: str):
        self.course, self.module, self.lang = course, module, lang
        self.ui = UI(lang)
        self.state = PageState(
            lang, module.id, f"$IMS-CC-FILEBASE$/media/{module.id}", self_contained=True
        )
        self.frags = HtmlFragments(course, self.state)

    @property
    def images(self) -> list[str]:
        return list(self.state.images)

    def html(self, text: Localized) -> str:
        value = text.get(self.lang)
        return self.frags.inline(value) if value else ""

    def _material(self, parent: etree._Element, html: str) -> None:
        material = _sub(parent, "material")
        _sub(material, "mattext", html, texttype="text/html")

    def _feedback(self, item: etree._Element, ident: str, html: str) -> None:
        feedback = _sub(item, "itemfeedback", ident=ident)
        flow = _sub(feedback, "flow_mat")
        self._material(flow, html)

    def assessment(self, quiz: Quiz, ident: str) -> bytes:
        root = etree.Element(_q("questestinterop"), nsmap={None: QTI_NS})
        assessment = _sub(root, "assessment", ident=ident, title=quiz.title.get(self.lang))
        _metadata(
            assessment,
            {
                "cc_profile": "cc.exam.v0p1",
                "qmd_assessmenttype": "Examination",
                "qmd_scoretype": "Percentage",
                "cc_maxattempts": "unlimited",
            },
        )
        section = _sub(assessment, "section", ident=f"{ident}-section")
        for question in quiz.questions:
            if question.type in PROFILES:
                section.append(self.item(question))
        return to_bytes(root)

    def item(self, q: Question) -> etree._Element:
        item = etree.Element(_q("item"), ident=q.id, title=q.id)
        meta = _sub(item, "itemmetadata")
        _metadata(
            meta, {"cc_profile": PROFILES[q.type], "cc_weighting": f"{min(99, round(q.points))}"}
        )
        presentation = _sub(item, "presentation")
        self._material(presentation, self.html(q.prompt))
        processing = _sub(item, "resprocessing")
        outcomes = _sub(processing, "outcomes")
        _sub(outcomes, "decvar", varname="SCORE", vartype="Decimal", minvalue="0", maxvalue="100")
        feedbacks: list[tuple[str, str]] = []
        if q.feedback:  # first, so a scoring condition that stops processing cannot skip it
            condition = _sub(processing, "respcondition", **{"continue": "Yes"})
            _sub(_sub(condition, "conditionvar"), "other")
            _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
            feedbacks.append(("general_fb", self.html(q.feedback)))
        if q.type in ("single", "multiple", "truefalse"):
            self._choices(q, presentation, processing, feedbacks)
        elif q.type in ("short", "numerical"):
            self._blank(q, presentation, processing, feedbacks)
        else:  # essay
            response = _sub(presentation, "response_str", ident=RESPONSE, rcardinality="Single")
            _sub(response, "render_fib", rows="15")
        for ident, html in feedbacks:
            self._feedback(item, ident, html)
        return item

    def _choices(self, q, presentation, processing, feedbacks) -> None:
        response = _sub(
            presentation,
            "response_lid",
            ident=RESPONSE,
            rcardinality="Multiple" if q.type == "multiple" else "Single",
        )
        choice = _sub(response, "render_choice", shuffle="No")
        if q.type == "truefalse":
            labels = [
                ("true", self.ui("answer_true"), q.feedback_true),
                ("false", self.ui("answer_false"), q.feedback_false),
            ]
            correct = ["true" if q.answer else "false"]
        else:
            labels = [(f"o{i}", self.html(o.text), o.feedback) for i, o in enumerate(q.options, 1)]
            correct = [f"o{i}" for i, o in enumerate(q.options, 1) if o.correct]
        for ident, html, feedback in labels:
            label = _sub(choice, "response_label", ident=ident)
            self._material(label, html)
            condition = _sub(processing, "respcondition", **{"continue": "Yes"})
            _sub(_sub(condition, "conditionvar"), "varequal", ident, respident=RESPONSE)
            _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=f"{ident}_fb")
            feedbacks.append((f"{ident}_fb", self.html(feedback)))
        scoring = _sub(processing, "respcondition", **{"continue": "No"})
        variables = _sub(scoring, "conditionvar")
        if q.type == "multiple":
            both = _sub(variables, "and")
            for ident, _, _ in labels:
                if ident in correct:
                    _sub(both, "varequal", ident, respident=RESPONSE)
                else:
                    _sub(_sub(both, "not"), "varequal", ident, respident=RESPONSE)
        else:
            _sub(variables, "varequal", correct[0], respident=RESPONSE)
        _sub(scoring, "setvar", "100", varname="SCORE", action="Set")

    def _blank(self, q, presentation, processing, feedbacks) -> None:
        response = _sub(presentation, "response_str", ident=RESPONSE, rcardinality="Single")
        _sub(response, "render_fib")
        if q.type == "numerical":
            accepted = [f"{float(q.answer or 0):g}"]
        else:
            accepted = list(q.accepted(self.lang))
            if not q.accent_sensitive:
                accepted += [fold_accents(a) for a in accepted]
        scoring = _sub(processing, "respcondition", **{"continue": "No"})
        variables = _sub(scoring, "conditionvar")
        for answer in dict.fromkeys(accepted):
            _sub(
                variables,
                "varequal",
                answer,
                respident=RESPONSE,
                case="Yes" if q.case_sensitive else "No",
            )
        _sub(scoring, "setvar", "100", varname="SCORE", action="Set")
        _sub(scoring, "displayfeedback", feedbacktype="Response", linkrefid="correct_fb")
        feedbacks.append(("correct_fb", self.html(q.feedback_correct)))
        if q.feedback_incorrect:
            wrong = _sub(processing, "respcondition", **{"continue": "Yes"})
            _sub(_sub(wrong, "conditionvar"), "other")
            _sub(wrong, "displayfeedback", feedbacktype="Response", linkrefid="incorrect_fb")
            feedbacks.append(("incorrect_fb", self.html(q.feedback_incorrect)))


def lost_in_cartridge(quiz: Quiz) -> list[Diagnostic]:
    """What the Common Cartridge QTI profile cannot carry, question by question."""
    notes = []
    for q in quiz.questions:
        message = ""
        if q.type == "matching":
            message = f"question '{q.id}' (matching) has no Common Cartridge profile; left out"
        elif q.type == "numerical" and q.tolerance:
            message = (
                f"question '{q.id}' becomes fill-in-the-blank accepting {q.answer:g} only; "
                f"its tolerance ±{q.tolerance:g} is lost"
            )
        elif q.type == "numerical":
            message = (
                f"question '{q.id}' (numerical) becomes fill-in-the-blank with its exact answer"
            )
        elif q.type == "essay" and q.marking_guide:
            message = (
                f"question '{q.id}': the essay's marking guide stays in the teacher pages only"
            )
        if message:
            notes.append(
                Diagnostic(
                    "note",
                    "cc.lossy",
                    message,
                    q.loc,
                    "the Moodle XML question bank keeps this question whole",
                )
            )
    return notes
